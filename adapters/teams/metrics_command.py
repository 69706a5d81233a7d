"""`metrics [period]` sent to finbot by an admin (FINBOT_ADMINS): an Adaptive Card with the dashboard's
figures and the chart inline as a `data:` URI image. Anyone else gets a polite refusal and no figures.

Teams keeps a message under 100 KB (80 KB to be safe, docs/platform-notes.md): the chart is drawn small, and
left out (with a note pointing at `finbot metrics --chart`) if it would still not fit.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from adapters.teams.actions import ActionResult, CommandHandler
from core.metrics.reports import USAGE, MetricsReport, MetricsReports
from core.types import IncomingMessage

__all__ = ["COMMAND", "REFUSAL", "metrics_answer", "metrics_card", "metrics_handler"]

log = logging.getLogger(__name__)

COMMAND = "metrics"
REFUSAL = "Sorry, the metrics dashboard is only for finbot's administrators. Ask one of them if you need figures."
OFF = "The metrics dashboard is not set up on this finbot."
FAILED = "Sorry, I couldn't build the dashboard just now. Please try again in a minute."
CHART_DPI = 60
MAX_CARD_BYTES = 80_000
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def metrics_card(report: MetricsReport, *, with_chart: bool = True) -> dict[str, Any]:
    """Adaptive Card 1.5: a title, a FactSet of the figures, the chart as an inline PNG."""
    board = report.dashboard
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": f"finbot metrics: last {board.period}", "size": "Large", "weight": "Bolder",
         "wrap": True},
        {"type": "TextBlock", "text": f"{board.since:%Y-%m-%d %H:%M} - {board.until:%Y-%m-%d %H:%M} UTC",
         "isSubtle": True, "spacing": "None", "wrap": True},
        {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in report.rows]},
    ]
    if with_chart:
        uri = "data:image/png;base64," + base64.b64encode(report.chart_png).decode("ascii")
        body.append({"type": "Image", "url": uri, "altText": "Latency p50/p95/p99 and turns over time",
                     "size": "Stretch"})
    else:
        body.append({"type": "TextBlock", "text": "_The chart is too large for a Teams card: run "
                     "`finbot metrics --chart out.png`._", "isSubtle": True, "wrap": True})
    return {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": "1.5", "body": body}


def _fits(card: dict[str, Any]) -> bool:
    return len(json.dumps(card).encode()) <= MAX_CARD_BYTES


async def metrics_answer(reports: MetricsReports | None, person_id: str, args: str) -> str | dict[str, Any]:
    """What to send back: a refusal / usage text, or the dashboard card."""
    if reports is None:
        return OFF
    if not reports.is_admin(person_id):
        log.info("metrics refused for %s (not in FINBOT_ADMINS)", person_id)
        return REFUSAL
    try:
        period = reports.period_from(args)
    except ValueError:
        return USAGE
    try:
        report = await reports.report(period, chart_dpi=CHART_DPI)
    except Exception:  # the edge: log, show a fixed message
        log.exception("metrics dashboard failed for %s", person_id)
        return FAILED
    card = metrics_card(report)
    return card if _fits(card) else metrics_card(report, with_chart=False)


def metrics_handler(reports: MetricsReports | None) -> CommandHandler:
    """The `metrics` text command for `TeamsApp.commands` (registered in bot/container.py)."""

    async def on_metrics(message: IncomingMessage, args: str) -> ActionResult:
        answer = await metrics_answer(reports, message.person.id, args)
        return ActionResult(text=answer) if isinstance(answer, str) else ActionResult(card=answer)

    return on_metrics
