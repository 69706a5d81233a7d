"""A new person's first two messages at once: the person and conversation upserts let both through."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from adapters.base import SORRY
from bot.server import start_server
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload, new_ts
from tests.integration.slack.conftest import SlackHarness

PEOPLE = 30


def _pairs() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Two messages per new person, in one new thread (one conversation)."""
    pairs = []
    for i in range(PEOPLE):
        thread = new_ts()
        first, second = (
            assistant_thread_payload(text, user=f"UNEW{i}", channel=f"DNEW{i}", thread_ts=thread)
            for text in ("hello", "How much does a domestic wire cost?")
        )
        pairs.append((first, second))
    return pairs


async def _answered(fake: FakeSlackWebAPI, harnesses: list[SlackHarness]) -> tuple[int, int]:
    pairs = _pairs()
    sends = [h.send_event(p) for pair in pairs for h, p in zip(harnesses * 2, pair, strict=False)]
    assert all(r.status == 200 for r in await asyncio.gather(*sends))
    threads = {p["event"]["thread_ts"] for pair in pairs for p in pair}

    def posts() -> list[Any]:
        return [c for c in fake.calls("chat.postMessage") if c.status and c.args.get("thread_ts") in threads]

    await fake.wait_for(lambda c: len(posts()) >= 2 * PEOPLE, timeout=120)
    answers = [c for c in posts() if c.args.get("text") != SORRY]
    return len(answers), len(posts()) - len(answers)


async def _run(settings: Any, fake: FakeSlackWebAPI, processes: int) -> None:
    servers = [await start_server(settings, host="127.0.0.1", port=0) for _ in range(processes)]
    try:
        async with aiohttp.ClientSession() as http:
            answered, sorry = await _answered(fake, [SlackHarness(s, fake, http) for s in servers])
    finally:
        for server in servers:
            await server.stop()
    print(f"{PEOPLE} new people x 2 messages at once, {processes} process(es): {answered}/{2 * PEOPLE} answered")
    assert (answered, sorry) == (2 * PEOPLE, 0)


async def test_30_new_people_each_sending_two_messages_at_once_all_answered(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> None:
    await _run(slack_settings(SLACK_STREAMING="off"), fake_slack, processes=1)


@pytest.mark.postgres
async def test_two_processes_on_postgresql_answer_every_first_message(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI, postgres_url: str
) -> None:
    await _run(slack_settings(SLACK_STREAMING="off", DATABASE_URL=postgres_url), fake_slack, processes=2)
