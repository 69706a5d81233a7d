"""Scheduled jobs: a registry of named jobs, run by APScheduler on the server's event loop.

Each job is registered with one line (`register(NAME, run, every_s=...)`) and can be run by hand with
`finbot jobs run NAME`. Several finbot processes may share one database: a scheduled run first claims
its time slot (`job:NAME:SLOT` in the exactly-once event log), so each interval's run happens in one
process; the jobs themselves are also safe to run concurrently (the summarize job claims each
conversation with a row lock / conditional UPDATE, see core.memory.summary_store).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from core.errors import ConfigurationError

if TYPE_CHECKING:
    from bot.container import Container

__all__ = ["JOBS", "Job", "JobScheduler", "register"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    run: Callable[[Container], Awaitable[object]]
    """One pass of the job; what it returns is printed by `finbot jobs run NAME`."""
    every_s: Callable[[Settings], float]
    """Seconds between scheduled runs, from the settings."""
    help: str = ""


JOBS: dict[str, Job] = {}


def register(
    name: str, run: Callable[[Container], Awaitable[object]], *, every_s: Callable[[Settings], float], help: str = ""
) -> Job:
    JOBS[name] = Job(name, run, every_s, help)
    return JOBS[name]


async def _summarize(container: Container) -> object:
    from bot.memory_wiring import make_summary_job

    return await make_summary_job(container.settings, container.db).run_once()


async def _escalation_reminders(container: Container) -> object:
    from core.escalation.jobs import escalation_sweep

    return await escalation_sweep(container.escalations) if container.escalations is not None else None


async def _audit_purge(container: Container) -> object:
    from core.audit.retention import purge_expired

    if container.audit is None:
        return None
    return await purge_expired(container.audit, retention=container.settings.audit_retention_period)


async def _inbox_sweep(container: Container) -> object:
    from bot.inbox_sweep import sweep_inbox

    return await sweep_inbox(container)


# --- the jobs (one line each) ---
register("summarize", _summarize, every_s=lambda s: s.summary_interval_min * 60, help="summarize idle conversations")
register("escalation-reminders", _escalation_reminders, every_s=lambda s: min(60.0, s.escalation_remind_min * 60),
         help="re-post unclaimed escalations, expire old ones")
register("audit-purge", _audit_purge, every_s=lambda s: s.audit_purge_interval_h * 3600,
         help="remove audit rows past FINBOT_AUDIT_RETENTION (legal holds skipped), leaving a signed marker")
register("inbox-sweep", _inbox_sweep, every_s=lambda s: s.inbox_sweep_s,
         help="answer accepted messages whose turn never finished (durable inbox)")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class JobScheduler:
    """Runs the registered jobs for one container: on a schedule (`start`) or by hand (`run`)."""

    def __init__(
        self,
        container: Container,
        *,
        jobs: Mapping[str, Job] | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._container = container
        self._jobs = dict(JOBS if jobs is None else jobs)
        self._clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()
        self._changed = asyncio.Condition()
        self.ticks: Counter[str] = Counter()
        """Scheduled ticks seen per job (whether this process won the slot or not)."""
        self.runs: Counter[str] = Counter()
        """Completed runs per job in this process."""

    @property
    def names(self) -> list[str]:
        return sorted(self._jobs)

    def start(self) -> None:
        """Schedule every job on the running event loop."""
        scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
        for job in self._jobs.values():
            seconds = float(job.every_s(self._container.settings))
            scheduler.add_job(
                self._tick,
                IntervalTrigger(seconds=seconds),
                args=[job.name, seconds],
                id=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(seconds)),
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduled jobs: %s", ", ".join(self.names))

    async def _tick(self, name: str, seconds: float) -> None:
        if self._scheduler is None:  # a tick APScheduler launched just before shutdown(): claim nothing
            return
        # APScheduler's executor cancels running coroutine jobs on shutdown; the work runs in a task of its own
        # so that a claimed slot is always run to the end (shutdown() waits for it).
        work = asyncio.create_task(self._claim_and_run(name, seconds))
        self._running.add(work)
        work.add_done_callback(self._running.discard)
        with contextlib.suppress(asyncio.CancelledError):  # only APScheduler's wrapper is cancelled
            await asyncio.shield(work)

    async def _claim_and_run(self, name: str, seconds: float) -> None:
        try:
            slot = int(self._clock().timestamp() // seconds)
            if await self._container.events.claim(f"job:{name}:{slot}"):
                await self.run(name)
        except Exception:  # a failed run is logged; the next tick tries again
            log.exception("scheduled job %s failed", name)
        finally:
            async with self._changed:
                self.ticks[name] += 1
                self._changed.notify_all()

    async def run(self, name: str) -> object:
        """Run one pass of the job now, in this process."""
        job = self._jobs.get(name)
        if job is None:
            raise ConfigurationError("job", f"unknown job {name!r}; valid: {', '.join(self.names)}")
        result = await job.run(self._container)
        async with self._changed:
            self.runs[name] += 1
            self._changed.notify_all()
        return result

    async def wait_for_ticks(self, name: str, count: int) -> None:
        """Until `count` scheduled ticks of `name` have finished (used to stop cleanly between runs)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.ticks[name] >= count)

    async def shutdown(self) -> None:
        """Stop scheduling and let runs in progress finish."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)
