"""Several finbot processes on one PostgreSQL: each due conversation is summarized exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from bot.container import Container
from bot.jobs import JobScheduler
from core.memory import SummaryJob, default_counter
from core.memory.summarizer import ExtractiveSummarizer
from core.memory.summary_store import SummaryStore
from core.store import Database
from core.store.conversations import StoredMessage
from core.store.models import ConversationSummaryRow, ProcessedEvent
from tests.conftest import SettingsFactory
from tests.integration.test_memory_summaries import seed

CONVERSATIONS = 40


class CountingSummarizer:
    """The extractive summarizer, counting how often each conversation is summarized (across 'processes')."""

    def __init__(self, calls: Counter[str]) -> None:
        self._inner = ExtractiveSummarizer(default_counter())
        self.calls = calls

    async def summarize(self, previous: str, messages: list[StoredMessage], *, budget: int) -> str:
        self.calls[messages[0].text.split(":")[0].rsplit(" ", 1)[-1]] += 1  # "... of conversation N"
        await asyncio.sleep(0.002)  # a model call takes a while: the other process runs meanwhile
        return await self._inner.summarize(previous, messages, budget=budget)


async def _revisions(db: Database) -> dict[str, int]:
    async with db.session() as session:
        rows = (await session.scalars(select(ConversationSummaryRow))).all()
    return {r.conversation_key: r.revision for r in rows}


async def test_two_job_runners_at_once_summarize_each_conversation_once(postgres_url: str) -> None:
    first, second = Database(postgres_url), Database(postgres_url)  # two processes: two connection pools
    await first.upgrade_schema()
    try:
        keys = await seed(first, "pg", CONVERSATIONS)
        calls: Counter[str] = Counter()
        runners = [
            SummaryJob(SummaryStore(db), CountingSummarizer(calls), default_counter(), idle=timedelta(0),
                       worker=name)
            for db, name in ((first, "process-a"), (second, "process-b"))
        ]
        a, b = await asyncio.gather(runners[0].run_once(), runners[1].run_once())
        revisions = await _revisions(first)
        again = await runners[1].run_once()
    finally:
        await first.dispose()
        await second.dispose()

    assert sorted(a.summarized + b.summarized) == sorted(keys)
    assert not set(a.summarized) & set(b.summarized)
    assert a.summarized and b.summarized, "both processes took part"
    assert set(calls.values()) == {1} and len(calls) == CONVERSATIONS
    assert revisions == dict.fromkeys(keys, 1)
    assert again.summarized == []


async def test_two_schedulers_on_one_postgresql_still_summarize_once(
    make_settings: SettingsFactory, postgres_url: str
) -> None:
    settings = make_settings(
        DATABASE_URL=postgres_url, FINBOT_SUMMARY_IDLE_MIN="0", FINBOT_SUMMARY_INTERVAL_MIN="0.004",
        FINBOT_SAMPLE_PORTFOLIO="false",
    )
    containers = [await Container.open(settings), await Container.open(settings)]
    schedulers = [JobScheduler(c) for c in containers]
    try:
        keys = await seed(containers[0].db, "sched", CONVERSATIONS)
        for scheduler in schedulers:
            scheduler.start()
        async with asyncio.timeout(60):
            for scheduler in schedulers:  # several ticks each: summarized, then nothing left to do
                await scheduler.wait_for_ticks("summarize", 4)
        for scheduler in schedulers:
            await scheduler.shutdown()
        revisions = await _revisions(containers[0].db)
        async with containers[0].db.session() as session:
            slots = await session.scalar(
                select(func.count()).select_from(ProcessedEvent).where(ProcessedEvent.event_id.like("job:summarize:%"))
            )
    finally:
        for scheduler in schedulers:
            await scheduler.shutdown()
        for container in containers:
            await container.close()

    assert revisions == dict.fromkeys(keys, 1)
    runs = sum(s.runs["summarize"] for s in schedulers)
    assert runs == slots, "one run per time slot, whichever process claimed it"
    assert runs < sum(s.ticks["summarize"] for s in schedulers)
