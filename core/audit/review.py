"""Supervision (FINRA 3110): a principal's review queue of answers, and their decisions kept in the chain.

An answer enters the queue when it is sampled (a steady share of all answers, FINBOT_REVIEW_SAMPLE, picked by
the turn id so every process agrees) or flagged: promissory words, a complaint, a named security with a
recommendation, a request to move off-channel (the lexicon below), or a flag the answer guard set. The marks go
into the turn's audit row; a reviewer's approve / follow-up decision is a signed `review` row naming it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, select

from core.audit.entries import AuditEntry
from core.audit.trail import AuditTrail
from core.store.models import AuditRow

__all__ = ["DECISIONS", "LEXICON", "NotAReviewer", "ReviewPolicy", "ReviewQueue", "UnknownRecord"]

_I = re.IGNORECASE
LEXICON: dict[str, re.Pattern[str]] = {
    "promissory": re.compile(
        r"\b(guarantee[sd]?|risk[- ]free|can(?:no|')t lose|no risk|sure thing|will (?:double|triple)|"
        r"certain (?:return|profit)s?|always goes up)\b", _I),
    "complaint": re.compile(
        r"\b(complain\w*|unhappy|dissatisfied|unauthori[sz]ed|fraud\w*|lawyer|attorney|sue|lawsuit|"
        r"stole[n]?|misled|rip(?:ped)? off)\b", _I),
    "off_channel": re.compile(
        r"\b(whatsapp|telegram|signal app|wechat|text me|my cell|personal (?:e-?mail|phone|number)|gmail|"
        r"call me at home|off the record)\b", _I),
}
"""Flag -> the words that raise it, in the question or the answer."""
DECISIONS = ("approve", "follow_up")


class NotAReviewer(PermissionError):
    """Only the people FINBOT_REVIEWERS lists may decide."""


class UnknownRecord(LookupError):
    """No answered turn with that audit seq."""


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    sample: float = 0.05
    """Share of all answers sampled for review (0..1)."""

    def marks(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """{"sampled": bool, "flags": [...]} for a turn's final state."""
        text = f"{state.get('message', {}).get('text', '')}\n{state.get('draft', '')}"
        flags = [name for name, words in LEXICON.items() if words.search(text)]
        if state.get("symbols") and (state.get("high_stakes") or state.get("advice")):
            flags.append("security_recommendation")
        flags += [f"guard:{f}" for f in state.get("guard_flags") or []]  # the answer guard's, when it runs
        draw = int(hashlib.sha256(str(state.get("turn_id", "")).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        return {"sampled": draw < self.sample, "flags": flags}


class ReviewQueue:
    def __init__(self, trail: AuditTrail, *, reviewers: frozenset[str]) -> None:
        self._trail = trail
        self.reviewers = reviewers

    async def pending(self, *, limit: int = 200, within: timedelta = timedelta(days=90)) -> list[AuditRow]:
        """Sampled or flagged answers of the last `within` no reviewer has decided on yet, oldest first."""
        since = self._trail.now() - within
        async with self._trail.db.session() as session:
            decided = {int(b["target_seq"]) for b in (await session.scalars(
                select(AuditRow.body).where(and_(AuditRow.kind == "review", AuditRow.created_at >= since)))).all()}
            rows = (await session.scalars(
                select(AuditRow).where(and_(AuditRow.kind == "turn", AuditRow.created_at >= since))
                .order_by(AuditRow.seq)
            )).all()
        queued = [r for r in rows if r.seq not in decided and _queued(r.body.get("review") or {})]
        return queued[:limit]

    async def decide(self, seq: int, *, reviewer: str, decision: str, note: str = "") -> AuditRow:
        if reviewer not in self.reviewers:
            raise NotAReviewer(reviewer)
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
        async with self._trail.db.session() as session:
            target = await session.get(AuditRow, seq)
            if target is None or target.kind != "turn":
                raise UnknownRecord(seq)
            body = {"target_seq": seq, "target_hash": target.hash, "decision": decision, "reviewer": reviewer,
                    "note": note[:2000], "flags": (target.body.get("review") or {}).get("flags", [])}
            entry = AuditEntry(kind="review", body=body, person_id=target.person_id,
                               conversation_key=target.conversation_key, turn_id=target.turn_id)
            return await self._trail.append_in(session, entry, signed=True)


def _queued(marks: Mapping[str, Any]) -> bool:
    return bool(marks.get("sampled") or marks.get("flags"))
