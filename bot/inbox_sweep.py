"""The recovery sweep of the durable inbox: messages accepted but never marked done are run again.

A message stays due when its process died mid-turn or the database failed before the reply was delivered.
After its lease (FINBOT_INBOX_LEASE) any finbot process may take it (`Inbox.take_due` leases each to one
process) and hands it to its surface (`adapters.base.Recovers.recover`), which rebuilds the delivery from the
stored payload and conversation reference. It runs once at start and as the `inbox-sweep` job.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.base import Recovers
from core.store import InboxItem

if TYPE_CHECKING:
    from bot.container import Container

__all__ = ["SweepResult", "sweep_inbox"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SweepResult:
    taken: int = 0
    answered: int = 0
    failed: int = 0
    gave_up: int = 0

    def __str__(self) -> str:
        return f"taken {self.taken}, answered {self.answered}, failed {self.failed}, gave up {self.gave_up}"


async def sweep_inbox(container: Container) -> SweepResult:
    """One pass: take the due messages (this process's share) and run each again."""
    inbox = container.inbox
    if inbox is None:
        return SweepResult()
    await inbox.renew()  # this process's turns still running keep their events
    items = await inbox.take_due()
    outcomes = await asyncio.gather(*(_recover(container, item) for item in items))
    return SweepResult(
        taken=len(items),
        answered=outcomes.count("answered"),
        failed=outcomes.count("failed"),
        gave_up=outcomes.count("gave_up"),
    )


async def _recover(container: Container, item: InboxItem) -> str:
    inbox = container.inbox
    assert inbox is not None
    if item.attempts > inbox.max_attempts:
        log.error("inbox event %s failed %d times; giving up on it", item.event_id, item.attempts - 1)
        await inbox.done(item.event_id)
        return "gave_up"
    surface = container.surface(item.platform)
    if not isinstance(surface, Recovers):
        log.warning("no %s surface here to answer inbox event %s; leaving it", item.platform, item.event_id)
        inbox.release(item.event_id)
        return "failed"
    try:
        settled = await surface.recover(item)
    except Exception:  # the database or the platform still failing: the next sweep tries again
        log.warning("re-running inbox event %s failed; it stays due", item.event_id, exc_info=True)
        inbox.release(item.event_id)
        return "failed"
    if settled and await inbox.done(item.event_id):
        log.info("inbox event %s answered on attempt %d", item.event_id, item.attempts)
        return "answered"
    inbox.release(item.event_id)
    return "failed"
