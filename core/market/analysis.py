"""Market figures as pure functions: latest quotes with their age, day moves and period moves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.market.feed import DailyHistory, Quote

__all__ = ["PERIODS", "MarketSnapshot", "SymbolMoves", "market_snapshot", "period_change"]

PERIODS: tuple[tuple[str, int], ...] = (("1W", 5), ("1M", 21), ("1Y", 252))
"""Period moves, in trading days back from the quote's day."""


@dataclass(frozen=True, slots=True)
class SymbolMoves:
    symbol: str
    price: float
    as_of: datetime
    source: str
    age: timedelta
    stale: bool
    day_change: float | None
    day_change_pct: float | None
    moves: dict[str, float | None] = field(default_factory=dict)
    """Period label -> fractional change (None when the history is too short)."""


@dataclass(frozen=True, slots=True)
class MarketSnapshot:
    rows: list[SymbolMoves]
    missing: list[str]
    """Symbols asked for that have no quote at all: said, never guessed."""


def period_change(history: DailyHistory | None, quote: Quote, days_back: int) -> float | None:
    """Change from the close `days_back` trading days before the quote's day to the quote's price."""
    if history is None or days_back <= 0:
        return None
    quote_day = quote.as_of.astimezone(UTC).date()
    closes = [c for d, c in zip(history.days, history.closes, strict=True) if d <= quote_day]
    days = [d for d in history.days if d <= quote_day]
    # The series' last bar is the quote's own day when the quote is a close or a tick written as a bar.
    offset = days_back if days and days[-1] == quote_day else days_back - 1
    if offset < 0 or len(closes) <= offset:
        return None
    base = closes[-1 - offset]
    return quote.price / base - 1


def market_snapshot(
    symbols: Sequence[str],
    quotes: Mapping[str, Quote],
    histories: Mapping[str, DailyHistory],
    *,
    now: datetime,
    stale_after: timedelta,
) -> MarketSnapshot:
    rows: list[SymbolMoves] = []
    missing: list[str] = []
    for symbol in symbols:
        quote = quotes.get(symbol)
        if quote is None:
            missing.append(symbol)
            continue
        age = now - quote.as_of
        day_change = quote.price - quote.previous_close if quote.previous_close else None
        rows.append(
            SymbolMoves(
                symbol=symbol,
                price=quote.price,
                as_of=quote.as_of,
                source=quote.source,
                age=age,
                stale=age > stale_after,
                day_change=day_change,
                day_change_pct=day_change / quote.previous_close if day_change is not None and quote.previous_close
                else None,
                moves={label: period_change(histories.get(symbol), quote, n) for label, n in PERIODS},
            )
        )
    return MarketSnapshot(rows, missing)
