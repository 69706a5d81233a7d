"""The durable inbox: acknowledged Slack messages survive a `kill -9` of a real `finbot serve` and a database
that fails mid-turn; each is answered exactly once after the restart / recovery."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload, signed_headers
from tests.integration.slack.conftest import SECRET, TOKEN

IN_FLIGHT = 28
STATUS = "/api/assistant.threads.setStatus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(fake: FakeSlackWebAPI, thread_ts: str) -> list[Any]:
    """Delivered final answers in a thread (streaming is off: one chat.postMessage each)."""
    return [
        c for c in fake.requests
        if c.api_method == "chat.postMessage" and c.args.get("thread_ts") == thread_ts and c.status == 200
    ]


class Serve:
    """`finbot serve` in a subprocess, on a fixed port and one SQLite file."""

    def __init__(self, tmp: Path, fake: FakeSlackWebAPI, port: int, **env: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("FINBOT_", "SLACK_", "DATABASE_URL"))}
        self.env |= {
            "FINBOT_DATA_DIR": str(tmp / "data"), "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": fake.url + "/api/", "SLACK_STREAMING": "off", "PORT": str(port),
            "FINBOT_INBOX_LEASE": "2", "FINBOT_INBOX_SWEEP": "1", "FINBOT_WEB": "false", **env,
        }
        self.log = tmp / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own program
                [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"], env=self.env,
                stdout=out, stderr=subprocess.STDOUT,
            )
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                try:
                    async with http.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert self.process.poll() is None, self.log.read_text()[-3000:]
                await asyncio.sleep(0.2)
        raise AssertionError("finbot serve did not start: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackWebAPI]:
    async with FakeSlackWebAPI() as fake:
        yield fake


async def _send(http: aiohttp.ClientSession, url: str, payload: dict[str, Any]) -> int:
    body = json.dumps(payload)
    async with http.post(url + "/slack/events", data=body.encode(), headers=signed_headers(body, SECRET)) as r:
        return r.status


async def test_kill_9_with_acknowledged_turns_in_flight_loses_none(tmp_path: Path, fake_slack: FakeSlackWebAPI) -> None:
    serve = Serve(tmp_path, fake_slack, _free_port())
    await serve.start()
    try:
        # Every turn stalls on its first status update, so all of them are acknowledged and none answered.
        fake_slack.delay_next(600, times=10_000, path=STATUS)
        payloads = [
            assistant_thread_payload("How much does a domestic wire cost?", user=f"U{i}", channel=f"D{i}")
            for i in range(IN_FLIGHT)
        ]
        async with aiohttp.ClientSession() as http:
            acks = await asyncio.gather(*(_send(http, serve.url, p) for p in payloads))
        assert acks == [200] * IN_FLIGHT
        await fake_slack.wait_for(lambda c: len(fake_slack.find(lambda x: x.path == STATUS)) >= 16, timeout=60)
        serve.kill()
        threads = [p["event"]["thread_ts"] for p in payloads]
        assert not [t for t in threads if _answers(fake_slack, t)]  # nothing was answered before the kill
        fake_slack._faults.clear()

        await serve.start()  # the sweep at start and every second takes what the dead process left
        await fake_slack.wait_for(lambda c: all(_answers(fake_slack, t) for t in threads), timeout=120)
        # Slack's own retries of acknowledged events are repeats: still one answer each
        async with aiohttp.ClientSession() as http:
            assert await asyncio.gather(*(_send(http, serve.url, p) for p in payloads[:5])) == [200] * 5
        await asyncio.sleep(3)  # longer than a lease and a sweep: a second answer would have come by now
    finally:
        serve.stop()
    counts = {t: len(_answers(fake_slack, t)) for t in threads}
    print(f"kill -9 with {IN_FLIGHT} acknowledged turns in flight: lost {sum(1 for n in counts.values() if n == 0)}, "
          f"duplicated {sum(1 for n in counts.values() if n > 1)}")
    assert counts == {t: 1 for t in threads}


LOCKED = 12
LOCK_S = 35.0
"""Longer than SQLite's busy timeout (30 s): every write mid-turn fails, as on a read-only database."""


