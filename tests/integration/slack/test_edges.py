"""Malformed Slack requests are 401 / 400, never 500, and their bodies are never logged; a NUL byte in a
message does not lose it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from adapters.base import SORRY
from bot.server import start_server
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload, signed_headers
from tests.integration.slack.conftest import SECRET, SlackHarness


async def test_a_non_numeric_timestamp_is_401_and_a_signed_non_object_is_400(slack: SlackHarness) -> None:
    body = json.dumps(assistant_thread_payload("hello"))
    headers = signed_headers(body, SECRET) | {"X-Slack-Request-Timestamp": "soon"}
    assert (await slack.post_raw(body, headers)).status == 401
    for not_an_object in ("[1, 2]", '"text"', "42"):
        assert (await slack.post_raw(not_an_object, signed_headers(not_an_object, SECRET))).status == 400


async def test_rejected_bodies_are_never_logged(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt's loggers take the root level when the app is built, so INFO is set first, as `finbot serve` does."""
    secret_text = "my account is 4417-2290 and my PIN is 8812"
    body = json.dumps(assistant_thread_payload(secret_text))
    caplog.set_level(logging.INFO)  # finbot serve's level
    server = await start_server(slack_settings(), host="127.0.0.1", port=0)
    rejected = [
        (body, signed_headers(body, "not-the-signing-secret")),  # forged signature
        (body, signed_headers(body, SECRET, timestamp=1)),  # stale
        (body, signed_headers(body, SECRET) | {"X-Slack-Request-Timestamp": "soon"}),
        (secret_text + "{", signed_headers(secret_text + "{", SECRET)),  # signed, not JSON
        (json.dumps([secret_text]), signed_headers(json.dumps([secret_text]), SECRET)),  # signed, not an object
    ]
    try:
        async with aiohttp.ClientSession() as http:
            slack = SlackHarness(server, fake_slack, http)
            statuses = [(await slack.post_raw(raw, headers)).status for raw, headers in rejected]
    finally:
        await server.stop()
    assert statuses == [401, 401, 401, 400, 400]
    assert "rejected" in caplog.text  # the rejections are logged, without what was sent
    assert "4417" not in caplog.text and "PIN" not in caplog.text


async def _nul_message_is_answered(settings: Any, fake: FakeSlackWebAPI) -> None:
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            harness = SlackHarness(server, fake, http)
            payload = assistant_thread_payload("How much does a domestic\x00 wire cost?\x07", user="UNUL")
            assert (await harness.send_event(payload)).status == 200
            thread = payload["event"]["thread_ts"]
            post = await harness.wait_call("chat.postMessage", lambda c: c.args.get("thread_ts") == thread, 30)
    finally:
        await server.stop()
    assert post.args.get("text") != SORRY


async def test_a_nul_byte_in_a_message_is_stripped_and_answered(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> None:
    await _nul_message_is_answered(slack_settings(SLACK_STREAMING="off"), fake_slack)


@pytest.mark.postgres
async def test_a_nul_byte_in_a_message_is_answered_on_postgresql(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI, postgres_url: str
) -> None:
    await _nul_message_is_answered(slack_settings(SLACK_STREAMING="off", DATABASE_URL=postgres_url), fake_slack)
