"""`finbot metrics`: the dashboard as a terminal table, and `--chart out.png` writes the chart."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from core.metrics.summary import fmt_ms
from core.store import Database
from core.store.models import utcnow
from tests.integration.test_metrics_dashboard import seed, seeded_turns

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def seeded_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list:
    data = tmp_path / "data"
    monkeypatch.setenv("FINBOT_DATA_DIR", str(data))
    turns = seeded_turns(80, seed=11, now=utcnow())

    async def fill() -> None:
        db = Database(f"sqlite:///{data / 'finbot.db'}")
        await db.upgrade_schema()
        await seed(db, turns)
        await db.dispose()

    asyncio.run(fill())
    return turns


def test_metrics_prints_the_dashboard_and_writes_the_chart(
    seeded_data_dir: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "out" / "chart.png"
    assert main(["metrics", "--period", "24h", "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    latencies = [t.latency_ms for t in seeded_data_dir[:80]]  # the rest are older than a day
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
    assert "Turns" in out and " 80 " in out
    assert f"{fmt_ms(p50)} / {fmt_ms(p95)} / {fmt_ms(p99)}" in out
    assert "Escalation rate" in out and "Thumbs up" in out
    data = chart.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000


def test_metrics_json(seeded_data_dir: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", "--period", "7d", "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    week_ago = utcnow() - timedelta(days=7)
    assert board["period"] == "7d"
    assert board["turns"] == sum(1 for t in seeded_data_dir if t.created_at > week_ago) > 80
    assert len(board["series"]) == 28  # 6-hour buckets


def test_a_bad_period_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["metrics", "--period", "fortnight"])
    assert "1h, 24h, 7d, 30d" in capsys.readouterr().err