async def test_a_database_locked_mid_turn_loses_and_doubles_nothing(
    slack_settings: Any, fake_slack: FakeSlackWebAPI
) -> None:
    import sqlite3

    from bot.server import start_server

    settings = slack_settings(SLACK_STREAMING="off", FINBOT_INBOX_LEASE=2, FINBOT_INBOX_SWEEP=1)
    server = await start_server(settings, host="127.0.0.1", port=0)
    path = server.container.db.sqlite_path
    assert path
    try:
        fake_slack.delay_next(1.0, times=LOCKED, path=STATUS)  # every turn is under way when the lock comes
        payloads = [
            assistant_thread_payload("How much does a domestic wire cost?", user=f"L{i}", channel=f"DL{i}")
            for i in range(LOCKED)
        ]
        async with aiohttp.ClientSession() as http:
            assert await asyncio.gather(*(_send(http, server.url, p) for p in payloads)) == [200] * LOCKED
        await fake_slack.wait_for(lambda c: len(fake_slack.find(lambda x: x.path == STATUS)) >= LOCKED, timeout=30)
        lock = sqlite3.connect(path, isolation_level=None, timeout=30)
        lock.execute("BEGIN EXCLUSIVE")
        await asyncio.sleep(LOCK_S)
        lock.execute("ROLLBACK")
        lock.close()
        threads = [p["event"]["thread_ts"] for p in payloads]
        await fake_slack.wait_for(lambda c: all(_real_answers(fake_slack, t) for t in threads), timeout=90)
        await asyncio.sleep(3)  # a lease and a sweep more: a second answer would have come by now
    finally:
        await server.stop()
    counts = {t: len(_real_answers(fake_slack, t)) for t in threads}
    failed = sum(1 for t in threads if len(_answers(fake_slack, t)) > counts[t])  # apologised for, then re-run
    print(f"database locked {LOCK_S:.0f} s mid-turn, {LOCKED} turns ({failed} failed mid-turn): "
          f"lost {sum(1 for n in counts.values() if n == 0)}, duplicated {sum(1 for n in counts.values() if n > 1)}")
    assert failed > 0  # the lock really broke turns in flight
    assert counts == {t: 1 for t in threads}


def _real_answers(fake: FakeSlackWebAPI, thread_ts: str) -> list[Any]:
    from adapters.base import SORRY

    return [c for c in _answers(fake, thread_ts) if c.args.get("text") != SORRY]


async def test_a_slash_command_whose_answer_failed_is_answered_once_by_the_sweep(
    slack_settings: Any, fake_slack: FakeSlackWebAPI
) -> None:
    from bot.server import start_server
    from tests.fakes.slack_signing import slash_command_body

    server = await start_server(slack_settings(FINBOT_INBOX_LEASE=2, FINBOT_INBOX_SWEEP=1), host="127.0.0.1", port=0)
    try:
        # The answer and the apology both fail to post (no response_url to fall back on): the turn is not settled.
        fake_slack.fail_next(500, times=2, path="/api/chat.postEphemeral")
        body = slash_command_body("/finbot", "How much does a domestic wire cost?", user_id="U7", channel_id="C7",
                                  response_url="", trigger_id="trigger-7")
        async with aiohttp.ClientSession() as http:
            headers = signed_headers(body, SECRET, content_type="application/x-www-form-urlencoded")
            async with http.post(server.url + "/slack/events", data=body.encode(), headers=headers) as r:
                assert r.status == 200
            await fake_slack.wait_for(lambda c: len(_private_answers(fake_slack)) >= 1, timeout=30)
            async with http.post(server.url + "/slack/events", data=body.encode(), headers=headers) as r:
                assert r.status == 200  # the same invocation again is a repeat
            await asyncio.sleep(3)  # longer than a lease and a sweep: a second answer would have come by now
        assert await server.container.inbox.pending() == 0
    finally:
        await server.stop()
    failed = [c for c in fake_slack.calls("chat.postEphemeral") if c.status == 500]
    assert len(failed) == 2 and len(_private_answers(fake_slack)) == 1


def _private_answers(fake: FakeSlackWebAPI) -> list[Any]:
    return [c for c in fake.calls("chat.postEphemeral") if c.status == 200 and "$25" in str(c.args.get("text"))]
