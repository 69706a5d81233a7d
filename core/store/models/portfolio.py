"""Holdings and target allocations: always read and written per owner (a person id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["HoldingRow", "TargetAllocationRow"]


class HoldingRow(Base):
    __tablename__ = "holdings"
    __table_args__ = (Index("ix_holdings_owner_account_symbol", "owner_id", "account", "symbol", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    owner_id: Mapped[str] = mapped_column(String(200), index=True, doc="person id: platform:tenant:user")
    account: Mapped[str] = mapped_column(String(100), default="")
    symbol: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[float] = mapped_column()
    cost_basis: Mapped[float] = mapped_column(doc="total cost of the position, in the account currency")
    asset_class: Mapped[str] = mapped_column(String(60), default="")
    sector: Mapped[str] = mapped_column(String(60), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TargetAllocationRow(Base):
    __tablename__ = "target_allocations"

    owner_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    asset_class: Mapped[str] = mapped_column(String(60), primary_key=True)
    weight: Mapped[float] = mapped_column(doc="0..1; an owner's weights sum to 1")
