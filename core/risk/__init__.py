"""Risk figures from daily price history: volatility, drawdown, VaR, diversification, beta."""

from core.risk.metrics import (
    TRADING_DAYS,
    RiskFigures,
    aligned_closes,
    annualised_volatility,
    beta,
    correlation_summary,
    daily_returns,
    historical_var,
    max_drawdown,
    portfolio_risk,
    value_series,
)

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
