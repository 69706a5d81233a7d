"""The market-data feed interface: the latest quote and the daily history of a symbol.

Everything downstream (the market and risk specialists) reads prices through `MarketFeed`, so the
embedded database feed and any future live feed are interchangeable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

__all__ = ["DailyHistory", "MarketFeed", "Quote", "Tick"]


@dataclass(frozen=True, slots=True)
class Quote:
    """The latest known price of a symbol and when it was observed."""

    symbol: str
    price: float
    as_of: datetime
    source: str
    """"tick" (intraday, from POST /market/ticks or Kafka) or "close" (the last daily close)."""
    previous_close: float | None = None
    """The last daily close before `as_of`'s day: the base of the day's move."""


@dataclass(frozen=True, slots=True)
class DailyHistory:
    """Daily closes of one symbol, oldest first."""

    symbol: str
    days: tuple[date, ...]
    closes: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.days)


@dataclass(frozen=True, slots=True)
class Tick:
    """One observed trade/quote price, as received from a producer."""

    symbol: str
    price: float
    ts: datetime


class MarketFeed(Protocol):
    async def latest(self, symbols: Sequence[str]) -> dict[str, Quote]:
        """Quotes for the symbols that have one; a symbol with no data is absent (never guessed)."""
        ...

    async def history(self, symbols: Sequence[str], *, since: date | None = None) -> dict[str, DailyHistory]:
        """Daily closes per symbol (absent when there is none)."""
        ...

    async def symbols(self) -> list[str]:
        """Every symbol the feed knows."""
        ...
