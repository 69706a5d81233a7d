"""One row per answered turn: what it cost, how long it took, how it was answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["TurnMetricRow"]


class TurnMetricRow(Base):
    __tablename__ = "turn_metrics"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, doc="turn id")
    conversation_key: Mapped[str] = mapped_column(String(400), index=True)
    user_id: Mapped[str] = mapped_column(String(200), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    latency_ms: Mapped[float] = mapped_column(default=0.0)
    ttft_ms: Mapped[float | None] = mapped_column(default=None, doc="time to first token")
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    model: Mapped[str] = mapped_column(String(100), default="")
    route: Mapped[str] = mapped_column(String(200), default="")
    strategy: Mapped[str] = mapped_column(String(16), default="")
    confidence: Mapped[int] = mapped_column(default=0)
    grounded: Mapped[bool] = mapped_column(default=False)
    escalated: Mapped[bool] = mapped_column(default=False)
    docs_retrieved: Mapped[int] = mapped_column(default=0)
    memory_tiers: Mapped[str] = mapped_column(String(100), default="")
    feedback: Mapped[int | None] = mapped_column(default=None, doc="+1 thumbs up, -1 thumbs down")
    feedback_note: Mapped[str | None] = mapped_column(Text, default=None)
    feedback_at: Mapped[datetime | None] = mapped_column(default=None)
    tokens_estimated: Mapped[bool] = mapped_column(default=False, doc="tokens counted by finbot: no provider usage")
    low_confidence: Mapped[bool] = mapped_column(default=False, doc="answered with the 'not fully sure' note")
    fallback: Mapped[bool] = mapped_column(default=False, doc="an earlier step of the fallback chain failed")
    failures: Mapped[str] = mapped_column(String(400), default="", doc="the failed steps, '; '-separated")
    guard_blocked: Mapped[bool] = mapped_column(default=False, doc="the answer guard blocked the answer")
    jury_size: Mapped[int] = mapped_column(default=0, doc="drafts the jury wrote (0: no jury this turn)")
    jury_agreement: Mapped[float | None] = mapped_column(default=None, doc="0..1 share agreeing with the majority")
    jury_latency_ms: Mapped[float | None] = mapped_column(default=None)
    jury_tokens_in: Mapped[int] = mapped_column(default=0)
    jury_tokens_out: Mapped[int] = mapped_column(default=0)
    jury_cost_usd: Mapped[float] = mapped_column(default=0.0)
