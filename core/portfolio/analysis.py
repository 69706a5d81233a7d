"""Portfolio figures as pure functions over holdings and quotes (numpy; no I/O).

Valuation, allocation by asset class / sector / symbol, concentration (largest position, HHI),
unrealised gain/loss, drift from a target allocation and the trades that would close it. The
trades are an illustration of the arithmetic, never an order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.market.feed import Quote
from core.portfolio.holdings import Holding

__all__ = [
    "Allocation",
    "Concentration",
    "Drift",
    "Position",
    "Trade",
    "Valuation",
    "allocation",
    "concentration",
    "drift",
    "rebalancing_trades",
    "value_positions",
]


@dataclass(frozen=True, slots=True)
class Position:
    holding: Holding
    price: float
    market_value: float
    gain: float
    gain_pct: float | None
    day_change: float | None


@dataclass(frozen=True, slots=True)
class Valuation:
    positions: list[Position]
    unpriced: list[Holding]
    """Holdings with no quote: left out of every total, and said so."""
    total_value: float
    total_cost: float
    """Cost of the priced positions only (so gain = value - cost compares like with like)."""

    @property
    def gain(self) -> float:
        return self.total_value - self.total_cost

    @property
    def gain_pct(self) -> float | None:
        return self.gain / self.total_cost if self.total_cost else None

    @property
    def day_change(self) -> float | None:
        changes = [p.day_change for p in self.positions]
        return float(sum(c for c in changes if c is not None)) if any(c is not None for c in changes) else None

    @property
    def day_change_pct(self) -> float | None:
        change = self.day_change
        base = self.total_value - change if change is not None else 0.0
        return change / base if change is not None and base else None


@dataclass(frozen=True, slots=True)
class Allocation:
    key: str
    value: float
    weight: float


@dataclass(frozen=True, slots=True)
class Concentration:
    largest: str
    largest_weight: float
    hhi: float
    """Herfindahl-Hirschman index of symbol weights, 0..1 (1 = a single position)."""

    @property
    def effective_positions(self) -> float:
        return 1 / self.hhi if self.hhi else 0.0


@dataclass(frozen=True, slots=True)
class Drift:
    asset_class: str
    current: float
    target: float

    @property
    def drift(self) -> float:
        return self.current - self.target


@dataclass(frozen=True, slots=True)
class Trade:
    """An illustrative trade: positive amount buys, negative sells."""

    symbol: str
    asset_class: str
    amount: float
    shares: float | None


def value_positions(holdings: Sequence[Holding], quotes: Mapping[str, Quote]) -> Valuation:
    positions: list[Position] = []
    unpriced: list[Holding] = []
    for holding in holdings:
        quote = quotes.get(holding.symbol)
        if quote is None:
            unpriced.append(holding)
            continue
        value = holding.quantity * quote.price
        day = holding.quantity * (quote.price - quote.previous_close) if quote.previous_close else None
        gain = value - holding.cost_basis
        positions.append(
            Position(holding, quote.price, value, gain, gain / holding.cost_basis if holding.cost_basis else None, day)
        )
    values = np.array([p.market_value for p in positions], dtype=float)
    costs = np.array([p.holding.cost_basis for p in positions], dtype=float)
    return Valuation(positions, unpriced, float(values.sum()), float(costs.sum()))


def allocation(valuation: Valuation, by: Callable[[Holding], str]) -> list[Allocation]:
    """Value and weight per group (largest first); `by` picks the group of a holding."""
    totals: dict[str, float] = {}
    for position in valuation.positions:
        key = by(position.holding) or "Unclassified"
        totals[key] = totals.get(key, 0.0) + position.market_value
    total = valuation.total_value
    rows = [Allocation(k, v, v / total if total else 0.0) for k, v in totals.items()]
    return sorted(rows, key=lambda a: (-a.value, a.key))


def concentration(valuation: Valuation) -> Concentration | None:
    by_symbol = allocation(valuation, lambda h: h.symbol)
    if not by_symbol:
        return None
    weights = np.array([a.weight for a in by_symbol], dtype=float)
    return Concentration(by_symbol[0].key, by_symbol[0].weight, float(np.sum(weights**2)))


def drift(valuation: Valuation, targets: Mapping[str, float]) -> list[Drift]:
    """Current vs target weight per asset class (classes in either), largest absolute drift first."""
    current = {a.key: a.weight for a in allocation(valuation, lambda h: h.asset_class)}
    classes = set(current) | set(targets)
    rows = [Drift(c, current.get(c, 0.0), targets.get(c, 0.0)) for c in classes]
    return sorted(rows, key=lambda d: (-abs(d.drift), d.asset_class))


def rebalancing_trades(valuation: Valuation, targets: Mapping[str, float], *, min_amount: float = 1.0) -> list[Trade]:
    """Trades that bring each asset class to its target weight at today's total value.

    Within a class the amount is split across its positions in proportion to their value; a target
    class with no position gets one trade on the class itself (no symbol is invented).
    """
    if not targets or not valuation.total_value:
        return []
    trades: list[Trade] = []
    for row in drift(valuation, targets):
        amount = -row.drift * valuation.total_value
        if abs(amount) < min_amount:
            continue
        members = [p for p in valuation.positions if (p.holding.asset_class or "Unclassified") == row.asset_class]
        class_value = sum(p.market_value for p in members)
        if not members or not class_value:
            trades.append(Trade("", row.asset_class, amount, None))
            continue
        by_symbol: dict[str, tuple[float, float]] = {}
        for p in members:
            value, _ = by_symbol.get(p.holding.symbol, (0.0, p.price))
            by_symbol[p.holding.symbol] = (value + p.market_value, p.price)
        for symbol, (value, price) in sorted(by_symbol.items(), key=lambda item: -item[1][0]):
            share = amount * value / class_value
            trades.append(Trade(symbol, row.asset_class, share, share / price))
    return trades
