"""A running finbot wired to a fake Slack Web API, and a client that sends signed requests like Slack."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.server import RunningServer, start_server
from tests.conftest import SettingsFactory
from tests.fakes import FakeSlackWebAPI, SlackCall
from tests.fakes.slack_signing import FORM, signed_headers

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@dataclass
class Sent:
    status: int
    body: str
    seconds: float


@dataclass
class SlackHarness:
    server: RunningServer
    fake: FakeSlackWebAPI
    http: aiohttp.ClientSession

    @property
    def events_url(self) -> str:
        return self.server.url + "/slack/events"

    async def post_raw(self, body: str, headers: dict[str, str]) -> Sent:
        started = time.perf_counter()
        async with self.http.post(self.events_url, data=body.encode(), headers=headers) as response:
            text = await response.text()
        return Sent(response.status, text, time.perf_counter() - started)

    async def send_event(
        self, payload: dict[str, Any], *, retry: int | None = None, secret: str = SECRET, timestamp: int | None = None
    ) -> Sent:
        body = json.dumps(payload)
        headers = signed_headers(body, secret, timestamp)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post_raw(body, headers)

    async def send_form(self, body: str) -> Sent:
        return await self.post_raw(body, signed_headers(body, SECRET, content_type=FORM))

    async def wait_call(
        self, method: str, predicate: Callable[[SlackCall], bool] | None = None, timeout: float = 10.0
    ) -> SlackCall:
        return await self.fake.wait_for(
            lambda c: c.api_method == method and c.status is not None and (predicate is None or predicate(c)),
            timeout=timeout,
        )


def replies_in(fake: FakeSlackWebAPI, thread_ts: str) -> list[SlackCall]:
    """Final answers delivered into a thread: posted messages and closed streams."""
    return [
        c
        for c in fake.requests
        if c.api_method in ("chat.postMessage", "chat.startStream") and c.args.get("thread_ts") == thread_ts
    ]


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackWebAPI]:
    async with FakeSlackWebAPI() as fake:
        yield fake


@pytest.fixture
def slack_settings(make_settings: SettingsFactory, fake_slack: FakeSlackWebAPI) -> Callable[..., Any]:
    def factory(**overrides: object) -> Any:
        values: dict[str, object] = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": fake_slack.url + "/api/",
            "SLACK_STREAM_BUFFER": 40,  # small, so even short answers stream as start/append/stop
        }
        values.update(overrides)
        return make_settings(**values)

    return factory


@asynccontextmanager
async def running_slack(settings: Any, fake: FakeSlackWebAPI) -> AsyncIterator[SlackHarness]:
    """A finbot server on 127.0.0.1 with `settings`, and a client that signs requests like Slack."""
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            yield SlackHarness(server, fake, http)
    finally:
        await server.stop()


@pytest.fixture
async def slack(slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI) -> AsyncIterator[SlackHarness]:
    async with running_slack(slack_settings(), fake_slack) as harness:
        yield harness
