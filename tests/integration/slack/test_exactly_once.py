"""Exactly-once across processes: several finbot servers on one database, Slack delivering to each."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from bot.server import start_server
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload, new_ts
from tests.integration.slack.conftest import SlackHarness, replies_in


async def _two_servers_get_the_same_events(settings: Any, fake: FakeSlackWebAPI) -> None:
    first = await start_server(settings, host="127.0.0.1", port=0)
    second = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            a, b = SlackHarness(first, fake, http), SlackHarness(second, fake, http)
            payloads = [assistant_thread_payload("hello", user=f"U{i}", channel=f"D{i}") for i in range(5)]
            sends = [h.send_event(p, retry=n) for p in payloads for n, h in enumerate((a, b, a))]
            assert all(r.status == 200 for r in await asyncio.gather(*sends))
            threads = {p["event"]["thread_ts"] for p in payloads}
            await fake.wait_for(
                lambda c: (
                    threads
                    <= {x.args.get("thread_ts") for x in fake.calls("chat.stopStream") if x.status} | _started(fake)
                ),
                timeout=30,
            )
            await fake.wait_for(lambda c: len([x for x in fake.calls("chat.stopStream") if x.status]) >= 5)
            # a marker through each server: whatever they were going to do with the repeats is done
            for harness in (a, b):
                ts = new_ts()
                marker = assistant_thread_payload("hello", user="U-marker", channel="D-marker", thread_ts=ts)
                await harness.send_event(marker)
                await harness.wait_call("chat.stopStream", lambda c, ts=ts: _thread_of(fake, c) == ts)
        for ts in threads:
            assert len(replies_in(fake, ts)) == 1, ts
    finally:
        await first.stop()
        await second.stop()


def _started(fake: FakeSlackWebAPI) -> set[str]:
    return {c.args.get("thread_ts") for c in fake.calls("chat.startStream")}


def _thread_of(fake: FakeSlackWebAPI, stop: Any) -> str | None:
    start = next((c for c in fake.calls("chat.startStream") if c.response_ts == stop.args.get("ts")), None)
    return start.args.get("thread_ts") if start else None


async def test_two_servers_on_one_sqlite_file_reply_once(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> None:
    await _two_servers_get_the_same_events(slack_settings(), fake_slack)


@pytest.mark.postgres
async def test_two_servers_on_one_postgresql_reply_once(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI, postgres_url: str
) -> None:
    await _two_servers_get_the_same_events(slack_settings(DATABASE_URL=postgres_url), fake_slack)


@pytest.mark.postgres
async def test_200_distinct_events_at_once_are_acked_and_get_one_reply_each(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI, postgres_url: str
) -> None:
    server = await start_server(slack_settings(DATABASE_URL=postgres_url), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            slack = SlackHarness(server, fake_slack, http)
            payloads = [assistant_thread_payload("hello", user=f"U{i}", channel=f"D{i}") for i in range(200)]
            sends = [slack.send_event(p) for p in payloads]
            sends += [slack.send_event(p, retry=1) for p in payloads[:50]]  # retried while the first is in flight
            results = await asyncio.gather(*sends)
            # Every request, first deliveries and retries alike, is acknowledged. How fast is measured by
            # bench/slack_ack.py (a test on a shared machine asserts behaviour, not timings).
            assert all(r.status == 200 for r in results)
            threads = {p["event"]["thread_ts"] for p in payloads}
            stops = lambda: len([c for c in fake_slack.calls("chat.stopStream") if c.status])  # noqa: E731
            await fake_slack.wait_for(lambda c: stops() >= 200, timeout=90)
            ts = new_ts()
            await slack.send_event(assistant_thread_payload("hello", user="U-marker", channel="D-marker", thread_ts=ts))
            await slack.wait_call("chat.stopStream", lambda c: _thread_of(fake_slack, c) == ts, timeout=30)
        for ts in threads:
            assert len(replies_in(fake_slack, ts)) == 1
    finally:
        await server.stop()
