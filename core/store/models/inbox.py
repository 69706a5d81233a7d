"""The durable inbox: every accepted platform event, stored with its payload when it is claimed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["InboxRow"]


class InboxRow(Base):
    """One accepted event; written in the same transaction as its `processed_events` claim (EventLog)."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_pending", "done_at", "lease_until"),)

    event_id: Mapped[str] = mapped_column(String(300), primary_key=True, doc="the claim key")
    platform: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, doc="what the surface needs to run the turn again")
    attempts: Mapped[int] = mapped_column(default=1)
    lease_until: Mapped[datetime] = mapped_column(default=utcnow, doc="no sweep re-runs it before this")
    delivery: Mapped[dict[str, Any] | None] = mapped_column(JSON, doc="what was already shown (e.g. a Slack ts)")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(default=None, doc="the reply was delivered (or none was due)")
