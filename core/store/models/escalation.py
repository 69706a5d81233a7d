"""Escalations: a conversation handed to a human advisor, and its way through open -> claimed -> answered -> closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["EscalationRow"]


class EscalationRow(Base):
    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_conversation_status", "conversation_key", "status"),
        Index("ix_escalations_card", "card_platform", "card_channel", "card_message_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_key: Mapped[str] = mapped_column(String(400))
    conversation: Mapped[dict[str, Any]] = mapped_column(JSON, doc="the person's Conversation (with its reference)")
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    person_name: Mapped[str] = mapped_column(String(200), default="")
    question: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="", doc="last turns, for the advisor")
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, doc="retrieved sources: title, uri")
    confidence: Mapped[int | None] = mapped_column(default=None, doc="grounding confidence; None when not measured")
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(
        String(16), index=True, doc="open|claimed|answered|closed|expired|cancelled|unrouted"
    )
    advisor_id: Mapped[str | None] = mapped_column(String(200), default=None)
    advisor_name: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    claim_seconds: Mapped[float | None] = mapped_column(default=None, doc="time to claim (metrics)")
    answer_seconds: Mapped[float | None] = mapped_column(default=None, doc="time to first answer (metrics)")
    reminders: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    card_platform: Mapped[str | None] = mapped_column(String(16), default=None)
    card_channel: Mapped[str | None] = mapped_column(String(300), default=None)
    card_message_id: Mapped[str | None] = mapped_column(String(300), default=None)
    card_extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None, doc="adapter's opaque card data")
    turn_id: Mapped[str | None] = mapped_column(String(64), default=None)
