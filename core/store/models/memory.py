"""What finbot remembers about people: profiles, long-term facts, and conversation summaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["ConversationSummaryRow", "UserFactRow", "UserProfileRow"]


class UserProfileRow(Base):
    __tablename__ = "user_profiles"

    user_id: Mapped[str] = mapped_column(String(200), primary_key=True, doc="platform:tenant:user")
    name: Mapped[str] = mapped_column(String(200), default="")
    style: Mapped[str] = mapped_column(String(16), default="", doc="brief | detailed | ''")
    style_source: Mapped[str] = mapped_column(String(16), default="", doc="set (by the person) | inferred")
    topics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, doc="topic -> times asked about")
    interaction_count: Mapped[int] = mapped_column(default=0)
    avg_words: Mapped[float] = mapped_column(default=0.0, doc="running mean of message length, for style")
    last_interaction: Mapped[datetime | None] = mapped_column(default=None)


class UserFactRow(Base):
    __tablename__ = "user_facts"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_user_facts_user_key"),
        Index("ix_user_facts_user_slot", "user_id", "slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(200), index=True)
    text: Mapped[str] = mapped_column(Text, doc="a statement without its subject: 'has two children'")
    key: Mapped[str] = mapped_column(String(300), doc="normalised text, for de-duplication")
    slot: Mapped[str] = mapped_column(String(100), default="", doc="single-valued subject ('age'); newer wins")
    importance: Mapped[float] = mapped_column(default=0.5)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, doc="float32 vector")
    embedding_model: Mapped[str] = mapped_column(String(100), default="")
    source_message_id: Mapped[int | None] = mapped_column(default=None, doc="the message it was said in")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationSummaryRow(Base):
    __tablename__ = "conversation_summaries"

    conversation_key: Mapped[str] = mapped_column(
        ForeignKey("conversations.key", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    tokens: Mapped[int] = mapped_column(default=0)
    covered_message_id: Mapped[int] = mapped_column(default=0, doc="last message the summary includes")
    revision: Mapped[int] = mapped_column(default=0, doc="times summarized")
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None, doc="worker summarizing it now")
    claimed_until: Mapped[datetime | None] = mapped_column(default=None, doc="the claim's lease")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
