"""Retention and legal hold: purge rows past the retention period, except those a legal hold keeps.

Holds are events of the chain itself (`hold` / `release` rows), so placing and lifting one is on the record too.
A purge appends a signed marker listing the seq ranges it removes with the hash of each range's last row, then
deletes them in the same transaction: the database's trigger lets a DELETE through only for rows a marker lists,
and `verify` still checks the link across each gap. Purge markers and hold events are never purged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, delete, select

from core.audit.entries import AuditEntry
from core.audit.trail import AuditTrail
from core.store.models import AuditRow

__all__ = ["Holds", "PurgeReport", "active_holds", "place_hold", "purge_expired", "release_hold"]

log = logging.getLogger(__name__)

KEPT_KINDS = ("purge", "hold", "release")
"""Rows no purge removes: what the chain needs to explain itself."""


@dataclass(frozen=True, slots=True)
class Holds:
    persons: dict[str, str] = field(default_factory=dict)
    """person id -> the hold's reason."""
    conversations: dict[str, str] = field(default_factory=dict)
    """conversation key -> the hold's reason."""

    def keeps(self, person_id: str, conversation_key: str) -> bool:
        return person_id in self.persons or conversation_key in self.conversations


@dataclass(frozen=True, slots=True)
class PurgeReport:
    purged: int = 0
    held: int = 0
    """Rows past retention kept because a legal hold covers them."""
    marker_seq: int | None = None
    refused: str = ""


def _target(person: str | None, conversation: str | None) -> dict[str, str]:
    if bool(person) == bool(conversation):
        raise ValueError("a legal hold is on a person or on a conversation")
    return {"person": person} if person else {"conversation": conversation or ""}


async def place_hold(
    trail: AuditTrail, *, person: str | None = None, conversation: str | None = None, reason: str = "", by: str = ""
) -> AuditRow:
    body = {**_target(person, conversation), "reason": reason, "by": by}
    return await trail.append(AuditEntry(kind="hold", body=body, person_id=person or "",
                                         conversation_key=conversation or ""), signed=True)


async def release_hold(
    trail: AuditTrail, *, person: str | None = None, conversation: str | None = None, reason: str = "", by: str = ""
) -> AuditRow:
    body = {**_target(person, conversation), "reason": reason, "by": by}
    return await trail.append(AuditEntry(kind="release", body=body, person_id=person or "",
                                         conversation_key=conversation or ""), signed=True)


async def active_holds(trail: AuditTrail) -> Holds:
    """The holds in force: every hold not released since, in chain order."""
    holds = Holds()
    async with trail.db.session() as session:
        events = (await session.scalars(
            select(AuditRow).where(AuditRow.kind.in_(("hold", "release"))).order_by(AuditRow.seq)
        )).all()
    for event in events:
        kind, key = ("persons", event.body["person"]) if "person" in event.body else (
            "conversations", event.body.get("conversation", ""))
        target = getattr(holds, kind)
        if event.kind == "hold":
            target[key] = event.body.get("reason", "")
        else:
            target.pop(key, None)
    return holds


async def purge_expired(trail: AuditTrail, *, retention: timedelta) -> PurgeReport:
    """Remove the rows older than `retention` that no hold keeps, leaving a signed marker in the chain."""
    if not trail.signing_key:
        return PurgeReport(refused="no FINBOT_AUDIT_KEY: a purge marker must be signed; nothing purged")
    cutoff = trail.now() - retention
    holds = await active_holds(trail)
    ranges: list[list[object]] = []
    purged = held = 0
    old = and_(AuditRow.created_at < cutoff, AuditRow.kind.not_in(KEPT_KINDS))
    async for row in trail.rows(where=old):
        if holds.keeps(row.person_id, row.conversation_key):
            held += 1
            continue
        purged += 1
        if ranges and ranges[-1][1] == row.seq - 1:
            ranges[-1][1:] = [row.seq, row.hash]
        else:
            ranges.append([row.seq, row.seq, row.hash])
    if not ranges:
        return PurgeReport(held=held)
    body = {"purged": ranges, "count": purged, "before": cutoff.isoformat(), "held": held,
            "retention_days": retention.days}
    async with trail.db.session() as session:
        marker = await trail.append_in(session, AuditEntry(kind="purge", body=body), signed=True)
        for first, last, _hash in ranges:
            await session.execute(delete(AuditRow).where(AuditRow.seq.between(first, last)))
    log.info("audit purge: %d rows past retention removed, %d kept by legal holds", purged, held)
    return PurgeReport(purged=purged, held=held, marker_seq=marker.seq)
