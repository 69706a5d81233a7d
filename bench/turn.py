"""The core's cost per turn: offline turn latency, database work per turn, and what finbot adds to the model's
first token.

    .venv/bin/python bench/turn.py [-n 100] [--delay 0.2] [--baseline ../other-checkout]

Offline: N distinct knowledge questions in one conversation through `Assistant.respond` on a real container (SQLite):
p50/p95 latency of the whole turn, and of the core alone (the turn minus the embedding model's own time, measured
around the embedder: "all but model time"), SQLAlchemy transactions per turn (engine `begin` events), LangGraph
checkpoint rows per turn (when the checkpointer exists) and database bytes per turn.
First token: the fake OpenAI server answers each chat call after a fixed delay; the provider alone
(ChatOpenAI.astream) beside finbot's first TextDelta, for a knowledge question and for a portfolio question, with
the model requests finbot made before that first token.
`--baseline DIR` runs this same file against another checkout (its code first on the path) in a child process
first, so both sets of figures come from one run; `--root DIR` is what that child is given.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _root() -> Path:
    """The checkout whose code is measured: `--root DIR`, else the one this file is in."""
    if "--root" in sys.argv:
        return Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
    return Path(__file__).resolve().parent.parent


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the fakes of this checkout
sys.path.insert(0, str(_root()))

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
PORTFOLIO = (
    "How is my portfolio doing?",
    "What is my allocation by asset class?",
    "How much is my portfolio worth?",
)
"""Portfolio questions the offline router decides from its keywords (no router call needed)."""


def _message(n: int, text: str, thread: str) -> IncomingMessage:
    return IncomingMessage(
        event_id=f"bench-{thread}-{n}", person=Person.of("web", "local", "bench"), text=text,
        conversation=Conversation(platform="web", tenant="local", channel_id="bench", thread_id=thread),
    )


def _distinct(i: int, questions: Sequence[str] = QUESTIONS) -> str:
    """A new text each turn, so no cache can answer for the embedding model."""
    return f"{questions[i % len(questions)]} ({i})"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


class TimedEmbedder:
    """Sits behind finbot's QueryCache and adds up the embedding model's own time (what "model time" is offline)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim
        self.ms = 0.0

    async def embed(self, texts: Any) -> Any:
        started = time.perf_counter()
        try:
            return await self.inner.embed(texts)
        finally:
            self.ms += (time.perf_counter() - started) * 1000

    def embed_sync(self, texts: Any) -> Any:
        return self.inner.embed_sync(texts)


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


def _timed(container: Container) -> TimedEmbedder | None:
    embedder = getattr(container.retriever, "embedder", None)
    if embedder is None or not hasattr(embedder, "inner"):  # no QueryCache in this checkout: not separable
        return None
    timed = TimedEmbedder(embedder.inner)
    embedder.inner = timed
    return timed


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
        timed = _timed(container)
        begins = [0]
        for engine in getattr(container.db, "engines", [container.db.engine.sync_engine]):  # + a threaded one
            event.listen(engine, "begin", lambda _c: begins.__setitem__(0, begins[0] + 1))
        checkpoints, size = await _checkpoint_rows(container), await _db_bytes(container)
        begins[0] = 0
        times: list[float] = []
        core: list[float] = []
        for i in range(n):
            model_before = timed.ms if timed is not None else 0.0
            started = time.perf_counter()
            await assistant.respond(_message(i, _distinct(i), "turns"))
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            core.append(elapsed - ((timed.ms if timed is not None else 0.0) - model_before))
        await assistant.drain()
        turns_begins = begins[0]
        checkpoints = await _checkpoint_rows(container) - checkpoints
        grown = await _db_bytes(container) - size
    finally:
        await container.close()
    print(f"offline turn    p50 {statistics.median(times):6.1f} ms   p95 {_pct(times, 0.95):6.1f} ms   ({n} turns)")
    if timed is not None:
        model_ms = statistics.median(times) - statistics.median(core)
        print(f"  core alone    p50 {statistics.median(core):6.1f} ms   p95 {_pct(core, 0.95):6.1f} ms   "
              f"(the turn minus the embedding model's time, p50 {model_ms:.1f} ms)")
    print(f"per turn        {turns_begins / n:5.2f} transactions   {checkpoints / n:5.1f} checkpoint rows   "
          f"{grown / n / 1024:5.1f} KB of database")


async def _first_tokens(assistant: Any, fake: FakeOpenAI, questions: Sequence[str], n: int, tag: str) -> tuple[
        list[float], list[int], list[int]]:
    """finbot's first TextDelta per turn, the fake's requests before it, and the model calls of the whole turn."""
    firsts: list[float] = []
    before_first: list[int] = []
    calls: list[int] = []
    for i in range(n):
        before = len(fake.requests)
        started = time.perf_counter()
        seen: float | None = None
        async for item in assistant.stream(_message(i, _distinct(i, questions), f"{tag}{i}")):
            if isinstance(item, TextDelta) and seen is None:
                seen = (time.perf_counter() - started) * 1000
                before_first.append(len(fake.requests) - before)
        firsts.append(seen if seen is not None else float("nan"))
        calls.append(len(fake.requests) - before)
    await assistant.drain()
    return firsts, before_first, calls


async def first_token(n: int, delay: float) -> None:
    from langchain_openai import ChatOpenAI

    async with FakeOpenAI() as fake:
        fake.delay_next(delay, times=100_000, path=CHAT_PATH)
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
            await assistant.respond(_message(1, PORTFOLIO[0], "warm"))
            await assistant.drain()
            kinds = {
                "knowledge": await _first_tokens(assistant, fake, QUESTIONS, n, "k"),
                "portfolio": await _first_tokens(assistant, fake, PORTFOLIO, n, "p"),
            }
        finally:
            await container.close()
    a = statistics.median(alone)
    print(f"first token     provider alone p50 {a:6.1f} ms   (fixed delay {delay * 1000:.0f} ms, {n} turns each)")
    for kind, (firsts, before_first, calls) in kinds.items():
        f = statistics.median(firsts)
        print(f"  {kind:<12}  finbot p50 {f:6.1f} ms   added {f - a:+6.1f} ms   ratio {f / a:4.2f}x   "
              f"{statistics.mean(before_first) if before_first else float('nan'):.1f} model requests before the "
              f"first token, {statistics.mean(calls):.1f} per turn")


def _baseline(directory: str, argv: list[str]) -> None:
    """This same file against another checkout, in a child process (its modules, not these)."""
    args = [a for i, a in enumerate(argv) if a != "--baseline" and (i == 0 or argv[i - 1] != "--baseline")]
    print(f"== baseline: {Path(directory).resolve()}", flush=True)
    subprocess.run([sys.executable, __file__, *args, "--root", directory], check=False)  # noqa: S603
    print(f"== this checkout: {_root()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="turns (default 100)")
    parser.add_argument("--delay", type=float, default=0.2, help="the fake model's fixed delay, s (default 0.2)")
    parser.add_argument("--skip-llm", action="store_true", help="offline turns only")
    parser.add_argument("--baseline", help="another checkout, measured first in the same run")
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        _baseline(args.baseline, sys.argv[1:])
    asyncio.run(offline(args.n))
    if not args.skip_llm:
        asyncio.run(first_token(max(10, args.n // 5), args.delay))


if __name__ == "__main__":
    main()
