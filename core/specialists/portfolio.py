"""The portfolio specialist: the person's holdings valued at the latest prices, and what they add up to."""

from __future__ import annotations

import re
from datetime import datetime

from core.portfolio.access import Owner
from core.portfolio.analysis import (
    Allocation,
    Drift,
    Trade,
    Valuation,
    allocation,
    concentration,
    drift,
    rebalancing_trades,
    value_positions,
)
from core.specialists.format import age_words, money, pct, ratio, shares, signed_money, signed_pct, when
from core.specialists.types import SpecialistRequest, SpecialistResult, SpecialistServices, own_holdings
from core.types import Figure

__all__ = ["NO_HOLDINGS", "portfolio_specialist"]

NO_HOLDINGS = (
    "I don't have any holdings on file for you, so I can't compute portfolio figures. "
    "An advisor can load your holdings for you."
)
# Trades are shown when asked for (a change to the mix), not for a question about the drift itself: an
# illustrated trade makes the answer a recommendation, which then carries the disclaimer.
_REBALANCE = re.compile(
    r"\b(rebalanc\w*|realloc\w*|trades?|back to|(into|out of) (bonds|stocks|equities|cash))\b", re.I
)
_SECTOR = re.compile(r"\b(sectors?|industr\w*|tech\w*|exposure)\b", re.I)


async def portfolio_specialist(request: SpecialistRequest, services: SpecialistServices) -> SpecialistResult:
    result = SpecialistResult("portfolio")
    owner, holdings = await own_holdings(request, services)
    if owner is None:
        result.summary.append(NO_HOLDINGS)
        return result
    quotes = await services.market.latest(sorted({h.symbol for h in holdings}))
    valuation = value_positions(holdings, quotes)
    targets = await services.holdings.targets(owner.id)
    wants_trades = bool(_REBALANCE.search(request.question)) and bool(targets)

    oldest = min((quotes[p.holding.symbol].as_of for p in valuation.positions), default=None)
    result.summary.extend(_headline(valuation, owner, oldest, request, services))
    by_class = allocation(valuation, lambda h: h.asset_class)
    by_sector = allocation(valuation, lambda h: h.sector)
    drifts = drift(valuation, targets) if targets else []
    result.summary.extend(_shape(valuation, by_class, drifts))
    result.facts.extend(_position_facts(valuation))
    result.facts.append("By sector: " + _weights(by_sector) + ".")
    result.facts.extend(
        f"{d.asset_class} is {pct(d.current)} of the portfolio against a {pct(d.target)} target "
        f"(drift {signed_pct(d.drift)})." for d in drifts
    )
    result.figures.append(_holdings_table(valuation))
    result.figures.append(_class_table(by_class, drifts))
    if _SECTOR.search(request.question):
        result.figures.append(_simple_table("Allocation by sector", "Sector", by_sector))
    if wants_trades:
        trades = rebalancing_trades(valuation, targets)
        result.summary.extend(_trade_sentences(trades))
        result.figures.append(_trades_table(trades))
        result.advice = True
    return result


def _headline(
    valuation: Valuation,
    owner: Owner,
    oldest: datetime | None,
    request: SpecialistRequest,
    services: SpecialistServices,
) -> list[str]:
    whose = "The demo portfolio (sample data)" if owner.is_demo else "Your portfolio"
    if not valuation.positions or oldest is None:
        return [f"{whose} has holdings, but I have no price for any of them, so I can't value it."]
    freshness = f"at prices as of {when(oldest)}"
    if request.now - oldest > services.policy.stale_after:
        freshness += f" ({age_words(request.now - oldest)})"
    lines = [f"{whose} is worth {money(valuation.total_value)} {freshness}."]
    if valuation.gain_pct is not None:
        lines.append(
            f"That is an unrealised {'gain' if valuation.gain >= 0 else 'loss'} of {signed_money(valuation.gain)} "
            f"({signed_pct(valuation.gain_pct)}) on a cost of {money(valuation.total_cost)}."
        )
    if valuation.day_change is not None and valuation.day_change_pct is not None:
        lines.append(
            f"Since the previous close it moved {signed_money(valuation.day_change)} "
            f"({signed_pct(valuation.day_change_pct)})."
        )
    missing = sorted({h.symbol for h in valuation.unpriced})
    if missing:
        lines.append(f"I have no price for {', '.join(missing)}, so it is left out of these totals.")
    return lines


