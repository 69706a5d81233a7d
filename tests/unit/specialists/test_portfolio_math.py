"""Portfolio figures on a small book, every number computed by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.market.feed import Quote
from core.portfolio.analysis import allocation, concentration, drift, rebalancing_trades, value_positions
from core.portfolio.holdings import Holding

NOW = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
HOLDINGS = [
    Holding("AAA", 10, 1000.00, "Brokerage", "Alpha", "Equity", "Tech"),
    Holding("BBB", 20, 1500.00, "Brokerage", "Beta", "Equity", "Health"),
    Holding("CCC", 50, 2600.00, "IRA", "Gamma", "Bonds", "Fixed Income"),
]
QUOTES = {
    "AAA": Quote("AAA", 120.00, NOW, "close", 118.00),
    "BBB": Quote("BBB", 80.00, NOW, "close", 81.00),
    "CCC": Quote("CCC", 50.00, NOW, "close", 49.50),
}
TARGETS = {"Equity": 0.60, "Bonds": 0.40}


def test_valuation_and_unrealised_gain() -> None:
    v = value_positions(HOLDINGS, QUOTES)
    # 10 x 120 + 20 x 80 + 50 x 50 = 1,200 + 1,600 + 2,500
    assert round(v.total_value, 2) == 5300.00
    assert round(v.total_cost, 2) == 5100.00
    assert round(v.gain, 2) == 200.00
    assert round(v.gain_pct, 4) == 0.0392  # 200 / 5,100 = 0.039216
    # day: 10 x (+2) + 20 x (-1) + 50 x (+0.5) = 20 - 20 + 25
    assert round(v.day_change, 2) == 25.00
    assert round(v.day_change_pct, 4) == 0.0047  # 25 / (5,300 - 25) = 0.0047393
    assert [round(p.gain, 2) for p in v.positions] == [200.00, 100.00, -100.00]


def test_allocation_by_class_sector_and_symbol() -> None:
    v = value_positions(HOLDINGS, QUOTES)
    by_class = allocation(v, lambda h: h.asset_class)
    assert [(a.key, round(a.value, 2), round(a.weight, 4)) for a in by_class] == [
        ("Equity", 2800.00, 0.5283),  # 2,800 / 5,300
        ("Bonds", 2500.00, 0.4717),  # 2,500 / 5,300
    ]
    by_sector = allocation(v, lambda h: h.sector)
    assert [a.key for a in by_sector] == ["Fixed Income", "Health", "Tech"]
    assert round(by_sector[2].weight, 4) == 0.2264  # 1,200 / 5,300


def test_concentration_largest_position_and_hhi() -> None:
    c = concentration(value_positions(HOLDINGS, QUOTES))
    assert c is not None
    assert c.largest == "CCC" and round(c.largest_weight, 4) == 0.4717
    # (1,200^2 + 1,600^2 + 2,500^2) / 5,300^2 = 10,250,000 / 28,090,000
    assert round(c.hhi, 4) == 0.3649
    assert round(c.effective_positions, 2) == 2.74


def test_drift_and_illustrative_rebalancing_trades() -> None:
    v = value_positions(HOLDINGS, QUOTES)
    drifts = {d.asset_class: round(d.drift, 4) for d in drift(v, TARGETS)}
    assert drifts == {"Equity": -0.0717, "Bonds": 0.0717}  # 52.83% vs 60%, 47.17% vs 40%
    trades = {t.symbol: (round(t.amount, 2), round(t.shares or 0, 4)) for t in rebalancing_trades(v, TARGETS)}
    # Equity needs 0.6 x 5,300 - 2,800 = +380, split by value: AAA 380 x 1,200/2,800, BBB 380 x 1,600/2,800
    # Bonds needs 0.4 x 5,300 - 2,500 = -380 (sell 7.6 shares of CCC at $50)
    assert trades == {"AAA": (162.86, 1.3571), "BBB": (217.14, 2.7143), "CCC": (-380.00, -7.6)}


def test_missing_quote_is_left_out_and_a_target_class_with_no_holding_is_named() -> None:
    v = value_positions(HOLDINGS, {k: q for k, q in QUOTES.items() if k != "BBB"})
    assert [h.symbol for h in v.unpriced] == ["BBB"]
    assert round(v.total_value, 2) == 3700.00 and round(v.total_cost, 2) == 3600.00
    trades = rebalancing_trades(v, {"Equity": 0.5, "Bonds": 0.3, "Cash": 0.2})
    cash = [t for t in trades if t.asset_class == "Cash"]
    assert len(cash) == 1 and cash[0].symbol == "" and round(cash[0].amount, 2) == 740.00  # 0.2 x 3,700


@pytest.mark.parametrize("band", [0.0, 1.0])
def test_a_book_at_target_needs_no_trades(band: float) -> None:
    holdings = [Holding("AAA", 10, 1000, asset_class="Equity"), Holding("CCC", 24, 1000, asset_class="Bonds")]
    v = value_positions(holdings, QUOTES)  # 1,200 and 1,200
    assert rebalancing_trades(v, {"Equity": 0.5, "Bonds": 0.5}, min_amount=band or 0.005) == []
