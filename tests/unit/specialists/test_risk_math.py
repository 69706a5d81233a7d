"""Risk figures on a five-day series; the expected numbers are worked out by hand in the comments.

Asset X returns r = +2%, -1%, +3%, -4%, +1% (mean 0.2%); benchmark returns b = +1%, -1%, +2%, -3%, +1% (mean 0).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from core.market.feed import DailyHistory
from core.risk import annualised_volatility, beta, correlation_summary, historical_var, max_drawdown, portfolio_risk

R = np.array([0.02, -0.01, 0.03, -0.04, 0.01])
B = np.array([0.01, -0.01, 0.02, -0.03, 0.01])


def _values(returns: np.ndarray, start: float = 100.0) -> list[float]:
    values = [start]
    for r in returns:
        values.append(values[-1] * (1 + r))
    return values


def _history(symbol: str, values: list[float]) -> DailyHistory:
    days = tuple(date(2026, 11, 2) + timedelta(days=i) for i in range(len(values)))
    return DailyHistory(symbol, days, tuple(values))


def test_annualised_volatility() -> None:
    # deviations .018 -.012 .028 -.042 .008; squares sum .00308; / 4 = .00077; sqrt = .0277489 x sqrt(252)
    assert round(annualised_volatility(R), 4) == 0.4405


def test_max_drawdown_from_the_running_peak() -> None:
    # peak 104.0094 (after +2%, -1%, +3%), trough 99.849024 (-4%): -4.00%
    assert round(max_drawdown(np.array(_values(R))), 4) == -0.0400


def test_historical_var_95_interpolates_the_5th_percentile() -> None:
    # sorted -.04 -.01 .01 .02 .03; position 0.05 x 4 = 0.2: -.04 + 0.2 x .03 = -.034 -> VaR 3.40%
    assert round(historical_var(R), 4) == 0.0340


def test_beta_against_the_benchmark() -> None:
    # cov = (.018x.01 + .012x.01 + .028x.02 + .042x.03 + .008x.01) / 4 = .00055; var(b) = .0016 / 4 = .0004
    assert round(beta(R, B), 4) == 1.3750


def test_correlation_and_diversification_ratio() -> None:
    average, ratio = correlation_summary(np.column_stack([R, B]), np.array([0.5, 0.5]))
    # corr = .00055 / (.0277489 x .02) = .99103
    assert round(average, 4) == 0.9910
    # (0.5 x .0277489 + 0.5 x .02) / sqrt(.25 x .00077 + .25 x .0004 + 2 x .25 x .00055) = .0238744 / .0238223
    assert round(ratio, 4) == 1.0022


def test_portfolio_risk_of_a_single_symbol_against_its_benchmark() -> None:
    histories = {"X": _history("X", _values(R)), "SPY": _history("SPY", _values(B))}
    figures = portfolio_risk(histories, {"X": 3.0}, benchmark="SPY", window=252)
    assert figures is not None
    assert figures.observations == 5
    assert round(figures.volatility, 4) == 0.4405
    assert round(figures.var_95, 4) == 0.0340
    assert round(figures.beta or 0, 4) == 1.3750
    # 3 shares x 100.84751424 = 302.54: VaR amount 3.4% of it
    assert round(figures.current_value, 2) == 302.54
    assert round(figures.var_95_amount, 2) == 10.29
    assert figures.average_correlation is None  # one holding: no diversification figures


def test_portfolio_risk_uses_the_last_window_days_on_common_dates() -> None:
    x = _history("X", _values(R))
    short = DailyHistory("Y", x.days[2:], tuple(v * 2 for v in x.closes[2:]))
    figures = portfolio_risk({"X": x, "Y": short}, {"X": 1.0, "Y": 1.0}, window=2)
    assert figures is not None
    assert figures.start == x.days[3] and figures.end == x.days[5] and figures.observations == 2


def test_not_enough_history_gives_none() -> None:
    assert portfolio_risk({"X": _history("X", [100.0, 101.0])}, {"X": 1.0}) is None
    assert portfolio_risk({}, {"X": 1.0}) is None
