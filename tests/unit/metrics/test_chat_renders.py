"""The dashboard rendered for chat: Slack Block Kit limits, the Teams card and its inline chart."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from adapters.slack.listeners.metrics_command import metrics_blocks
from adapters.teams.metrics_command import MAX_CARD_BYTES, metrics_card
from core.metrics import Dashboard, MetricsReport, StrategyShare, headline, summary_rows
from core.metrics.chart import render_chart
from core.metrics.dashboard import SeriesPoint
from core.store.models import utcnow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report() -> MetricsReport:
    return _report()


def _report(dpi: int = 60) -> MetricsReport:
    until = utcnow()
    board = Dashboard(
        period="24h", since=until - timedelta(hours=24), until=until, turns=120, unique_users=14, conversations=30,
        latency_avg_ms=1450.0, latency_p50_ms=1200.0, latency_p95_ms=3900.0, latency_p99_ms=7200.0,
        ttft_p50_ms=420.0, ttft_p95_ms=1100.0, tokens_in=150_000, tokens_out=12_000, cost_usd=0.0297,
        escalations=6, low_confidence=9, fallbacks=4, thumbs_up=17, rated=20, time_to_claim_p50_s=240.0,
        strategies=[StrategyShare("llm", 100, 100 / 120, 0), StrategyShare("extractive", 20, 20 / 120, 4)],
        top_routes=[("knowledge", 90), ("portfolio", 30)],
        series=[SeriesPoint(until - timedelta(hours=24 - h), 5, 1000.0 + h, 3000.0, 6000.0) for h in range(24)],
    )
    return MetricsReport(board, headline(board), summary_rows(board), render_chart(board, dpi=dpi))


def test_summary_words_the_figures(report: MetricsReport) -> None:
    rows = dict(report.rows)
    assert rows["Turns"] == "120"
    assert rows["Latency p50 / p95 / p99"] == "1.20 s / 3.90 s / 7.20 s"
    assert rows["Cost per conversation"] == "$0.0010"
    assert rows["Escalation rate"] == "5.0%"
    assert rows["Time to claim p50"] == "4.0 min"
    assert rows["Thumbs up"] == "85.0% of 20 rated"
    assert rows["Answered by"].startswith("llm 83.3% (fallback 0.0%), extractive 16.7% (fallback 20.0%)")


def test_slack_blocks_respect_section_field_limits(report: MetricsReport) -> None:
    blocks = metrics_blocks(report)
    sections = [b for b in blocks if b["type"] == "section"]
    assert all(len(s["fields"]) <= 10 for s in sections)
    assert sum(len(s["fields"]) for s in sections) == len(report.rows)
    assert blocks[0]["text"]["text"] == "finbot metrics: last 24h"


def test_teams_card_has_the_facts_and_an_inline_png_under_the_size_limit(report: MetricsReport) -> None:
    card = metrics_card(report)
    facts = {f["title"]: f["value"] for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]}
    assert facts["Turns"] == "120" and facts["Latency p50 / p95 / p99"] == "1.20 s / 3.90 s / 7.20 s"
    image = next(b for b in card["body"] if b["type"] == "Image")
    assert image["url"].startswith("data:image/png;base64,")
    assert base64.b64decode(image["url"].split(",", 1)[1]).startswith(PNG_MAGIC)
    assert card["version"] == "1.5" and len(json.dumps(card).encode()) < MAX_CARD_BYTES


def test_teams_card_without_chart_points_at_the_cli(report: MetricsReport) -> None:
    card = metrics_card(report, with_chart=False)
    assert not any(b["type"] == "Image" for b in card["body"])
    assert "finbot metrics --chart" in json.dumps(card)