def _shape(valuation: Valuation, by_class: list[Allocation], drifts: list[Drift]) -> list[str]:
    lines: list[str] = []
    conc = concentration(valuation)
    if conc is not None:
        lines.append(
            f"The largest position is {conc.largest} at {pct(conc.largest_weight)} of the portfolio; the "
            f"concentration index (HHI) is {ratio(conc.hhi)}, like holding {conc.effective_positions:.1f} "
            f"equal positions."
        )
    if by_class:
        lines.append("By asset class: " + _weights(by_class) + ".")
    if drifts and abs(drifts[0].drift) >= 0.0001:
        d = drifts[0]
        lines.append(
            f"The biggest drift from your target allocation is {d.asset_class}: {pct(d.current)} against a "
            f"{pct(d.target)} target (drift {signed_pct(d.drift)})."
        )
    return lines


def _weights(rows: list[Allocation]) -> str:
    return ", ".join(f"{a.key} {pct(a.weight)}" for a in rows)


def _position_facts(valuation: Valuation) -> list[str]:
    facts = []
    total = valuation.total_value or 1.0
    for p in valuation.positions:
        h = p.holding
        gain = f", {'gain' if p.gain >= 0 else 'loss'} {signed_money(p.gain)}"
        if p.gain_pct is not None:
            gain += f" ({signed_pct(p.gain_pct)})"
        facts.append(
            f"{h.symbol} ({h.name or h.symbol}, {h.account or 'account'}): {shares(h.quantity)} shares at "
            f"{money(p.price)} = {money(p.market_value)}, {pct(p.market_value / total)} of the portfolio{gain}."
        )
    return facts


def _trade_sentences(trades: list[Trade]) -> list[str]:
    if not trades:
        return ["Your portfolio is already at its target allocation, so no trades are needed."]
    parts = []
    for t in trades:
        what = t.symbol or f"{t.asset_class} (you hold none yet)"
        parts.append(f"{'buy' if t.amount > 0 else 'sell'} {money(abs(t.amount))} of {what}")
    return [
        "Illustration only, not an order: to return to your target allocation at today's prices you would "
        + "; ".join(parts) + "."
    ]


def _holdings_table(valuation: Valuation) -> Figure:
    total = valuation.total_value or 1.0
    rows = [
        [
            p.holding.account,
            p.holding.symbol,
            shares(p.holding.quantity),
            money(p.price),
            money(p.market_value),
            pct(p.market_value / total),
            signed_money(p.gain),
        ]
        for p in sorted(valuation.positions, key=lambda p: -p.market_value)
    ]
    rows += [[h.account, h.symbol, shares(h.quantity), "no price", "n/a", "n/a", "n/a"] for h in valuation.unpriced]
    return Figure(
        name="Holdings",
        columns=["Account", "Symbol", "Quantity", "Price", "Value", "Weight", "Gain/loss"],
        rows=rows,
    )


def _class_table(by_class: list[Allocation], drifts: list[Drift]) -> Figure:
    if not drifts:
        return _simple_table("Allocation by asset class", "Asset class", by_class)
    values = {a.key: a.value for a in by_class}
    return Figure(
        name="Allocation by asset class",
        columns=["Asset class", "Value", "Weight", "Target", "Drift"],
        rows=[
            [d.asset_class, money(values.get(d.asset_class, 0.0)), pct(d.current), pct(d.target), signed_pct(d.drift)]
            for d in sorted(drifts, key=lambda d: -d.current)
        ],
    )


def _simple_table(name: str, label: str, rows: list[Allocation]) -> Figure:
    rows_text = [[a.key, money(a.value), pct(a.weight)] for a in rows]
    return Figure(name=name, columns=[label, "Value", "Weight"], rows=rows_text)


def _trades_table(trades: list[Trade]) -> Figure:
    return Figure(
        name="Illustrative rebalancing trades (not orders)",
        columns=["Action", "Symbol", "Asset class", "Amount", "Approx. shares"],
        rows=[
            [
                "Buy" if t.amount > 0 else "Sell",
                t.symbol or "-",
                t.asset_class,
                money(abs(t.amount)),
                shares(abs(t.shares)) if t.shares is not None else "-",
            ]
            for t in trades
        ],
    )
