"""Market data: daily closes per symbol and the latest intraday quote (from ticks)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["PriceRow", "QuoteRow"]


class PriceRow(Base):
    __tablename__ = "market_prices"

    symbol: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    close: Mapped[float] = mapped_column()


class QuoteRow(Base):
    __tablename__ = "market_quotes"

    symbol: Mapped[str] = mapped_column(String(20), primary_key=True)
    price: Mapped[float] = mapped_column()
    as_of: Mapped[datetime] = mapped_column(doc="when the price was observed (the tick's time)")
    source: Mapped[str] = mapped_column(String(40), default="tick")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
