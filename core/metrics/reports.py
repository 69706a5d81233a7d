"""The dashboard as a ready report for chat surfaces (`/finbot-metrics`, Teams `metrics`): admins only.

Platform-neutral: the adapters ask `is_admin(person_id)` with finbot person ids (`slack:T1:U123`,
`teams:tenant:aad-id`, as in FINBOT_ADMINS), then render `MetricsReport` in Block Kit or an Adaptive Card.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from core.metrics.dashboard import Dashboard, DashboardQuery
from core.metrics.periods import PERIODS, parse_period
from core.metrics.summary import headline, summary_rows

__all__ = ["DEFAULT_PERIOD", "MetricsReport", "MetricsReports", "USAGE"]

DEFAULT_PERIOD = "24h"
USAGE = f"Give a period after the command: one of {', '.join(PERIODS)} (default {DEFAULT_PERIOD})."


@dataclass(frozen=True, slots=True)
class MetricsReport:
    dashboard: Dashboard
    headline: str
    rows: list[tuple[str, str]]
    """(label, value) figures in reading order."""
    chart_png: bytes
    """Latency percentiles and turns over the period (matplotlib, PNG)."""

    @property
    def filename(self) -> str:
        return f"finbot-metrics-{self.dashboard.period}.png"


class MetricsReports:
    def __init__(self, query: DashboardQuery, *, admins: Iterable[str]) -> None:
        self._query = query
        self._admins = frozenset(a.strip() for a in admins if a.strip())

    def is_admin(self, person_id: str) -> bool:
        return person_id in self._admins

    @staticmethod
    def period_from(text: str) -> str:
        """The period a command asked for ('' -> 24h); ValueError (with USAGE's wording) when unknown."""
        period = (text or "").strip().lower() or DEFAULT_PERIOD
        parse_period(period)
        return period

    async def report(self, period: str = DEFAULT_PERIOD, *, chart_dpi: int = 100) -> MetricsReport:
        """The dashboard and its chart; a lower `chart_dpi` keeps the PNG small (inline card images)."""
        from core.metrics.chart import render_chart  # matplotlib loads on the first report only

        board = await self._query.compute(period)
        png = await asyncio.to_thread(render_chart, board, dpi=chart_dpi)
        return MetricsReport(dashboard=board, headline=headline(board), rows=summary_rows(board), chart_png=png)
