"""Market figures and the database feed: quotes with their age, day and period moves, ticks, CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import IngestError
from core.market import DbMarketFeed, TickError, parse_prices_csv, parse_ticks
from core.market.analysis import market_snapshot
from core.market.csv_loader import DailyClose
from core.market.feed import DailyHistory, Quote, Tick
from core.specialists.format import age_words
from core.store import Database

DAYS = tuple(date(2026, 11, 12) + timedelta(days=i) for i in range(7))
CLOSES = (100.0, 102.0, 104.0, 110.0, 115.0, 118.0, 120.0)
CLOSE_TIME = datetime(2026, 11, 18, 21, 0, tzinfo=UTC)


def test_day_and_period_moves_from_the_history() -> None:
    quote = Quote("AAA", 120.0, CLOSE_TIME, "close", 118.0)
    snapshot = market_snapshot(
        ["AAA", "ZZZ"], {"AAA": quote}, {"AAA": DailyHistory("AAA", DAYS, CLOSES)},
        now=CLOSE_TIME + timedelta(days=2), stale_after=timedelta(minutes=15),
    )
    row = snapshot.rows[0]
    assert round(row.day_change or 0, 2) == 2.00 and round(row.day_change_pct or 0, 4) == 0.0169  # 2 / 118
    assert round(row.moves["1W"] or 0, 4) == 0.1765  # 120 / 102 (five trading days back) - 1
    assert row.moves["1M"] is None and row.moves["1Y"] is None  # too little history: said, not guessed
    assert row.stale and age_words(row.age) == "2 days old"
    assert snapshot.missing == ["ZZZ"]


def test_a_fresh_quote_is_not_stale() -> None:
    quote = Quote("AAA", 120.0, CLOSE_TIME, "tick", 118.0)
    snapshot = market_snapshot(
        ["AAA"], {"AAA": quote}, {}, now=CLOSE_TIME + timedelta(minutes=5), stale_after=timedelta(minutes=15)
    )
    assert not snapshot.rows[0].stale and snapshot.rows[0].moves == {"1W": None, "1M": None, "1Y": None}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("not json", "not JSON"),
        ([], "no ticks"),
        ({"symbol": "aapl"}, "'price'"),
        ({"symbol": "AAPL", "price": -1}, "'price'"),
        ({"symbol": "AAPL", "price": True}, "'price'"),
        ({"symbol": "", "price": 1}, "'symbol'"),
        ({"symbol": "AAPL", "price": 1, "ts": "yesterday"}, "'ts'"),
        ([{"symbol": "AAPL", "price": 1}, 5], "object"),
    ],
)
def test_malformed_ticks_are_refused_with_a_reason(payload: object, reason: str) -> None:
    with pytest.raises(TickError, match=reason):
        parse_ticks(payload if isinstance(payload, str) else __import__("json").dumps(payload))


def test_ticks_accept_a_single_object_a_list_or_a_ticks_field() -> None:
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert parse_ticks(b'{"symbol": "aapl", "price": 190.5}', now=now) == [Tick("AAPL", 190.5, now)]
    ticks = parse_ticks({"ticks": [{"symbol": "MSFT", "price": 400, "ts": "2026-11-24T14:30:00Z"},
                                   {"symbol": "VTI", "price": 230.25, "ts": 1795962600}]})
    assert ticks[0].ts == datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    assert ticks[1].ts == datetime.fromtimestamp(1795962600, UTC)


def test_prices_csv_needs_its_columns_and_valid_rows() -> None:
    rows = parse_prices_csv("date,symbol,close\n2026-11-20,spy,462.52\n")
    assert rows == [DailyClose("SPY", date(2026, 11, 20), 462.52)]
    with pytest.raises(IngestError, match="columns"):
        parse_prices_csv("day,ticker,price\n")
    with pytest.raises(IngestError, match="line 2"):
        parse_prices_csv("date,symbol,close\n2026-13-01,SPY,1\n")


async def test_database_feed_quotes_closes_then_ticks(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await db.upgrade_schema()
    feed = DbMarketFeed(db)
    try:
        await feed.load_closes([DailyClose("AAA", d, c) for d, c in zip(DAYS, CLOSES, strict=True)])
        quote = (await feed.latest(["aaa", "ZZZ"]))["AAA"]
        assert (quote.price, quote.source, quote.previous_close) == (120.0, "close", 118.0)
        assert quote.as_of == CLOSE_TIME
        assert "ZZZ" not in await feed.latest(["ZZZ"])  # no data: absent, never guessed

        tick_time = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
        assert await feed.apply_ticks([Tick("AAA", 126.0, tick_time)]) == 1
        quote = (await feed.latest(["AAA"]))["AAA"]
        assert (quote.price, quote.source, quote.previous_close, quote.as_of) == (126.0, "tick", 120.0, tick_time)
        # an older tick (a replay) changes nothing; the tick is today's bar in the history
        assert await feed.apply_ticks([Tick("AAA", 1.0, tick_time - timedelta(hours=1))]) == 0
        history = (await feed.history(["AAA"]))["AAA"]
        assert history.days[-1] == date(2026, 11, 19) and history.closes[-1] == 126.0
        assert await feed.symbols() == ["AAA"]
        # a close loaded for a later day supersedes the older tick
        await feed.load_closes([DailyClose("AAA", date(2026, 11, 20), 130.0)])
        quote = (await feed.latest(["AAA"]))["AAA"]
        assert (quote.price, quote.source, quote.previous_close) == (130.0, "close", 126.0)
    finally:
        await db.dispose()
