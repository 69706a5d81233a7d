"""`finbot audit verify`: walk the chain and name the first row that does not hold.

A row holds when its hash is what its fields give, its `prev_hash` is the hash of the row before it, and no row
is missing between them, except the rows a purge marker lists (their last hash is kept in the marker, so the
link across the gap is still checked). Purge markers, holds and review decisions are signed: their signatures
are checked when the key is known.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.audit.chain import GENESIS, row_hash, sign
from core.audit.trail import AuditTrail
from core.store.models import AuditRow

__all__ = ["SIGNED_KINDS", "VerifyReport", "verify_chain"]

SIGNED_KINDS = frozenset({"purge", "hold", "release", "review"})
"""Rows signed with FINBOT_AUDIT_KEY: their signature is checked when the key is known."""


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    rows: int
    broken_seq: int | None = None
    reason: str = ""
    purged: int = 0

    def describe(self) -> str:
        if self.ok:
            purged = f" ({self.purged} rows purged past retention, each purge signed)" if self.purged else ""
            return f"audit chain verified: {self.rows} rows{purged}"
        return f"audit chain BROKEN at row {self.broken_seq}: {self.reason} ({self.rows} rows read)"


def _fields_hash(row: Any) -> str:
    return row_hash(
        seq=row.seq, kind=row.kind, created_at=row.created_at, person_id=row.person_id,
        conversation_key=row.conversation_key, turn_id=row.turn_id, body=row.body, prev_hash=row.prev_hash,
    )


async def _purged_ranges(trail: AuditTrail) -> dict[int, tuple[int, str]]:
    """first purged seq -> (last purged seq, its hash), from every purge marker (read first: they follow the gap)."""
    async with trail.db.session() as session:
        markers = (await session.scalars(select(AuditRow).where(AuditRow.kind == "purge"))).all()
    return {int(first): (int(last), str(h)) for m in markers for first, last, h in m.body.get("purged", [])}


def _bridge(gaps: dict[int, tuple[int, str]], start: int, end: int) -> str | None:
    """The hash before row `end` when purges removed exactly rows start..end-1 (one purge or several), else None."""
    last_hash = None
    while start < end and start in gaps:
        last, last_hash = gaps[start]
        start = last + 1
    return last_hash if start == end else None


async def verify_chain(trail: AuditTrail) -> VerifyReport:
    gaps = await _purged_ranges(trail)
    purged = sum(last - first + 1 for first, (last, _hash) in gaps.items())
    prev_seq, prev_hash, count = 0, GENESIS, 0
    async for row in trail.tuples():
        count += 1
        if _fields_hash(row) != row.hash:
            return VerifyReport(False, count, row.seq, "its contents do not match its hash (edited)")
        if row.seq != prev_seq + 1:
            bridged = _bridge(gaps, prev_seq + 1, row.seq)
            if bridged is None:
                return VerifyReport(False, count, row.seq, f"rows {prev_seq + 1}..{row.seq - 1} are missing (deleted)")
            prev_hash = bridged
        if row.prev_hash != prev_hash:
            return VerifyReport(False, count, row.seq, "it does not link to the row before it")
        if row.kind in SIGNED_KINDS and trail.signing_key:
            if not hmac.compare_digest(row.signature, sign(trail.signing_key, row.hash)):
                return VerifyReport(False, count, row.seq, f"the {row.kind} row's signature is not the firm's")
        prev_seq, prev_hash = row.seq, row.hash
    return VerifyReport(True, count, purged=purged)
