"""Holdings per owner, the demo fallback, and the CSV formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import IngestError
from core.portfolio import DEMO_OWNER, Holding, HoldingsAccess, HoldingStore, parse_holdings_csv, parse_targets_csv
from core.store import Database


@pytest.fixture
async def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'h.db'}")
    await db.upgrade_schema()
    yield HoldingStore(db)
    await db.dispose()


async def test_each_owner_sees_only_their_own_book(store: HoldingStore) -> None:
    await store.replace("slack:T1:alice", [Holding("AAA", 1, 10)], targets={"Equity": 1.0})
    await store.replace("slack:T1:bob", [Holding("BBB", 2, 20), Holding("CCC", 3, 30)])
    assert [h.symbol for h in await store.holdings("slack:T1:alice")] == ["AAA"]
    assert [h.symbol for h in await store.holdings("slack:T1:bob")] == ["BBB", "CCC"]
    assert await store.targets("slack:T1:bob") == {}
    await store.replace("slack:T1:alice", [Holding("DDD", 4, 40)])  # a re-import replaces, targets kept
    assert [h.symbol for h in await store.holdings("slack:T1:alice")] == ["DDD"]
    assert await store.targets("slack:T1:alice") == {"Equity": 1.0}


async def test_demo_portfolio_only_for_matching_people_without_their_own(store: HoldingStore) -> None:
    await store.replace(DEMO_OWNER, [Holding("VTI", 1, 1)])
    await store.replace("web:local:alice", [Holding("AAA", 1, 10)])
    access = HoldingsAccess(store, demo_viewers="web:local:*")
    alice = await access.owner_for("web:local:alice")
    assert alice is not None and alice.id == "web:local:alice" and not alice.is_demo
    guest = await access.owner_for("web:local:guest")
    assert guest is not None and guest.id == DEMO_OWNER and guest.is_demo
    assert await access.owner_for("slack:T1:U9") is None
    assert await HoldingsAccess(store, demo_viewers="").owner_for("web:local:guest") is None


def test_holdings_csv_columns_numbers_and_defaults() -> None:
    holdings = parse_holdings_csv("symbol,quantity,cost_basis\naapl,10,\"1,500.25\"\n")
    assert holdings == [Holding("AAPL", 10.0, 1500.25, "", "", "Unclassified", "Unclassified")]
    with pytest.raises(IngestError, match="columns"):
        parse_holdings_csv("ticker,qty\nAAPL,1\n")
    with pytest.raises(IngestError, match="line 2: quantity"):
        parse_holdings_csv("symbol,quantity,cost_basis\nAAPL,ten,1\n")
    with pytest.raises(IngestError, match="positive"):
        parse_holdings_csv("symbol,quantity,cost_basis\nAAPL,-1,1\n")


def test_targets_csv_accepts_fractions_or_percentages_summing_to_one() -> None:
    assert parse_targets_csv("asset_class,weight\nEquity,60%\nBonds,40\n") == {"Equity": 0.6, "Bonds": 0.4}
    assert parse_targets_csv("asset_class,weight\nEquity,0.7\nBonds,0.3\n") == {"Equity": 0.7, "Bonds": 0.3}
    with pytest.raises(IngestError, match="sum"):
        parse_targets_csv("asset_class,weight\nEquity,0.7\nBonds,0.7\n")
