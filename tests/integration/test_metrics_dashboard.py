"""The dashboard on real databases: seeded turns -> the same figures on SQLite and PostgreSQL, numpy's percentiles."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Column, DateTime, MetaData, String, Table, insert, text

from core.metrics import DashboardQuery
from core.metrics.escalations import time_to_claim_p50
from core.store import Database, MetricsStore, TurnRecord

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
STRATEGIES = ("llm", "extractive", "template", "human")


def seeded_turns(count: int = 300, *, seed: int = 42, now: datetime = NOW) -> list[TurnRecord]:
    """`count` turns in the 24 hours before `now` with known latencies, plus 20 outside the window."""
    rng = random.Random(seed)
    turns = []
    for i in range(count + 20):
        inside = i < count
        age = timedelta(seconds=rng.uniform(1, 24 * 3600 - 1)) if inside else timedelta(hours=rng.uniform(25, 200))
        strategy = STRATEGIES[rng.randrange(4)] if inside else "llm"
        turns.append(
            TurnRecord(
                id=f"turn-{i:04d}",
                conversation_key=f"web:local:c{rng.randrange(60)}:-",
                user_id=f"web:local:u{rng.randrange(37)}",
                platform="web",
                latency_ms=round(rng.lognormvariate(7.0, 0.7), 3) if inside else 999_999.0,
                created_at=now - age,
                ttft_ms=round(rng.uniform(100, 2000), 3) if strategy == "llm" else None,
                tokens_in=rng.randrange(500, 3000) if strategy == "llm" else 0,
                tokens_out=rng.randrange(20, 400) if strategy == "llm" else 0,
                cost_usd=round(rng.uniform(0.0001, 0.002), 6) if strategy == "llm" else 0.0,
                model="gpt-4o-mini" if strategy == "llm" else "",
                route=rng.choice(["knowledge", "knowledge", "knowledge,portfolio", "market", ""]),
                strategy=strategy,
                confidence=rng.randrange(0, 101),
                low_confidence=rng.random() < 0.15,
                escalated=rng.random() < 0.1,
                fallback=strategy in ("extractive", "human") and rng.random() < 0.5,
            )
        )
    return turns


async def seed(db: Database, turns: list[TurnRecord], *, feedback: dict[str, int] | None = None) -> None:
    store = MetricsStore(db)
    for turn in turns:
        await store.record(turn)
    for turn_id, value in (feedback or {}).items():
        assert await store.set_feedback(turn_id, value)


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    sqlite = f"sqlite:///{tmp_path / 'metrics.db'}"
    url = sqlite if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = Database(url)
    await database.upgrade_schema()
    yield database
    await database.dispose()


async def test_dashboard_figures_and_percentiles_match_numpy(db: Database) -> None:
    turns = seeded_turns()
    inside = [t for t in turns if t.created_at > NOW - timedelta(hours=24)]
    feedback = {t.id: (1 if i % 3 else -1) for i, t in enumerate(inside[:45])}
    await seed(db, turns, feedback=feedback)

    board = await DashboardQuery(db).compute("24h", now=NOW)

    latencies = np.array([t.latency_ms for t in inside])
    ttfts = np.array([t.ttft_ms for t in inside if t.ttft_ms is not None])
    assert board.turns == len(inside) == 300
    assert [board.latency_p50_ms, board.latency_p95_ms, board.latency_p99_ms] == pytest.approx(
        np.percentile(latencies, [50, 95, 99]).tolist(), rel=1e-9
    )
    assert [board.ttft_p50_ms, board.ttft_p95_ms] == pytest.approx(np.percentile(ttfts, [50, 95]).tolist(), rel=1e-9)
    assert board.latency_avg_ms == pytest.approx(latencies.mean(), rel=1e-9)
    assert board.unique_users == len({t.user_id for t in inside})
    assert board.conversations == len({t.conversation_key for t in inside})
    assert board.tokens_in == sum(t.tokens_in for t in inside)
    assert board.tokens_out == sum(t.tokens_out for t in inside)
    assert board.cost_usd == pytest.approx(sum(t.cost_usd for t in inside))
    assert board.cost_per_conversation == pytest.approx(board.cost_usd / board.conversations)
    assert board.escalation_rate == pytest.approx(sum(t.escalated for t in inside) / 300)
    assert board.low_confidence_rate == pytest.approx(sum(t.low_confidence for t in inside) / 300)
    assert board.fallback_rate == pytest.approx(sum(t.fallback for t in inside) / 300)
    assert board.rated == 45 and board.thumbs_up_share == pytest.approx(30 / 45)
    by_strategy = {s.strategy: s for s in board.strategies}
    for name in STRATEGIES:
        mine = [t for t in inside if t.strategy == name]
        assert by_strategy[name].turns == len(mine)
        assert by_strategy[name].fallbacks == sum(t.fallback for t in mine)
    routes = Counter(t.route for t in inside if t.route)  # turns without a specialist (greetings) are no route
    assert all(route and route != "-" for route, _ in board.top_routes)
    assert board.top_routes == sorted(routes.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert sum(p.turns for p in board.series) == 300 and len(board.series) == 24
    assert board.time_to_claim_p50_s is None  # no escalation in this database


async def test_postgres_percentile_cont_agrees_with_the_dashboard(postgres_url: str) -> None:
    """The stated method (numpy 'linear') is PostgreSQL's own percentile_cont on the same rows."""
    db = Database(postgres_url)
    try:
        await db.upgrade_schema()
        await seed(db, seeded_turns(120, seed=3))
        board = await DashboardQuery(db).compute("24h", now=NOW)
        async with db.session() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) "
                        "FROM turn_metrics WHERE created_at >= :since AND created_at < :until"
                    ),
                    {"since": NOW - timedelta(hours=24), "until": NOW},
                )
            ).scalar_one()
    finally:
        await db.dispose()
    assert [board.latency_p50_ms, board.latency_p95_ms, board.latency_p99_ms] == pytest.approx(list(row), rel=1e-9)


