"""The embedded market feed: daily closes and tick quotes in finbot's own database."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from datetime import time as clock_time

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.market.csv_loader import DailyClose
from core.market.feed import DailyHistory, Quote, Tick
from core.store.db import Database
from core.store.models import PriceRow, QuoteRow, utcnow

__all__ = ["CLOSE_TIME_UTC", "DbMarketFeed"]

CLOSE_TIME_UTC = clock_time(21, 0)
"""When a daily close is taken to be observed (16:00 New York in winter)."""
SYMBOLS_TTL_S = 60.0


class DbMarketFeed:
    """MarketFeed over the `market_prices` / `market_quotes` tables, plus the writers that fill them."""

    def __init__(self, db: Database, *, symbols_ttl_s: float = SYMBOLS_TTL_S) -> None:
        self._db = db
        self._symbols: list[str] | None = None
        self._symbols_at = 0.0
        self._symbols_ttl = symbols_ttl_s

    # --- reading (MarketFeed) ---

    async def latest(self, symbols: Sequence[str]) -> dict[str, Quote]:
        wanted = sorted({s.upper() for s in symbols})
        if not wanted:
            return {}
        quotes: dict[str, Quote] = {}
        async with self._db.session() as session:
            ticks = {
                row.symbol: row
                for row in await session.scalars(select(QuoteRow).where(QuoteRow.symbol.in_(wanted)))
            }
            # the last two closes of every symbol in one statement (a window per symbol), newest first
            ranked = select(
                PriceRow.symbol, PriceRow.day, PriceRow.close,
                func.row_number().over(partition_by=PriceRow.symbol, order_by=PriceRow.day.desc()).label("n"),
            ).where(PriceRow.symbol.in_(wanted)).subquery()
            closes: dict[str, list[tuple[date, float]]] = {}
            for symbol, day, close in await session.execute(
                select(ranked.c.symbol, ranked.c.day, ranked.c.close).where(ranked.c.n <= 2)
                .order_by(ranked.c.symbol, ranked.c.n)
            ):
                closes.setdefault(symbol, []).append((day, close))
        for symbol in wanted:
            quote = _quote(symbol, ticks.get(symbol), closes.get(symbol, []))
            if quote is not None:
                quotes[symbol] = quote
        return quotes

    async def history(self, symbols: Sequence[str], *, since: date | None = None) -> dict[str, DailyHistory]:
        wanted = sorted({s.upper() for s in symbols})
        if not wanted:
            return {}
        query = select(PriceRow.symbol, PriceRow.day, PriceRow.close).where(PriceRow.symbol.in_(wanted))
        if since is not None:
            query = query.where(PriceRow.day >= since)
        async with self._db.session() as session:
            rows = (await session.execute(query.order_by(PriceRow.symbol, PriceRow.day))).all()
        grouped: dict[str, tuple[list[date], list[float]]] = {}
        for symbol, day, close in rows:
            days, closes = grouped.setdefault(symbol, ([], []))
            days.append(day)
            closes.append(close)
        return {s: DailyHistory(s, tuple(d), tuple(c)) for s, (d, c) in grouped.items()}

    async def symbols(self) -> list[str]:
        """Every symbol with a price: reference data, cached (every question asks); this process's writes
        invalidate it at once, another process's within `symbols_ttl_s`."""
        if self._symbols is not None and not self.symbols_stale():
            return self._symbols
        async with self._db.session() as session:
            await session.run_sync(self.refresh_symbols_in)
        assert self._symbols is not None
        return self._symbols

    def symbols_stale(self) -> bool:
        return self._symbols is None or time.monotonic() - self._symbols_at >= self._symbols_ttl

    def refresh_symbols_in(self, session: Session) -> None:
        """Re-read the symbols inside the caller's transaction (the turn's one read, core.turn, when stale)."""
        closes = set(session.scalars(select(PriceRow.symbol).distinct()))
        ticks = set(session.scalars(select(QuoteRow.symbol)))
        self._symbols, self._symbols_at = sorted(closes | ticks), time.monotonic()

    def _changed(self) -> None:
        self._symbols = None

    async def count_closes(self) -> int:
        async with self._db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(PriceRow)) or 0)

    # --- writing ---

    async def load_closes(self, closes: Sequence[DailyClose]) -> int:
        """Insert or replace daily closes (a CSV load); returns how many rows were written."""
        latest = {(c.symbol.upper(), c.day): c.close for c in closes}
        if not latest:
            return 0
        symbols = sorted({s for s, _ in latest})
        async with self._db.session() as session:
            existing = {
                (row.symbol, row.day): row
                for row in await session.scalars(select(PriceRow).where(PriceRow.symbol.in_(symbols)))
            }
            new_rows = []
            for key, close in latest.items():
                if key in existing:
                    existing[key].close = close
                else:
                    new_rows.append({"symbol": key[0], "day": key[1], "close": close})
            if new_rows:
                await session.execute(insert(PriceRow), new_rows)
        self._changed()
        return len(latest)

    async def apply_ticks(self, ticks: Sequence[Tick]) -> int:
        """Apply ticks in time order; a tick older than the stored quote is ignored (replays are harmless).

        The newest tick of a day also becomes that day's close, so risk figures see today's price.
        """
        applied = 0
        async with self._db.session() as session:
            for tick in sorted(ticks, key=lambda t: t.ts):
                row = await session.get(QuoteRow, tick.symbol)
                if row is not None and row.as_of > tick.ts:
                    continue
                if row is None:
                    session.add(QuoteRow(symbol=tick.symbol, price=tick.price, as_of=tick.ts, source="tick"))
                else:
                    row.price, row.as_of, row.updated_at = tick.price, tick.ts, utcnow()
                day = tick.ts.astimezone(UTC).date()
                bar = await session.get(PriceRow, (tick.symbol, day))
                if bar is None:
                    session.add(PriceRow(symbol=tick.symbol, day=day, close=tick.price))
                else:
                    bar.close = tick.price
                await session.flush()
                applied += 1
        self._changed()
        return applied


def _quote(symbol: str, tick: QuoteRow | None, closes: list[tuple[date, float]]) -> Quote | None:
    """The tick quote when it is at least as recent as the last close's day, else the last close."""
    if tick is not None and (not closes or tick.as_of.astimezone(UTC).date() >= closes[0][0]):
        tick_day = tick.as_of.astimezone(UTC).date()
        previous = next((c for d, c in closes if d < tick_day), None)
        return Quote(symbol, tick.price, tick.as_of, "tick", previous)
    if not closes:
        return None
    (last_day, last_close), *rest = closes
    as_of = datetime.combine(last_day, CLOSE_TIME_UTC, tzinfo=UTC)
    return Quote(symbol, last_close, as_of, "close", rest[0][1] if rest else None)
