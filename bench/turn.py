"""The core's cost per turn: offline turn latency, database work per turn, and what finbot adds to the model's
first token.

    .venv/bin/python bench/turn.py [-n 100] [--delay 0.2]

Offline: N distinct knowledge questions in one conversation through `Assistant.respond` on a real container (SQLite):
p50/p95 latency, SQLAlchemy transactions per turn (engine `begin` events), LangGraph checkpoint rows per turn
(when the checkpointer exists) and database bytes per turn. First token: the fake OpenAI server answers each
chat call after a fixed delay; the provider alone (ChatOpenAI.astream) beside finbot's first TextDelta.
Run the same file from another checkout to get its baseline in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, inspect, text  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.container import Container  # noqa: E402
from core.types import Conversation, IncomingMessage, Person, TextDelta  # noqa: E402
from tests.fakes.openai_server import CHAT_PATH, FakeOpenAI  # noqa: E402

QUESTIONS = (
    "How much does an outgoing domestic wire cost?",
    "What are the trading hours for stocks?",
    "How do I open a Roth IRA?",
    "What are the advisory fees?",
)


def _message(n: int, text: str, thread: str) -> IncomingMessage:
    return IncomingMessage(
        event_id=f"bench-{thread}-{n}", person=Person.of("web", "local", "bench"), text=text,
        conversation=Conversation(platform="web", tenant="local", channel_id="bench", thread_id=thread),
    )


def _distinct(i: int) -> str:
    """A new text each turn, so no cache can answer for the embedding model."""
    return f"{QUESTIONS[i % len(QUESTIONS)]} ({i})"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def _checkpoint_rows(container: Container) -> int:
    async with container.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        rows = 0
        for table in (t for t in tables if t in ("checkpoints", "writes", "checkpoint_writes", "checkpoint_blobs")):
            rows += int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())  # noqa: S608
    return rows


async def _db_bytes(container: Container) -> int:
    """The database's size in pages, the write-ahead log folded in (the WAL file itself only grows)."""
    async with container.db.engine.connect() as conn:
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        pages = (await conn.execute(text("PRAGMA page_count"))).scalar_one()
        free = (await conn.execute(text("PRAGMA freelist_count"))).scalar_one()
        size = (await conn.execute(text("PRAGMA page_size"))).scalar_one()
    return int((pages - free) * size)


async def offline(n: int) -> None:
    settings = Settings(_env_file=None, FINBOT_DATA_DIR=Path(tempfile.mkdtemp(prefix="finbot-turn-")),
                        FINBOT_JOBS="false")  # type: ignore[call-arg]
    container = await Container.open(settings, surfaces=())
    try:
        await container.ingest_sample_if_empty()
        assistant = container.assistant
        for i, q in enumerate(QUESTIONS):  # warm: model loaded, caches filled
            await assistant.respond(_message(i, q, "warm"))
        await assistant.drain()
        begins = [0]
        event.listen(container.db.engine.sync_engine, "begin", lambda _c: begins.__setitem__(0, begins[0] + 1))
        checkpoints, size = await _checkpoint_rows(container), await _db_bytes(container)
        begins[0] = 0
        times: list[float] = []
        for i in range(n):
            started = time.perf_counter()
            await assistant.respond(_message(i, _distinct(i), "turns"))
            times.append((time.perf_counter() - started) * 1000)
        await assistant.drain()
        turns_begins = begins[0]
        checkpoints = await _checkpoint_rows(container) - checkpoints
        grown = await _db_bytes(container) - size
    finally:
        await container.close()
    print(f"offline turn    p50 {statistics.median(times):6.1f} ms   p95 {_pct(times, 0.95):6.1f} ms   ({n} turns)")
    print(f"per turn        {turns_begins / n:5.2f} transactions   {checkpoints / n:5.1f} checkpoint rows   "
          f"{grown / n / 1024:5.1f} KB of database")


async def first_token(n: int, delay: float) -> None:
    from langchain_openai import ChatOpenAI

    async with FakeOpenAI() as fake:
        fake.delay_next(delay, times=10_000, path=CHAT_PATH)
        model = ChatOpenAI(api_key="sk-bench", base_url=fake.url + "/v1", model="gpt-fake")  # type: ignore[arg-type]
        alone: list[float] = []
        for i in range(n):
            started = time.perf_counter()
            async for _chunk in model.astream(QUESTIONS[i % len(QUESTIONS)]):
                alone.append((time.perf_counter() - started) * 1000)
                break
        settings = Settings(_env_file=None, FINBOT_DATA_DIR=Path(tempfile.mkdtemp(prefix="finbot-ttft-")),
                            FINBOT_JOBS="false", OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=fake.url + "/v1",
                            FINBOT_CHAT_MODEL="gpt-fake")  # type: ignore[call-arg]
        container = await Container.open(settings, surfaces=())
        try:
            await container.ingest_sample_if_empty()
            assistant = container.assistant
            await assistant.respond(_message(0, QUESTIONS[0], "warm"))
            finbot: list[float] = []
            calls: list[int] = []
            for i in range(n):
                before = len(fake.chat_requests())
                started = time.perf_counter()
                seen: Any = None
                async for item in assistant.stream(_message(i, _distinct(i), f"ttft{i}")):
                    if isinstance(item, TextDelta) and seen is None:
                        seen = (time.perf_counter() - started) * 1000
                finbot.append(seen if seen is not None else float("nan"))
                calls.append(len(fake.chat_requests()) - before)
            await assistant.drain()
        finally:
            await container.close()
    a, f = statistics.median(alone), statistics.median(finbot)
    print(f"first token     provider alone p50 {a:6.1f} ms   finbot p50 {f:6.1f} ms   added {f - a:+6.1f} ms   "
          f"(delay {delay * 1000:.0f} ms, {statistics.mean(calls):.1f} model calls per turn)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="turns (default 100)")
    parser.add_argument("--delay", type=float, default=0.2, help="the fake model's fixed delay, s (default 0.2)")
    parser.add_argument("--skip-llm", action="store_true", help="offline turns only")
    args = parser.parse_args()
    asyncio.run(offline(args.n))
    if not args.skip_llm:
        asyncio.run(first_token(max(10, args.n // 5), args.delay))


if __name__ == "__main__":
    main()
