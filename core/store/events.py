"""Exactly-once handling of platform events, across every finbot process on one database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from core.store.db import Database, rowcount
from core.store.models import ProcessedEvent, utcnow

__all__ = ["EventLog"]


class EventLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, event_id: str) -> bool:
        """True for the first caller with this id (in any process); False for every repeat."""
        try:
            async with self._db.session() as session:
                session.add(ProcessedEvent(event_id=event_id, created_at=utcnow()))
        except IntegrityError:
            return False
        return True

    async def prune(self, older_than: timedelta = timedelta(days=7)) -> int:
        async with self._db.session() as session:
            result = await session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.created_at < utcnow() - older_than)
            )
            return rowcount(result)
