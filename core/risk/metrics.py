"""Risk as pure numpy functions over daily closes.

Conventions (stated in every answer that uses them): simple daily returns; volatility is the sample
standard deviation (ddof=1) times sqrt(252); maximum drawdown is the worst fall from a running peak
of the value series; 1-day historical VaR at 95% is minus the 5th percentile (linear interpolation)
of daily returns; beta is cov(r, r_benchmark) / var(r_benchmark) (both ddof=1). A portfolio's series
is the value of today's quantities over the window (buy-and-hold of the current holdings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from core.market.feed import DailyHistory

__all__ = [
    "TRADING_DAYS",
    "RiskFigures",
    "aligned_closes",
    "annualised_volatility",
    "beta",
    "correlation_summary",
    "daily_returns",
    "historical_var",
    "max_drawdown",
    "portfolio_risk",
    "value_series",
]

TRADING_DAYS = 252


def daily_returns(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    returns: np.ndarray = values[1:] / values[:-1] - 1
    return returns


def annualised_volatility(returns: np.ndarray) -> float:
    return float(np.std(returns, ddof=1) * np.sqrt(TRADING_DAYS))


def max_drawdown(values: np.ndarray) -> float:
    """The worst peak-to-trough fall as a negative fraction (0.0 when the series never fell)."""
    values = np.asarray(values, dtype=float)
    peaks = np.maximum.accumulate(values)
    return float(np.min(values / peaks - 1))


def historical_var(returns: np.ndarray, *, level: float = 0.95) -> float:
    """1-day historical value at risk as a positive fraction of value (a loss)."""
    return float(-np.percentile(returns, (1 - level) * 100))


def beta(returns: np.ndarray, benchmark_returns: np.ndarray) -> float:
    covariance = np.cov(returns, benchmark_returns, ddof=1)
    return float(covariance[0, 1] / covariance[1, 1])


def correlation_summary(asset_returns: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """(average pairwise correlation, diversification ratio) of assets' returns (columns).

    The diversification ratio is sum(w_i * vol_i) / vol_portfolio: 1.0 means no diversification
    benefit; higher means the holdings offset each other.
    """
    matrix = np.asarray(asset_returns, dtype=float)
    corr = np.corrcoef(matrix, rowvar=False)
    n = corr.shape[0]
    average = float((corr.sum() - n) / (n * (n - 1)))
    vols = np.std(matrix, axis=0, ddof=1)
    covariance = np.cov(matrix, rowvar=False, ddof=1)
    portfolio_vol = float(np.sqrt(weights @ covariance @ weights))
    return average, float(weights @ vols / portfolio_vol)


def aligned_closes(
    histories: Mapping[str, DailyHistory], symbols: Sequence[str], *, window: int
) -> tuple[list[date], np.ndarray]:
    """Closes of `symbols` on the days all of them traded, the last `window + 1` of them (rows = days)."""
    common = set.intersection(*(set(histories[s].days) for s in symbols))
    days = sorted(common)[-(window + 1) :]
    index = {s: dict(zip(histories[s].days, histories[s].closes, strict=True)) for s in symbols}
    matrix = np.array([[index[s][d] for s in symbols] for d in days], dtype=float)
    return days, matrix.reshape(len(days), len(symbols))


def value_series(closes: np.ndarray, quantities: np.ndarray) -> np.ndarray:
    series: np.ndarray = np.asarray(closes, dtype=float) @ np.asarray(quantities, dtype=float)
    return series


@dataclass(frozen=True, slots=True)
class RiskFigures:
    start: date
    end: date
    observations: int
    """Number of daily returns used."""
    volatility: float
    max_drawdown: float
    var_95: float
    current_value: float
    beta: float | None
    average_correlation: float | None
    diversification_ratio: float | None

    @property
    def var_95_amount(self) -> float:
        return self.var_95 * self.current_value


def portfolio_risk(
    histories: Mapping[str, DailyHistory],
    quantities: Mapping[str, float],
    *,
    benchmark: str | None = None,
    window: int = TRADING_DAYS,
) -> RiskFigures | None:
    """Risk of holding `quantities` over the last `window` trading days; None without enough history."""
    symbols = [s for s in quantities if s in histories]
    if not symbols:
        return None
    with_benchmark = symbols + ([benchmark] if benchmark and benchmark in histories and benchmark not in symbols
                                else [])
    days, closes = aligned_closes(histories, with_benchmark, window=window)
    if len(days) < 3:
        return None
    qty = np.array([quantities[s] for s in symbols], dtype=float)
    asset_closes = closes[:, : len(symbols)]
    values = value_series(asset_closes, qty)
    returns = daily_returns(values)
    bench_returns = None
    if benchmark and benchmark in histories:
        bench_returns = daily_returns(closes[:, with_benchmark.index(benchmark)])
    average_corr = ratio = None
    if len(symbols) > 1:
        weights = asset_closes[-1] * qty / values[-1]
        asset_returns = np.column_stack([daily_returns(asset_closes[:, i]) for i in range(len(symbols))])
        average_corr, ratio = correlation_summary(asset_returns, weights)
    return RiskFigures(
        start=days[0],
        end=days[-1],
        observations=len(returns),
        volatility=annualised_volatility(returns),
        max_drawdown=max_drawdown(values),
        var_95=historical_var(returns),
        current_value=float(values[-1]),
        beta=beta(returns, bench_returns) if bench_returns is not None else None,
        average_correlation=average_corr,
        diversification_ratio=ratio,
    )
