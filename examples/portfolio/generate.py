"""Write the sample portfolio and its price history (synthetic, deterministic): `python generate.py`.

The prices are SYNTHETIC: a one-factor model (each symbol = beta x market + its own noise) drawn
from a fixed seed over the business days of two years. They look like market data and are not.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261120
START, END = date(2024, 11, 25), date(2026, 11, 20)
BENCHMARK = "SPY"

# symbol: (name, asset class, sector, first close, beta to the market, own daily volatility)
UNIVERSE = {
    "SPY": ("SPDR S&P 500 ETF", "US Equity", "Broad Market", 443.00, 1.00, 0.0000),
    "VTI": ("Vanguard Total Stock Market ETF", "US Equity", "Broad Market", 218.00, 1.02, 0.0020),
    "AAPL": ("Apple Inc.", "US Equity", "Technology", 192.00, 1.20, 0.0120),
    "MSFT": ("Microsoft Corp.", "US Equity", "Technology", 338.00, 1.10, 0.0110),
    "JNJ": ("Johnson & Johnson", "US Equity", "Health Care", 166.00, 0.55, 0.0090),
    "XOM": ("Exxon Mobil Corp.", "US Equity", "Energy", 107.00, 0.80, 0.0140),
    "VXUS": ("Vanguard Total International Stock ETF", "International Equity", "International", 56.00, 0.85,
             0.0060),
    "BND": ("Vanguard Total Bond Market ETF", "Bonds", "Fixed Income", 72.00, 0.05, 0.0030),
    "GLD": ("SPDR Gold Shares", "Commodities", "Gold", 178.00, 0.10, 0.0085),
}

# account, symbol, quantity, purchase day index (the cost basis is the close that day x quantity)
HOLDINGS = [
    ("Brokerage", "VTI", 120, 0),
    ("Brokerage", "AAPL", 60, 40),
    ("Brokerage", "MSFT", 25, 80),
    ("Brokerage", "XOM", 70, 120),
    ("IRA", "JNJ", 40, 10),
    ("IRA", "VXUS", 300, 20),
    ("IRA", "BND", 150, 30),
    ("IRA", "GLD", 12, 200),
]
TARGETS = {"US Equity": 0.50, "International Equity": 0.20, "Bonds": 0.25, "Commodities": 0.05}


def business_days(start: date, end: date) -> list[date]:
    return [d.astype(object) for d in np.arange(start, end, dtype="datetime64[D]") if np.is_busday(d)] + (
        [end] if np.is_busday(np.datetime64(end)) else []
    )


def simulate(days: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    market = rng.normal(0.0004, 0.0095, size=days - 1)
    closes: dict[str, np.ndarray] = {}
    for symbol, (_, _, _, first, beta, own) in UNIVERSE.items():
        returns = beta * market + rng.normal(0.0001, own, size=days - 1) if own else market
        path = first * np.concatenate([[1.0], np.cumprod(1 + returns)])
        closes[symbol] = np.round(path, 2)
    return closes


def main() -> None:
    days = business_days(START, END)
    closes = simulate(len(days))
    with (HERE / "prices.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "symbol", "close"])
        for symbol in UNIVERSE:
            for day, close in zip(days, closes[symbol], strict=True):
                writer.writerow([day.isoformat(), symbol, f"{close:.2f}"])
    with (HERE / "holdings.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account", "symbol", "name", "quantity", "cost_basis", "asset_class", "sector"])
        for account, symbol, quantity, bought in HOLDINGS:
            name, asset_class, sector, *_ = UNIVERSE[symbol]
            cost = round(quantity * float(closes[symbol][bought]), 2)
            writer.writerow([account, symbol, name, quantity, f"{cost:.2f}", asset_class, sector])
    with (HERE / "targets.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["asset_class", "weight"])
        for asset_class, weight in TARGETS.items():
            writer.writerow([asset_class, f"{weight:.2f}"])
    print(f"wrote {len(days)} business days x {len(UNIVERSE)} symbols, {len(HOLDINGS)} holdings")


if __name__ == "__main__":
    main()
