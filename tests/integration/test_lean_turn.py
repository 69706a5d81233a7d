"""A lean turn: one read and one write of the database, nothing kept per step, the question embedded once.

Counted with SQLAlchemy's engine events on the real container (SQLite and PostgreSQL), not timed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, func, inspect, select

from bot.container import Container
from core.retrieval.query_cache import QueryCache
from core.store.models import MessageRow, TurnMetricRow
from core.types import Conversation, IncomingMessage, Person
from tests.conftest import SettingsFactory

QUESTIONS = (
    "How much does an outgoing domestic wire cost?",
    "What are the trading hours for stocks?",
    "hello",
    "How do I open a Roth IRA?",
)


@dataclass
class Transactions:
    begins: int = 0
    commits: int = 0
    statements: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.begins = self.commits = 0
        self.statements.clear()


def _count(container: Container) -> Transactions:
    counted = Transactions()

    def _begin(_conn: Any) -> None:
        counted.begins += 1

    def _commit(_conn: Any) -> None:
        counted.commits += 1

    def _statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counted.statements.append(statement.split("\n")[0][:80])

    for engine in container.db.engines:  # the async engine's, and the one Database.run uses on SQLite
        event.listen(engine, "begin", _begin)
        event.listen(engine, "commit", _commit)
        event.listen(engine, "before_cursor_execute", _statement)

    return counted


class CountingEmbedder:
    """Counts the texts the model itself embeds (behind finbot's QueryCache)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim
        self.texts: list[str] = []

    async def embed(self, texts: Any) -> Any:
        self.texts.extend(texts)
        return await self.inner.embed(texts)

    def embed_sync(self, texts: Any) -> Any:
        self.texts.extend(texts)
        return self.inner.embed_sync(texts)


def _message(n: int, text: str, thread: str = "t1") -> IncomingMessage:
    return IncomingMessage(
        event_id=f"lean-{thread}-{n}",
        person=Person.of("web", "local", "lean"),
        conversation=Conversation(platform="web", tenant="local", channel_id="lean", thread_id=thread),
        text=text,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
async def container(request: pytest.FixtureRequest, make_settings: SettingsFactory) -> AsyncIterator[Container]:
    overrides = {"FINBOT_JOBS": "false"}
    if request.param == "postgresql":
        overrides["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    opened = await Container.open(make_settings(**overrides), surfaces=())
    try:
        await opened.ingest_sample_if_empty()
        yield opened
    finally:
        await opened.close()


async def test_a_turn_is_one_read_and_one_write(container: Container) -> None:
    assistant = container.assistant
    await assistant.respond(_message(0, "hello"))  # the first turn of a conversation also creates it (same read)
    await assistant.drain()
    counted = _count(container)
    for n, text in enumerate(QUESTIONS * 2, start=1):
        counted.reset()
        reply = await assistant.respond(_message(n, text))
        await assistant.drain()
        assert reply.text
        assert counted.begins <= 2 and counted.commits <= 2, (text, "\n".join(counted.statements))


async def test_the_database_grows_only_by_the_rows_a_turn_adds(container: Container) -> None:
    assistant, turns = container.assistant, 200
    await assistant.respond(_message(0, "hello", thread="grow"))
    tables_before = set(await _tables(container))
    messages, metrics = await _rows(container)
    for n in range(1, turns + 1):
        await assistant.respond(_message(n, QUESTIONS[n % len(QUESTIONS)], thread="grow"))
    await assistant.drain()
    assert await _rows(container) == (messages + 2 * turns, metrics + turns)  # question + answer, one metrics row
    tables = set(await _tables(container))
    assert tables == tables_before and not {t for t in tables if "checkpoint" in t or t == "writes"}


async def test_the_question_is_embedded_once_per_turn(make_settings: SettingsFactory) -> None:
    container = await Container.open(make_settings(FINBOT_JOBS="false"), surfaces=())
    try:
        await container.ingest_sample_if_empty()
        embedder = container.retriever.embedder
        assert isinstance(embedder, QueryCache)
        counting = CountingEmbedder(embedder.inner)
        embedder.inner = counting
        question = "What does an outgoing international wire transfer cost?"
        reply = await container.assistant.respond(_message(1, question, thread="embed"))
        await container.assistant.drain()
    finally:
        await container.close()
    assert reply.citations  # answered from the knowledge base: routed and retrieved with the question's vector
    assert counting.texts.count(question) == 1


async def _rows(container: Container) -> tuple[int, int]:
    async with container.db.session() as session:
        messages = await session.scalar(select(func.count()).select_from(MessageRow))
        metrics = await session.scalar(select(func.count()).select_from(TurnMetricRow))
    return int(messages or 0), int(metrics or 0)


async def _tables(container: Container) -> list[str]:
    async with container.db.engine.connect() as conn:
        return await conn.run_sync(lambda sync: inspect(sync).get_table_names())
