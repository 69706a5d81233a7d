"""The escalation record and its state machine: open -> claimed -> answered -> closed (or expired, or cancelled
by the person); unrouted when no advisor desk could take it.

Pure data and rules; the database work is in `store.py`, the orchestration in `service.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from core.types import Conversation

__all__ = [
    "ACTIVE",
    "Advisor",
    "CardRef",
    "Escalation",
    "REASON_LABELS",
    "Status",
    "reason_label",
]


class Status(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    """The person went back to the bot ("cancel") before the advisor closed it."""
    UNROUTED = "unrouted"
    """No advisor desk could take it: the person got the contact line; `finbot doctor` and the metrics count it."""


ACTIVE: tuple[Status, ...] = (Status.OPEN, Status.CLAIMED, Status.ANSWERED)
"""While an escalation is in one of these states, the person's messages go to the advisor, not the bot."""

REASON_LABELS: dict[str, str] = {
    "asked_for_human": "Asked for a person",
    "complaint": "Complaint",
    "fraud": "Possible fraud / compromised account",
    "trade_instruction": "Trade instruction",
    "transfer_instruction": "Transfer instruction",
    "account_closure": "Account closure",
    "hardship": "Financial hardship",
    "bereavement": "Death in the family",
    "low_confidence": "Low confidence answer",
    "no_answer": "No answer in the knowledge base",
    "recommendation": "Asked for a recommendation",
}


def reason_label(reason: str) -> str:
    if reason.startswith("answer_guard:"):  # core.escalation.policy.GUARD_REASON: the kind the guard found
        return f"Answer blocked by the guard ({reason.partition(':')[2].replace('_', ' ')})"
    return REASON_LABELS.get(reason, reason.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class Advisor:
    """Who acts on an escalation: `id` is platform-qualified ("slack:T1:U9"), `name` is shown to the person."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class CardRef:
    """Where an adapter posted the advisor card, so it can update it and match thread replies to it."""

    platform: str
    channel: str
    message_id: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Escalation:
    id: str
    conversation: Conversation
    person_id: str
    person_name: str
    question: str
    summary: str
    sources: list[dict[str, Any]]
    confidence: int | None
    reason: str
    status: Status
    created_at: datetime
    advisor: Advisor | None = None
    claimed_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    claim_seconds: float | None = None
    answer_seconds: float | None = None
    reminders: int = 0
    card: CardRef | None = None

    @property
    def conversation_key(self) -> str:
        return self.conversation.key

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly view (advisor page, logs); the conversation's opaque reference is left out."""
        return {
            "id": self.id,
            "conversation_key": self.conversation_key,
            "platform": self.conversation.platform,
            "person_id": self.person_id,
            "person_name": self.person_name,
            "question": self.question,
            "summary": self.summary,
            "sources": self.sources,
            "confidence": self.confidence,
            "reason": self.reason,
            "reason_label": self.reason_label,
            "status": str(self.status),
            "advisor_id": self.advisor.id if self.advisor else None,
            "advisor_name": self.advisor.name if self.advisor else None,
            "created_at": self.created_at.isoformat(),
            "claimed_at": self.claimed_at.isoformat() if self.claimed_at else None,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "claim_seconds": self.claim_seconds,
            "answer_seconds": self.answer_seconds,
            "reminders": self.reminders,
        }
