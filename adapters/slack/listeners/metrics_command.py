"""`/finbot-metrics [period]`: the dashboard for admins (FINBOT_ADMINS), as Block Kit plus the chart PNG.

Ack at once (the dashboard and chart take longer than Slack's 3 s); then post the summary into the channel
and upload the chart there with files_upload_v2. Anyone else gets a polite ephemeral refusal and no figures.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery import post_message
from adapters.slack.deps import SlackDeps
from core.metrics.reports import USAGE, MetricsReport, MetricsReports
from core.types import Person

__all__ = ["COMMAND", "REFUSAL", "handle_metrics_command", "metrics_blocks", "register"]

log = logging.getLogger(__name__)

COMMAND = "/finbot-metrics"
REFUSAL = "Sorry, the metrics dashboard is only for finbot's administrators. Ask one of them if you need figures."
OFF = "The metrics dashboard is not set up on this finbot."
FAILED = "Sorry, I couldn't build the dashboard just now. Please try again in a minute."
FIELDS_PER_SECTION = 10  # Block Kit's limit on a section's fields


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_metrics(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        await handle_metrics_command(ack, body, client, respond, deps.metrics)

    app.command(COMMAND)(on_metrics)


def metrics_blocks(report: MetricsReport) -> list[dict[str, Any]]:
    """A header, the figures as two-column section fields, and when the period starts and ends."""
    board = report.dashboard
    fields = [{"type": "mrkdwn", "text": f"*{label}*\n{value}"[:2000]} for label, value in report.rows]
    sections = [
        {"type": "section", "fields": fields[start : start + FIELDS_PER_SECTION]}
        for start in range(0, len(fields), FIELDS_PER_SECTION)
    ]
    span = f"{board.since:%Y-%m-%d %H:%M} - {board.until:%Y-%m-%d %H:%M} UTC"
    return [
        {"type": "header", "text": {"type": "plain_text", "text": f"finbot metrics: last {board.period}"}},
        *sections,
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{span}. Chart below."}]},
    ]


async def handle_metrics_command(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, reports: MetricsReports | None
) -> None:
    person = Person.of("slack", str(body.get("team_id") or ""), str(body.get("user_id") or ""))
    if reports is None:
        await ack(text=OFF)
        return
    if not reports.is_admin(person.id):
        log.info("metrics refused for %s (not in FINBOT_ADMINS)", person.id)
        await ack(text=REFUSAL)
        return
    try:
        period = reports.period_from(str(body.get("text") or ""))
    except ValueError:
        await ack(text=USAGE)
        return
    await ack(text=f":bar_chart: Building the dashboard for the last {period}...")
    try:
        report = await reports.report(period)
    except Exception:  # the edge: log, show a fixed message
        log.exception("metrics dashboard failed for %s", person.id)
        await respond(text=FAILED, response_type="ephemeral")
        return
    await _deliver(client, respond, str(body.get("channel_id") or ""), report)


async def _deliver(client: AsyncWebClient, respond: AsyncRespond, channel: str, report: MetricsReport) -> None:
    blocks = metrics_blocks(report)
    try:
        await post_message(client, channel, text=report.headline, blocks=blocks)
        await client.files_upload_v2(
            channel=channel,
            content=report.chart_png,
            filename=report.filename,
            title=f"finbot latency and turns, last {report.dashboard.period}",
        )
    except SlackApiError as exc:  # not in the channel: the figures privately, without the chart
        log.info("metrics not posted in %s: %s", channel, exc.response.get("error"))
        note = "_Invite me to this channel (`/invite @finbot`) to get the chart too._"
        await respond(text=report.headline, blocks=[*blocks, _context(note)], response_type="ephemeral")


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
