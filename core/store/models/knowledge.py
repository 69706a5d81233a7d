"""The firm's documents and their chunks (the knowledge base)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["ChunkRow", "DocumentRow"]


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(1000), unique=True, doc="path or URI it was read from")
    title: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChunkRow(Base):
    __tablename__ = "chunks"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(500), doc="heading path, used as the citation title")
    uri: Mapped[str] = mapped_column(String(1000))
    text: Mapped[str] = mapped_column(Text)
    flags: Mapped[str] = mapped_column(
        String(200), default="", doc="why its document looks planted (core.answering.guard.flags), comma-separated"
    )
