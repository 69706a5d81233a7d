"""People, conversations, their messages, and the platform events already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["ConversationRow", "MessageRow", "ProcessedEvent", "UserRow"]


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(200), primary_key=True, doc="platform:tenant:user")
    platform: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationRow(Base):
    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str] = mapped_column(String(300))
    thread_id: Mapped[str | None] = mapped_column(String(300))
    is_direct: Mapped[bool] = mapped_column(default=False)
    reference: Mapped[dict[str, Any] | None] = mapped_column(JSON, doc="adapter's opaque reference")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    thread_state: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, doc="what crosses turns: pinned route and symbols, the open offer (core.turn.ThreadState)"
    )


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id", "conversation_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversations.key", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(16), doc="user | assistant | advisor")
    text: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(300), unique=True, doc="platform event id")
    turn_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcessedEvent(Base):
    """Platform events already taken by some finbot process (Slack retries, duplicate activities)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
