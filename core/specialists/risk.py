"""The risk specialist: volatility, drawdown, VaR, diversification and beta of the person's holdings,
or of the symbols a question names."""

from __future__ import annotations

from core.portfolio.access import Owner
from core.risk import RiskFigures, portfolio_risk
from core.specialists.format import money, pct, ratio
from core.specialists.portfolio import NO_HOLDINGS
from core.specialists.types import SpecialistRequest, SpecialistResult, SpecialistServices, own_holdings
from core.types import Figure

__all__ = ["METHOD", "risk_specialist"]

METHOD = (
    "Method: daily returns; volatility annualised with the square root of 252 trading days; value at risk is "
    "the 1-day historical 95% level; beta and correlations come from the same daily returns."
)


async def risk_specialist(request: SpecialistRequest, services: SpecialistServices) -> SpecialistResult:
    result = SpecialistResult("risk")
    policy = services.policy
    if request.symbols:
        subjects = {s: {s: 1.0} for s in request.symbols}
        label = None
    else:
        owned = await _own_quantities(request, services)
        if owned is None:
            result.summary.append(NO_HOLDINGS)
            return result
        label = "the demo portfolio" if owned[0].is_demo else "your portfolio"
        subjects = {label: owned[1]}
    symbols = sorted({s for q in subjects.values() for s in q} | {policy.benchmark})
    # The whole stored history: the window is counted back from the newest close, not from today.
    histories = await services.market.history(symbols)
    rows: list[tuple[str, RiskFigures]] = []
    for name, quantities in subjects.items():
        figures = portfolio_risk(histories, quantities, benchmark=policy.benchmark, window=policy.risk_window)
        if figures is None:
            result.summary.append(f"I don't have enough price history for {name} to measure its risk.")
            continue
        rows.append((name, figures))
        sentences = _sentences(name, figures, policy.benchmark, own=name == label)
        result.summary.extend(sentences)
    if rows:
        result.facts.append(METHOD)
        result.figures.append(_table(rows, policy.benchmark, label))
    return result


async def _own_quantities(
    request: SpecialistRequest, services: SpecialistServices
) -> tuple[Owner, dict[str, float]] | None:
    owner, holdings = await own_holdings(request, services)
    if owner is None:
        return None
    quantities: dict[str, float] = {}
    for holding in holdings:
        quantities[holding.symbol] = quantities.get(holding.symbol, 0.0) + holding.quantity
    return owner, quantities


def _sentences(subject: str, f: RiskFigures, benchmark: str, *, own: bool) -> list[str]:
    window = f"Over {f.observations} trading days to {f.end.isoformat()}"
    lines = [
        f"{window}, {subject} had an annualised volatility of {pct(f.volatility)} and a maximum drawdown of "
        f"{pct(f.max_drawdown)}.",
        f"Its 1-day historical value at risk at 95% is {pct(f.var_95)}"
        + (f", about {money(f.var_95_amount)} of {money(f.current_value)}." if own else "."),
    ]
    if f.beta is not None:
        lines.append(f"Its beta against {benchmark} is {ratio(f.beta)}.")
    if f.average_correlation is not None and f.diversification_ratio is not None:
        lines.append(
            f"The average correlation between the holdings is {ratio(f.average_correlation)} and the "
            f"diversification ratio is {ratio(f.diversification_ratio)} (1.0000 would mean no diversification "
            f"benefit)."
        )
    return lines


def _table(rows: list[tuple[str, RiskFigures]], benchmark: str, label: str | None) -> Figure:
    return Figure(
        name=f"Risk (daily data, last {rows[0][1].observations} trading days)",
        columns=["Subject", "Volatility (ann.)", "Max drawdown", "1-day VaR 95%", f"Beta vs {benchmark}",
                 "Avg correlation", "Diversification ratio"],
        rows=[
            [
                name[0].upper() + name[1:] if name == label else name,
                pct(f.volatility),
                pct(f.max_drawdown),
                pct(f.var_95),
                ratio(f.beta) if f.beta is not None else "n/a",
                ratio(f.average_correlation) if f.average_correlation is not None else "n/a",
                ratio(f.diversification_ratio) if f.diversification_ratio is not None else "n/a",
            ]
            for name, f in rows
        ],
    )
