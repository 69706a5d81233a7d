"""The dashboard for a period: what the people who run finbot want to know, from `turn_metrics`.

Counts and sums are SQL aggregates; percentiles and the chart's time series come from the period's
latencies fetched once and computed in `core.metrics.percentiles` (one method on SQLite and PostgreSQL).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.metrics.escalations import time_to_claim_p50, unrouted_requests
from core.metrics.percentiles import percentiles
from core.metrics.periods import bucket_for, parse_period
from core.store.db import Database
from core.store.models import TurnMetricRow, utcnow

__all__ = ["Dashboard", "DashboardQuery", "SeriesPoint", "StrategyShare"]

TOP_ROUTES = 5


@dataclass(frozen=True, slots=True)
class StrategyShare:
    strategy: str
    turns: int
    share: float
    """Of all turns in the period."""
    fallbacks: int
    """Turns this strategy answered after an earlier step of the fallback chain failed."""

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.turns if self.turns else 0.0


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    start: datetime
    turns: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


@dataclass(slots=True)
class Dashboard:
    period: str
    since: datetime
    until: datetime
    turns: int = 0
    unique_users: int = 0
    conversations: int = 0
    latency_avg_ms: float | None = None
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    latency_p99_ms: float | None = None
    ttft_p50_ms: float | None = None
    ttft_p95_ms: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    escalations: int = 0
    low_confidence: int = 0
    fallbacks: int = 0
    guard_blocked: int = 0
    """Answers the answer guard blocked (each such turn is handed to an advisor)."""
    thumbs_up: int = 0
    rated: int = 0
    time_to_claim_p50_s: float | None = None
    """None when there is no escalations table or no claimed escalation in the period (shown as n/a)."""
    unrouted: int | None = None
    """Hand-over requests no advisor desk could take (None: no escalations table)."""
    strategies: list[StrategyShare] = field(default_factory=list)
    top_routes: list[tuple[str, int]] = field(default_factory=list)
    series: list[SeriesPoint] = field(default_factory=list)

    def _rate(self, part: int) -> float | None:
        return part / self.turns if self.turns else None

    @property
    def cost_per_conversation(self) -> float | None:
        return self.cost_usd / self.conversations if self.conversations else None

    @property
    def escalation_rate(self) -> float | None:
        return self._rate(self.escalations)

    @property
    def low_confidence_rate(self) -> float | None:
        return self._rate(self.low_confidence)

    @property
    def fallback_rate(self) -> float | None:
        return self._rate(self.fallbacks)

    @property
    def thumbs_up_share(self) -> float | None:
        return self.thumbs_up / self.rated if self.rated else None


def _count_true(column: Any) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((column.is_(True), 1), else_=0)), 0)


class DashboardQuery:
    """Reads the dashboard for a period from the database (SQLite or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def compute(self, period: str = "24h", *, now: datetime | None = None) -> Dashboard:
        """The dashboard for the `period` ("1h", "24h", "7d", "30d") ending at `now` (default: now)."""
        span = parse_period(period)
        until = now or utcnow()
        since = until - span
        board = Dashboard(period=period.strip().lower(), since=since, until=until)
        window = (TurnMetricRow.created_at >= since, TurnMetricRow.created_at < until)
        async with self._db.session() as session:
            totals = [v or 0 for v in (await session.execute(_totals_query().where(*window))).one()]
            board.turns, board.unique_users, board.conversations, board.tokens_in, board.tokens_out = (
                int(v) for v in totals[:5]
            )
            board.cost_usd = float(totals[5])
            (board.escalations, board.low_confidence, board.fallbacks, board.guard_blocked, board.thumbs_up,
             board.rated) = (int(v) for v in totals[6:])
            board.strategies = await _strategies(session, window, board.turns)
            board.top_routes = await _top_routes(session, window)
            samples = (
                await session.execute(
                    select(TurnMetricRow.created_at, TurnMetricRow.latency_ms, TurnMetricRow.ttft_ms).where(*window)
                )
            ).all()
            board.time_to_claim_p50_s = await time_to_claim_p50(session, since=since, until=until)
            board.unrouted = await unrouted_requests(session, since=since, until=until)
        _fill_latencies(board, samples)
        board.series = _series(samples, since=since, span=span)
        return board


async def _strategies(session: AsyncSession, window: tuple[Any, ...], turns: int) -> list[StrategyShare]:
    rows = await session.execute(
        select(TurnMetricRow.strategy, func.count(), _count_true(TurnMetricRow.fallback))
        .where(*window)
        .group_by(TurnMetricRow.strategy)
    )
    shares = [StrategyShare(s or "-", int(n), int(n) / turns if turns else 0.0, int(fb)) for s, n, fb in rows]
    return sorted(shares, key=lambda s: (-s.turns, s.strategy))


async def _top_routes(session: AsyncSession, window: tuple[Any, ...]) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(TurnMetricRow.route, func.count())
        .where(*window, TurnMetricRow.route.is_not(None), TurnMetricRow.route != "")  # greetings, memory: no route
        .group_by(TurnMetricRow.route)
        .order_by(func.count().desc(), TurnMetricRow.route)
        .limit(TOP_ROUTES)
    )
    return [(route, int(n)) for route, n in rows]


def _totals_query() -> Any:
    row = TurnMetricRow
    return select(
        func.count(),
        func.count(func.distinct(row.user_id)),
        func.count(func.distinct(row.conversation_key)),
        func.coalesce(func.sum(row.tokens_in), 0),
        func.coalesce(func.sum(row.tokens_out), 0),
        func.coalesce(func.sum(row.cost_usd), 0.0),
        _count_true(row.escalated),
        _count_true(row.low_confidence),
        _count_true(row.fallback),
        _count_true(row.guard_blocked),
        func.coalesce(func.sum(case((row.feedback > 0, 1), else_=0)), 0),
        func.count(row.feedback),
    )


def _fill_latencies(board: Dashboard, samples: Sequence[Any]) -> None:
    latencies = [float(s.latency_ms) for s in samples]
    ttfts = [float(s.ttft_ms) for s in samples if s.ttft_ms is not None]
    board.latency_avg_ms = sum(latencies) / len(latencies) if latencies else None
    board.latency_p50_ms, board.latency_p95_ms, board.latency_p99_ms = percentiles(latencies, (50, 95, 99))
    board.ttft_p50_ms, board.ttft_p95_ms = percentiles(ttfts, (50, 95))


def _series(samples: Sequence[Any], *, since: datetime, span: timedelta) -> list[SeriesPoint]:
    """Turns and latency percentiles per bucket over the period (empty buckets included, for the chart)."""
    bucket = bucket_for(span)
    count = max(1, math.ceil(span / bucket))
    buckets: list[list[float]] = [[] for _ in range(count)]
    for sample in samples:
        index = min(count - 1, max(0, int((sample.created_at - since) / bucket)))
        buckets[index].append(float(sample.latency_ms))
    points = []
    for index, values in enumerate(buckets):
        p50, p95, p99 = percentiles(values, (50, 95, 99))
        points.append(SeriesPoint(since + index * bucket, len(values), p50, p95, p99))
    return points
