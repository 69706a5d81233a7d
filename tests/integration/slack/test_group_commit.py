"""The ack-path write is group-committed: a burst of signed Slack events over real HTTP shares a few inbox
transactions, and each message is still stored once and answered once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, text

from bot.server import start_server
from core.store.models import InboxRow
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload
from tests.integration.commits import InboxCommits
from tests.integration.slack.conftest import SlackHarness

N = 200


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def burst(
    request: pytest.FixtureRequest, slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> AsyncIterator[SlackHarness]:
    """finbot with one final chat.postMessage per answer, and a window wide enough for a loopback burst."""
    values: dict[str, object] = {"SLACK_STREAMING": "off", "FINBOT_ACK_BATCH_MS": 20}
    if request.param == "postgresql":
        values["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    server = await start_server(slack_settings(**values), host="127.0.0.1", port=0)
    try:
        connector = aiohttp.TCPConnector(limit=0)  # every event on its own connection, as Slack sends them
        async with aiohttp.ClientSession(connector=connector) as http:
            yield SlackHarness(server, fake_slack, http)
    finally:
        await server.stop()


def _answers(fake: FakeSlackWebAPI) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in fake.requests:
        if call.api_method == "chat.postMessage" and call.status == 200:
            thread = str(call.args.get("thread_ts"))
            counts[thread] = counts.get(thread, 0) + 1
    return counts


async def _until_answered(fake: FakeSlackWebAPI, threads: set[str], timeout: float = 120) -> dict[str, int]:
    """Poll the recorded calls (one pass each time; `wait_for` with a global predicate is quadratic)."""
    async with asyncio.timeout(timeout):
        while not threads <= set(answers := _answers(fake)):
            await asyncio.sleep(0.05)
    return answers


async def _inbox_rows(harness: SlackHarness) -> list[str]:
    async with harness.server.container.db.session() as session:
        return list(await session.scalars(select(InboxRow.event_id)))


async def _rename_inbox(harness: SlackHarness, old: str, new: str) -> None:
    async with harness.server.container.db.session() as session:
        await session.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_200_concurrent_events_share_fewer_than_20_commits_and_get_one_reply_each(burst: SlackHarness) -> None:
    commits = InboxCommits(burst.server.container.db.engine)
    payloads = [assistant_thread_payload("hello", user=f"U{i}", channel=f"D{i}") for i in range(N)]
    results = await asyncio.gather(*(burst.send_event(p) for p in payloads))
    assert [r.status for r in results] == [200] * N
    threads = {p["event"]["thread_ts"] for p in payloads}
    answers = await _until_answered(burst.fake, threads)
    assert {answers[t] for t in threads} == {1}
    assert len(await _inbox_rows(burst)) == N
    assert 1 <= commits.count < 20
    assert commits.statements == commits.count  # one multi-row INSERT per batch


async def test_the_same_event_twice_in_one_burst_is_stored_once_and_answered_once(burst: SlackHarness) -> None:
    payload = assistant_thread_payload("hello", user="U-dup", channel="D-dup")
    other = assistant_thread_payload("hello", user="U-other", channel="D-other")
    sends = [burst.send_event(payload), burst.send_event(other), burst.send_event(payload, retry=1)]
    assert [r.status for r in await asyncio.gather(*sends)] == [200, 200, 200]
    threads = {payload["event"]["thread_ts"], other["event"]["thread_ts"]}
    answers = await _until_answered(burst.fake, threads)
    marker = assistant_thread_payload("hello", user="U-marker", channel="D-marker")
    await burst.send_event(marker)  # whatever the repeat would have caused has happened by the marker's answer
    answers = await _until_answered(burst.fake, threads | {marker["event"]["thread_ts"]})
    assert answers[payload["event"]["thread_ts"]] == 1
    assert len(await _inbox_rows(burst)) == 3


async def test_when_the_database_refuses_the_batch_slack_gets_no_ack_and_its_retry_is_answered_once(
    burst: SlackHarness,
) -> None:
    payloads = [assistant_thread_payload("hello", user=f"U{i}", channel=f"D{i}") for i in range(3)]
    await _rename_inbox(burst, "inbox", "inbox_away")  # every inbox write now fails
    refused = await asyncio.gather(*(burst.send_event(p) for p in payloads))
    assert [r.status for r in refused] == [500] * 3  # not acked: Slack delivers again
    await _rename_inbox(burst, "inbox_away", "inbox")
    retried = await asyncio.gather(*(burst.send_event(p, retry=1) for p in payloads))
    assert [r.status for r in retried] == [200] * 3
    threads = {p["event"]["thread_ts"] for p in payloads}
    answers = await _until_answered(burst.fake, threads)
    assert {answers[t] for t in threads} == {1}
    assert len(await _inbox_rows(burst)) == 3
