"""The summarize job: idle conversations with new turns are summarized once, within the token budget, and
the summary is what older context is built from. `finbot jobs run summarize` runs it by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.config import Settings
from bot.jobs import JobScheduler
from bot.memory_wiring import make_summary_job
from bot.server import RunningServer, start_server
from core.memory import SummaryJob, default_counter
from core.memory.summarizer import ExtractiveSummarizer
from core.memory.summary_store import SummaryStore
from core.store import ConversationStore, Database
from core.store.models import ConversationSummaryRow
from core.types import Conversation, Person
from tests.conftest import SettingsFactory
from tests.fakes import FakeOpenAI
from tests.integration.ws_client import ask, browser, conversation_of, new_session, person_of

ROOT = Path(__file__).resolve().parents[2]


async def _chat(server: RunningServer, http: aiohttp.ClientSession, texts: list[str]) -> str:
    """One session of the browser's person (a new one each call); its conversation key."""
    await new_session(http, server.url)
    async with http.ws_connect(f"{server.url}/ws/chat") as ws:
        for text in texts:
            await ask(ws, text)
    return conversation_of(http)


async def _summaries(db: Database) -> dict[str, ConversationSummaryRow]:
    async with db.session() as session:
        return {r.conversation_key: r for r in (await session.scalars(select(ConversationSummaryRow))).all()}


async def seed(db: Database, key_prefix: str, conversations: int, *, turns: int = 2, words: int = 12) -> list[str]:
    """Conversations with `turns` question/answer pairs each, written the way the save node writes them."""
    store = ConversationStore(db)
    keys = []
    for c in range(conversations):
        conversation = Conversation(platform="web", tenant="local", channel_id=f"{key_prefix}{c}", is_direct=True)
        person = Person.of("web", "local", f"p{c}")
        await store.touch(person, conversation)
        for t in range(turns):
            question = f"Question {t} of conversation {c}: " + " ".join(f"word{w}" for w in range(words)) + "."
            await store.add_message(conversation.key, role="user", text=question, user_id=person.id)
            await store.add_message(conversation.key, role="assistant", text=f"Answer {t} for {c}. More detail here.")
        keys.append(conversation.key)
    return keys


async def test_idle_conversations_are_summarized_once_and_feed_older_context(make_settings: SettingsFactory) -> None:
    settings = make_settings(FINBOT_SUMMARY_IDLE_MIN="0", FINBOT_RECENT_TURNS="2", FINBOT_JOBS="false")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with browser() as sam:
            long_key = await _chat(server, sam, ["I'm retiring in 2031.", "How much does an outgoing domestic wire "
                                                 "cost?", "What are the trading hours?", "hello"])
            short_key = await _chat(server, sam, ["hello"])
            sam_id = person_of(sam)
        jobs = JobScheduler(server.container)
        first = await jobs.run("summarize")
        again = await jobs.run("summarize")
        rows = await _summaries(server.container.db)
        memory = server.container.memory
        assert memory is not None
        context = await memory.build_context(user_id=sam_id, conversation_key=long_key,
                                             query="wire")
    finally:
        await server.stop()

    assert sorted(first.summarized) == sorted([long_key, short_key])  # type: ignore[attr-defined]
    assert again.summarized == [] and again.skipped == 0  # type: ignore[attr-defined]
    assert {k: r.revision for k, r in rows.items()} == {long_key: 1, short_key: 1}
    long = rows[long_key]
    assert "Client: I'm retiring in 2031." in long.text and "outgoing domestic wire" in long.text
    assert long.claimed_by is None and 0 < long.tokens <= 1000
    # Older turns reach the context through the summary; only the last 2 turns come verbatim.
    assert context.tiers == ["profile", "facts", "summary", "recent"]
    assert [m["text"] for m in context.recent if m["role"] == "user"] == ["What are the trading hours?", "hello"]
    assert "retiring in 2031" in context.summary


async def test_busy_conversations_wait_and_new_turns_are_summarized_again(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    await db.upgrade_schema()
    try:
        [key] = await seed(db, "busy", 1)
        counter = default_counter()
        store = SummaryStore(db)
        busy = SummaryJob(store, ExtractiveSummarizer(counter), counter, idle=timedelta(minutes=30))
        assert (await busy.run_once()).summarized == []  # active a moment ago: not idle yet
        idle = SummaryJob(store, ExtractiveSummarizer(counter), counter, idle=timedelta(0))
        assert (await idle.run_once()).summarized == [key]
        assert (await idle.run_once()).summarized == []
        await ConversationStore(db).add_message(key, role="user", text="One more thing: I prefer bonds.", user_id="x")
        assert (await idle.run_once()).summarized == [key]
        row = (await _summaries(db))[key]
        assert row.revision == 2 and "I prefer bonds" in row.text and "Question 0 of conversation 0" in row.text
    finally:
        await db.dispose()


async def test_summary_stays_within_the_token_budget(make_settings: SettingsFactory, tmp_path: Path) -> None:
    settings = make_settings(FINBOT_SUMMARY_IDLE_MIN="0", FINBOT_SUMMARY_TOKEN_BUDGET="120")
    db = Database(settings.resolved_database_url)
    await db.upgrade_schema()
    try:
        [key] = await seed(db, "budget", 1, turns=40, words=30)
        job = make_summary_job(settings, db)
        assert (await job.run_once()).summarized == [key]
        row = (await _summaries(db))[key]
    finally:
        await db.dispose()
    counter = default_counter()
    assert type(counter).__name__ == "WordPieceCounter", "counts with the shipped tokenizer.json"
    assert row.tokens == counter.count(row.text) and 60 < row.tokens <= 120
    assert "Question 39" in row.text and "Question 0 " not in row.text  # the newest turns are kept
    assert row.text.startswith("(earlier parts omitted)")


async def test_llm_summary_is_cut_to_the_budget(make_settings: SettingsFactory, fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_replies(" ".join(f"Sentence number {i} about the client's plans." for i in range(200)))
    settings = make_settings(
        OPENAI_API_KEY="k", OPENAI_BASE_URL=fake_openai.url + "/v1",
        FINBOT_SUMMARY_IDLE_MIN="0", FINBOT_SUMMARY_TOKEN_BUDGET="100",
    )
    db = Database(settings.resolved_database_url)
    await db.upgrade_schema()
    try:
        [key] = await seed(db, "llm", 1)
        assert (await make_summary_job(settings, db).run_once()).summarized == [key]
        row = (await _summaries(db))[key]
    finally:
        await db.dispose()
    request = fake_openai.last_chat()
    assert "Question 1 of conversation 0" in request.prompt_text and "At most 60 words" in request.prompt_text
    assert row.text.startswith("Sentence number 0") and row.tokens <= 100 and row.tokens == default_counter().count(
        row.text
    )


def test_jobs_run_summarize_from_the_command_line(make_settings: SettingsFactory, tmp_path: Path) -> None:
    import asyncio

    settings: Settings = make_settings()
    db = Database(settings.resolved_database_url)

    async def prepare() -> None:
        await db.upgrade_schema()
        await seed(db, "cli", 3)
        await db.dispose()

    asyncio.run(prepare())
    env = {**os.environ, "FINBOT_DATA_DIR": str(settings.data_dir), "FINBOT_SUMMARY_IDLE_MIN": "0"}
    done = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "bot.cli", "jobs", "run", "summarize"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "summarize: summarized 3, claimed elsewhere 0, failed 0" in done.stdout
