"""Turn metrics: per-turn records, the dashboard for a period, its chart, prices, token counts, observers."""

from core.metrics.dashboard import Dashboard, DashboardQuery, SeriesPoint, StrategyShare
from core.metrics.observer import ObserverList, TurnObserver, error_kind
from core.metrics.percentiles import percentiles
from core.metrics.periods import PERIODS, parse_period
from core.metrics.prices import DEFAULT_PRICES, ModelPrice, PriceTable
from core.metrics.record import build_turn_record
from core.metrics.reports import MetricsReport, MetricsReports
from core.metrics.summary import headline, summary_rows
from core.metrics.tokens import count_tokens

__all__ = [
    "DEFAULT_PRICES",
    "PERIODS",
    "Dashboard",
    "DashboardQuery",
    "MetricsReport",
    "MetricsReports",
    "ModelPrice",
    "ObserverList",
    "PriceTable",
    "SeriesPoint",
    "StrategyShare",
    "TurnObserver",
    "build_turn_record",
    "count_tokens",
    "error_kind",
    "headline",
    "parse_period",
    "percentiles",
    "summary_rows",
]
