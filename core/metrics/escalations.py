"""Time to claim an escalation, and unrouted hand-over requests, from the `escalations` table when it is there.

Kept apart from the dashboard on purpose: escalations are another part of finbot. This reads only the
`created_at` / `claimed_at` / `status` columns, through a lightweight table description (no import of its model), and
answers None ("n/a") when the table or the columns are missing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import column, func, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from core.metrics.percentiles import percentiles
from core.store.models.base import UTCDateTime

__all__ = ["time_to_claim_p50", "unrouted_requests"]

TABLE = "escalations"
_escalations = table(
    TABLE, column("created_at", UTCDateTime()), column("claimed_at", UTCDateTime()), column("status")
)


async def _has_columns(session: AsyncSession, wanted: frozenset[str]) -> bool:
    connection = await session.connection()

    def check(sync_connection) -> bool:  # type: ignore[no-untyped-def]
        inspector = inspect(sync_connection)
        if not inspector.has_table(TABLE):
            return False
        names = {c["name"] for c in inspector.get_columns(TABLE)}
        return wanted <= names

    return await connection.run_sync(check)


async def time_to_claim_p50(session: AsyncSession, *, since: datetime, until: datetime) -> float | None:
    """Median seconds from escalation to claim, for escalations raised in [since, until); None = n/a."""
    if not await _has_columns(session, frozenset({"created_at", "claimed_at"})):
        return None
    rows = await session.execute(
        select(_escalations.c.created_at, _escalations.c.claimed_at).where(
            _escalations.c.created_at >= since,
            _escalations.c.created_at < until,
            _escalations.c.claimed_at.is_not(None),
        )
    )
    waits = [(claimed - created).total_seconds() for created, claimed in rows]
    return percentiles(waits, (50,))[0]


async def unrouted_requests(session: AsyncSession, *, since: datetime, until: datetime) -> int | None:
    """Hand-over requests no advisor desk could take (the person got the contact line); None = n/a."""
    if not await _has_columns(session, frozenset({"created_at", "status"})):
        return None
    count = await session.scalar(
        select(func.count()).select_from(_escalations).where(
            _escalations.c.created_at >= since,
            _escalations.c.created_at < until,
            _escalations.c.status == "unrouted",
        )
    )
    return int(count or 0)
