"""The summarize job: every due conversation summarized once, whichever finbot process gets to it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.memory.summarizer import Summarizer
from core.memory.summary_store import SummaryStore
from core.memory.tokens import TokenCounter
from core.store.models import utcnow

__all__ = ["SummaryJob", "SummaryRun"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SummaryRun:
    summarized: list[str] = field(default_factory=list)
    skipped: int = 0
    """Due conversations another worker claimed first."""
    failed: int = 0

    def __str__(self) -> str:
        return f"summarized {len(self.summarized)}, claimed elsewhere {self.skipped}, failed {self.failed}"


class SummaryJob:
    def __init__(
        self,
        store: SummaryStore,
        summarizer: Summarizer,
        counter: TokenCounter,
        *,
        idle: timedelta,
        budget: int = 1000,
        lease: timedelta = timedelta(minutes=10),
        batch: int = 100,
        clock: Callable[[], datetime] = utcnow,
        worker: str | None = None,
    ) -> None:
        self._store = store
        self._summarizer = summarizer
        self._counter = counter
        self._idle = idle
        self._budget = budget
        self._lease = lease
        self._batch = batch
        self._clock = clock
        self.worker = worker or uuid.uuid4().hex[:16]

    async def run_once(self) -> SummaryRun:
        """Summarize what is due now; safe to run in several processes at the same time."""
        run = SummaryRun()
        now = self._clock()
        for due in await self._store.due(idle_before=now - self._idle, limit=self._batch):
            if not await self._store.claim(due, worker=self.worker, now=now, lease=self._lease):
                run.skipped += 1
                continue
            try:
                previous, messages = await self._store.pending(due)
                text = await self._summarizer.summarize(previous, messages, budget=self._budget)
            except Exception:  # one bad conversation must not stop the others
                log.exception("could not summarize conversation %s", due.key)
                await self._store.release(due, worker=self.worker)
                run.failed += 1
                continue
            tokens = self._counter.count(text)
            if await self._store.write(due, worker=self.worker, text=text, tokens=tokens, now=self._clock()):
                run.summarized.append(due.key)
            else:
                run.skipped += 1
        if run.summarized or run.failed:
            log.info("summaries: %s", run)
        return run
