"""The durable inbox: an accepted event is stored with its claim, and re-run until its reply is delivered.

`accept` is the exactly-once claim (`processed_events`) and the inbox row in ONE transaction, before the
platform's ack: an acknowledged message is always on disk. The turn marks it `done` once the reply is
delivered. `take_due` hands a sweep the rows whose lease ran out without a `done` (the process died, or the
database failed mid-turn), leasing each to one caller across processes (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, a conditional UPDATE on SQLite). `accept` is group-committed (core.store.group_commit): the calls
that arrive within `batch_window_s` share one transaction of two multi-row `INSERT ... ON CONFLICT DO NOTHING
RETURNING` statements, so a burst of events costs a few commits, not one each; a failed batch fails each of its
callers (no ack without the row on disk).

A process renews the leases of the events it is still running (`renew`, every sweep), so only a dead
process's events fall due, never a slow turn's; and it never takes back its own running events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Executable, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.store.db import Database, rowcount, table_of
from core.store.group_commit import GroupCommit
from core.store.models import InboxRow, ProcessedEvent, utcnow

__all__ = ["Inbox", "InboxItem"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Accepted:
    """One `accept` call waiting for its batch."""

    event_id: str
    platform: str
    payload: dict[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class InboxItem:
    event_id: str
    platform: str
    payload: dict[str, Any]
    attempts: int
    delivery: dict[str, Any] | None = None
    """What an earlier attempt already showed (e.g. `{"ts": ...}` of a Slack message), so a re-run updates it."""


class Inbox:
    def __init__(
        self,
        db: Database,
        *,
        lease_s: float = 180.0,
        max_attempts: int = 5,
        clock: Callable[[], datetime] = utcnow,
        batch_window_s: float = 0.002,
        batch_max: int = 200,
    ) -> None:
        self._db = db
        self._batches = GroupCommit(self._write, window_s=batch_window_s, max_batch=batch_max)
        self._finished = GroupCommit(self._write_done, window_s=batch_window_s, max_batch=batch_max)
        """`done` marks are group-committed too: under a burst they are one UPDATE per batch, not per event."""
        self.lease = timedelta(seconds=lease_s)
        self.max_attempts = max_attempts
        self._clock = clock
        self._running: set[str] = set()
        """Events this process is running now (accepted or taken, not yet done or released)."""
        self._unmarked: set[str] = set()
        """Delivered, but the database refused the `done`: marked at the next `renew`, never re-run here."""

    async def accept(self, event_id: str, *, platform: str, payload: dict[str, Any]) -> bool:
        """Claim the event and store it; True for the first caller (any process), False for every repeat.

        Raises when the database refused the batch the event was in: the platform must not be acked."""
        first = await self._batches.submit(_Accepted(event_id, platform, payload, self._clock()))
        if first:
            self._running.add(event_id)
        return first

    async def _write(self, batch: list[_Accepted]) -> list[bool]:
        """One transaction for a batch: the claims, then the rows of the events claimed now (first of each id)."""
        first_of: dict[str, int] = {}
        for i, accepted in enumerate(batch):
            first_of.setdefault(accepted.event_id, i)  # a repeat inside the batch is a duplicate
        unique = [batch[i] for i in first_of.values()]
        async with self._db.session() as session:
            claimed = set(await session.scalars(self._insert_claims(unique)))
            fresh = [a for a in unique if a.event_id in claimed]
            stored = set(await session.scalars(self._insert_rows(fresh))) if fresh else set()
        return [first_of[a.event_id] == i and a.event_id in stored for i, a in enumerate(batch)]

    def _insert_claims(self, batch: list[_Accepted]) -> Executable:
        return _insert_new(self._db, ProcessedEvent, [{"event_id": a.event_id, "created_at": a.at} for a in batch])

    def _insert_rows(self, batch: list[_Accepted]) -> Executable:
        rows = [
            {
                "event_id": a.event_id, "platform": a.platform, "payload": a.payload, "attempts": 1,
                "lease_until": a.at + self.lease, "delivery": None, "created_at": a.at, "done_at": None,
            }
            for a in batch
        ]
        return _insert_new(self._db, InboxRow, rows)

    def release(self, event_id: str) -> None:
        """This process stopped running the event without finishing it: a sweep may take it after its lease."""
        if event_id not in self._unmarked:  # delivered already: only its `done` is still to be written
            self._running.discard(event_id)

    async def renew(self) -> int:
        """Mark what was delivered while the database refused, and extend the leases of the events this process
        is still running; returns how many leases were renewed."""
        for event_id in list(self._unmarked):
            await self.done(event_id)
        running = list(self._running)
        if not running:
            return 0
        async with self._db.session() as session:
            result = await session.execute(
                update(InboxRow)
                .where(InboxRow.event_id.in_(running), InboxRow.done_at.is_(None))
                .values(lease_until=self._clock() + self.lease)
            )
            return rowcount(result)

    async def done(self, event_id: str) -> bool:
        """The reply is delivered (or none was due): never re-run. False when the database refused."""
        try:
            await self._finished.submit(event_id)
        except Exception:  # the database is failing: kept as running, and marked at the next renew
            log.warning("could not mark inbox event %s done yet; will retry", event_id, exc_info=True)
            self._unmarked.add(event_id)
            return False
        self._unmarked.discard(event_id)
        self._running.discard(event_id)
        return True

    async def _write_done(self, event_ids: list[str]) -> list[bool]:
        async with self._db.session() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.event_id.in_(set(event_ids)), InboxRow.done_at.is_(None))
                .values(done_at=self._clock())
            )
        return [True] * len(event_ids)

    async def note_delivery(self, event_id: str, delivery: dict[str, Any]) -> None:
        """Remember what was shown so far (best effort: a re-run without it posts afresh)."""
        try:
            async with self._db.session() as session:
                await session.execute(
                    update(InboxRow).where(InboxRow.event_id == event_id).values(delivery=delivery)
                )
        except Exception:
            log.warning("could not note the delivery of inbox event %s", event_id, exc_info=True)

    async def take_due(self, *, limit: int = 50) -> list[InboxItem]:
        """Lease up to `limit` unfinished events whose lease ran out; each goes to exactly one caller."""
        now = self._clock()
        due = (
            select(InboxRow)
            .where(InboxRow.done_at.is_(None), InboxRow.lease_until < now, InboxRow.event_id.not_in(self._running))
            .order_by(InboxRow.created_at)
            .limit(limit)
        )
        if not self._db.is_sqlite:
            async with self._db.session() as session:
                rows = list(await session.scalars(due.with_for_update(skip_locked=True)))
                for row in rows:
                    row.lease_until = now + self.lease
                    row.attempts += 1
                    self._running.add(row.event_id)
                return [_item(row) for row in rows]
        async with self._db.session() as session:
            candidates = list(await session.scalars(due))
        taken: list[InboxItem] = []
        for row in candidates:  # SQLite: a conditional UPDATE per row is the lease (one writer at a time)
            async with self._db.session() as session:
                result = await session.execute(
                    update(InboxRow)
                    .where(InboxRow.event_id == row.event_id, InboxRow.done_at.is_(None), InboxRow.lease_until < now)
                    .values(lease_until=now + self.lease, attempts=InboxRow.attempts + 1)
                )
            if rowcount(result) == 1:
                self._running.add(row.event_id)
                taken.append(_item(row, attempts=row.attempts + 1))
        return taken

    async def pending(self) -> int:
        """Events accepted and not yet done."""
        async with self._db.session() as session:
            return int(await session.scalar(select(func.count()).where(InboxRow.done_at.is_(None))) or 0)

    async def prune(self, older_than: timedelta = timedelta(days=7)) -> int:
        """Forget finished events (their claims in `processed_events` are pruned by EventLog.prune)."""
        async with self._db.session() as session:
            result = await session.execute(
                delete(InboxRow).where(InboxRow.done_at.is_not(None), InboxRow.done_at < self._clock() - older_than)
            )
            return rowcount(result)


def _item(row: InboxRow, *, attempts: int | None = None) -> InboxItem:
    return InboxItem(
        event_id=row.event_id, platform=row.platform, payload=dict(row.payload), attempts=attempts or row.attempts,
        delivery=dict(row.delivery) if row.delivery else None,
    )


def _insert_new(db: Database, model: type[Any], rows: list[dict[str, Any]]) -> Executable:
    """A multi-row INSERT that skips ids already there and returns the ids it inserted (sqlite/postgresql)."""
    table = table_of(model)
    insert = sqlite.insert(table) if db.is_sqlite else postgresql.insert(table)
    return insert.values(rows).on_conflict_do_nothing(index_elements=["event_id"]).returning(table.c.event_id)
