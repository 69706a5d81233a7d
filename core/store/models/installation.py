"""Where finbot was removed: a Slack workspace that uninstalled it or revoked its token (no more posting there)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["InstallationRow"]


class InstallationRow(Base):
    __tablename__ = "installations"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(200), primary_key=True)
    removed: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(40), default="")
    """"app_uninstalled" or "tokens_revoked" while removed; "" once events arrive again."""
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
