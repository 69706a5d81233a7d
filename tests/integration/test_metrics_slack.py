"""Slack, over real HTTP: `/finbot-metrics` for admins (figures + PNG upload), a refusal for others,
and a thumbs-down click landing on the right turn."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import numpy as np
import pytest

from bot.server import RunningServer, start_server
from core.metrics.summary import fmt_ms
from core.store import MetricsStore
from core.store.models import TurnMetricRow, utcnow
from tests.conftest import SettingsFactory
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_api import SlackCall
from tests.fakes.slack_signing import FORM, assistant_thread_payload, block_actions_body, signed_headers
from tests.fakes.slack_signing import slash_command_body as command_body
from tests.integration.test_metrics_dashboard import seeded_turns

SECRET = "metrics-signing-secret"
ADMIN = "U-ADMIN"


@dataclass
class Harness:
    server: RunningServer
    fake: FakeSlackWebAPI
    http: aiohttp.ClientSession

    async def post(self, body: str, content_type: str) -> tuple[int, str]:
        headers = signed_headers(body, SECRET, content_type=content_type)
        async with self.http.post(self.server.url + "/slack/events", data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    async def command(self, text: str, *, user: str, channel: str) -> tuple[int, str]:
        return await self.post(command_body("/finbot-metrics", text, user_id=user, channel_id=channel), FORM)

    async def wait(self, method: str, channel: str | None = None) -> SlackCall:
        def done(call: SlackCall) -> bool:
            wanted = channel is None or channel in (call.args.get("channel"), call.args.get("channel_id"))
            return call.api_method == method and call.status is not None and wanted

        return await self.fake.wait_for(done, timeout=20)


@pytest.fixture
async def slack(make_settings: SettingsFactory) -> AsyncIterator[Harness]:
    async with FakeSlackWebAPI() as fake:
        settings = make_settings(
            SLACK_BOT_TOKEN="xoxb-metrics",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_BASE_URL=fake.url + "/api/",
            FINBOT_ADMINS=f"slack:T1:{ADMIN}, teams:tenant-1:aad-admin",
        )
        server = await start_server(settings, host="127.0.0.1", port=0)
        try:
            async with aiohttp.ClientSession() as http:
                yield Harness(server, fake, http)
        finally:
            await server.stop()


async def test_admin_gets_the_figures_and_the_chart_in_the_channel(slack: Harness) -> None:
    turns = seeded_turns(60, seed=5, now=utcnow())
    store = MetricsStore(slack.server.container.db)
    for turn in turns:
        await store.record(turn)
    latencies = [t.latency_ms for t in turns[:60]]

    status, body = await slack.command("24h", user=ADMIN, channel="C-ops")
    assert status == 200 and "Building the dashboard for the last 24h" in body

    complete = await slack.wait("files.completeUploadExternal", "C-ops")
    posted = slack.fake.calls("chat.postMessage")
    assert [c.args["channel"] for c in posted] == ["C-ops"]
    blocks = json.dumps(posted[0].json_arg("blocks"))
    assert "*Turns*\\n60" in blocks
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
    assert f"{fmt_ms(p50)} / {fmt_ms(p95)} / {fmt_ms(p99)}" in blocks
    assert "Escalation rate" in blocks and "Thumbs up" in blocks
    assert len(slack.fake.uploads) == 1 and slack.fake.uploads[0].is_png
    assert complete.json_arg("files")[0]["id"] == slack.fake.uploads[0].file_id


async def test_non_admin_is_refused_politely_with_no_figures(slack: Harness) -> None:
    status, body = await slack.command("24h", user="U-someone", channel="C-general")
    assert status == 200
    assert "only for finbot's administrators" in body
    assert "Turns" not in body and "latency" not in body.lower()
    # A later admin command, answered end to end, shows that nothing followed the refusal.
    await slack.command("", user=ADMIN, channel="C-ops")
    await slack.wait("files.completeUploadExternal", "C-ops")
    assert [c.args.get("channel") for c in slack.fake.calls("chat.postMessage")] == ["C-ops"]
    assert len(slack.fake.uploads) == 1


async def test_a_bad_period_gets_the_usage(slack: Harness) -> None:
    status, body = await slack.command("fortnight", user=ADMIN, channel="C-ops")
    assert status == 200 and "1h, 24h, 7d, 30d" in body


async def test_thumbs_down_click_is_stored_on_the_right_turn(slack: Harness) -> None:
    turn_ids = []
    for channel, question in (("D-1", "What are the trading hours?"), ("D-2", "How much does a domestic wire cost?")):
        await slack.post(json.dumps(assistant_thread_payload(question, user="U7", channel=channel)),
                         "application/json")
        stop = await slack.wait("chat.stopStream", channel)
        feedback = [e for b in stop.json_arg("blocks") if b["type"] == "context_actions" for e in b["elements"]]
        down = feedback[0]["negative_button"]["value"]  # Slack's own feedback buttons: "down:<turn id>"
        turn_ids.append(down.removeprefix("down:"))
    await slack.server.container.assistant.drain()

    click = block_actions_body(
        "finbot_feedback", f"down:{turn_ids[1]}", user_id="U7", channel_id="D-2", action_type="feedback_buttons"
    )
    status, _ = await slack.post(click, FORM)
    assert status == 200
    await slack.wait("chat.postEphemeral", "D-2")  # the thanks: the click has been handled
    async with slack.server.container.db.session() as session:
        clicked = await session.get(TurnMetricRow, turn_ids[1])
        other = await session.get(TurnMetricRow, turn_ids[0])
    assert clicked is not None and clicked.feedback == -1 and clicked.feedback_at is not None
    assert other is not None and other.feedback is None