async def test_periods_select_their_window(db: Database) -> None:
    recent = [
        TurnRecord(id=f"r{i}", conversation_key="k", user_id="u", platform="slack", latency_ms=100.0 * (i + 1),
                   created_at=NOW - timedelta(minutes=5 * i + 1))
        for i in range(6)  # within the last 30 minutes
    ]
    old = [
        TurnRecord(id=f"o{i}", conversation_key="k", user_id="u", platform="slack", latency_ms=5000.0,
                   created_at=NOW - timedelta(days=3, hours=i))
        for i in range(4)
    ]
    await seed(db, recent + old)
    query = DashboardQuery(db)
    one_hour = await query.compute("1h", now=NOW)
    week = await query.compute("7d", now=NOW)
    empty = await query.compute("1h", now=NOW + timedelta(days=1))
    assert one_hour.turns == 6 and one_hour.latency_p50_ms == pytest.approx(350.0)
    assert week.turns == 10 and week.latency_p99_ms == pytest.approx(np.percentile([r.latency_ms for r in recent] +
                                                                                   [5000.0] * 4, 99))
    assert empty.turns == 0 and empty.latency_p50_ms is None and empty.escalation_rate is None


async def test_time_to_claim_reads_the_escalations_table_when_present(tmp_path: Path) -> None:
    """Isolated from the escalation feature's model: only created_at / claimed_at are read."""
    db = Database(f"sqlite:///{tmp_path / 'esc.db'}")
    metadata = MetaData()
    escalations = Table(
        "escalations",
        metadata,
        Column("id", String(32), primary_key=True),
        Column("created_at", DateTime(timezone=True)),
        Column("claimed_at", DateTime(timezone=True), nullable=True),
    )
    try:
        async with db.session() as session:
            assert await time_to_claim_p50(session, since=NOW - timedelta(days=1), until=NOW) is None  # n/a
        async with db.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        waits = [30, 60, 90, 600]
        async with db.session() as session:
            rows = [
                {"id": f"e{i}", "created_at": NOW - timedelta(hours=i + 1),
                 "claimed_at": NOW - timedelta(hours=i + 1) + timedelta(seconds=w)}
                for i, w in enumerate(waits)
            ]
            rows.append({"id": "open", "created_at": NOW - timedelta(hours=2), "claimed_at": None})
            rows.append({"id": "old", "created_at": NOW - timedelta(days=3), "claimed_at": NOW - timedelta(days=2)})
            await session.execute(insert(escalations), rows)
        async with db.session() as session:
            p50 = await time_to_claim_p50(session, since=NOW - timedelta(days=1), until=NOW)
    finally:
        await db.dispose()
    assert p50 == pytest.approx(float(np.percentile(waits, 50)))
