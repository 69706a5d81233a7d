"""Slack Socket Mode (SLACK_APP_TOKEN), which firms behind a firewall use instead of a public URL: `finbot serve`
connects out to the fake Slack's WebSocket (handed out by `apps.connections.open`), acks every envelope, answers
once, and comes back after a `disconnect` envelope or a dropped connection.

Envelope shapes: docs.slack.dev/apis/events-api/using-socket-mode (events_api, slash_commands, interactive).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.server import RunningServer, start_server
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload, block_actions_payload, slash_command_body

WIRE = "How much does it cost to send an outgoing domestic wire?"


@pytest.fixture
async def socket_server(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> AsyncIterator[RunningServer]:
    server = await start_server(slack_settings(SLACK_APP_TOKEN="xapp-1-test"), host="127.0.0.1", port=0)
    try:
        await fake_slack.socket.wait_connected()
        yield server
    finally:
        await server.stop()


def _answers_in(fake: FakeSlackWebAPI, channel: str) -> int:
    return len([c for c in fake.calls("chat.stopStream") if c.args.get("channel") == channel])


async def test_events_are_acked_and_answered_once_even_when_slack_retries(
    socket_server: RunningServer, fake_slack: FakeSlackWebAPI
) -> None:
    opened = fake_slack.calls("apps.connections.open")
    assert opened and opened[0].token == "xapp-1-test"  # the app-level token, not the bot token
    event = assistant_thread_payload(WIRE, channel="D1")
    first = await fake_slack.socket.send("events_api", event)
    await fake_slack.socket.wait_ack(first)
    retry = await fake_slack.socket.send("events_api", event, retry_attempt=1)  # Slack did not see the ack
    await fake_slack.socket.wait_ack(retry)
    stop = await fake_slack.wait_for(lambda c: c.api_method == "chat.stopStream" and c.status is not None)
    assert stop.args["channel"] == "D1" and "$25" in fake_slack.stream_text()
    await socket_server.container.assistant.drain()
    marker = await fake_slack.socket.send("events_api", assistant_thread_payload("hello", channel="D-marker"))
    await fake_slack.socket.wait_ack(marker)
    await fake_slack.wait_for(lambda c: c.api_method == "chat.stopStream" and c.args.get("channel") == "D-marker")
    assert _answers_in(fake_slack, "D1") == 1


async def test_slash_commands_and_button_clicks_arrive_over_the_socket(
    socket_server: RunningServer, fake_slack: FakeSlackWebAPI
) -> None:
    command = dict(parse_qsl(slash_command_body("/finbot", WIRE, channel_id="C7")))
    sent = await fake_slack.socket.send("slash_commands", command)
    await fake_slack.socket.wait_ack(sent)
    answer = await fake_slack.wait_for(lambda c: c.api_method == "chat.postEphemeral" and c.status is not None)
    assert answer.args["channel"] == "C7" and "$25" in answer.args["text"]

    blocks = answer.json_arg("blocks")
    share = next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "finbot_share")
    click = block_actions_payload("finbot_share", share["value"], channel_id="C7")
    clicked = await fake_slack.socket.send("interactive", click)
    await fake_slack.socket.wait_ack(clicked)
    shared = await fake_slack.wait_for(lambda c: c.api_method == "chat.postMessage" and c.status is not None)
    assert shared.args["channel"] == "C7" and "$25" in shared.args["text"]


async def test_a_disconnect_envelope_and_a_dropped_socket_are_reconnected(
    socket_server: RunningServer, fake_slack: FakeSlackWebAPI
) -> None:
    await fake_slack.socket.disconnect()
    await fake_slack.socket.wait_connected(connections=2)
    await fake_slack.socket.drop()
    await fake_slack.socket.wait_connected(connections=3, timeout=30)
    sent = await fake_slack.socket.send("events_api", assistant_thread_payload(WIRE, channel="D2"))
    await fake_slack.socket.wait_ack(sent)
    await fake_slack.wait_for(lambda c: c.api_method == "chat.stopStream" and c.args.get("channel") == "D2")
    assert len(fake_slack.calls("apps.connections.open")) >= 3
