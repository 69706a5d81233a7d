"""The durable inbox on Teams: activities acknowledged with a 202 survive a `kill -9` of a real `finbot serve`
(real JWTs, the fake Bot Connector) and a database locked mid-turn; each is answered exactly once afterwards."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.base import SORRY
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bf_activities import message_activity
from tests.fakes.bot_framework_auth import FakeTokenIssuer
from tests.integration.teams.conftest import stream_info

APP_ID = "11111111-2222-3333-4444-555555555555"
IN_FLIGHT = 25
SERVE = Path(__file__).with_name("serve_static_token.py")
QUESTION = "How much does a domestic wire cost?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _is_answer(call: Any) -> bool:
    """A message that holds an answer (a new one, or an update of one shown earlier), not the apology."""
    activity = call.activity
    if call.status != 200 or not activity or activity.get("type") != "message" or activity.get("text") == SORRY:
        return False
    info = stream_info(activity)
    return bool(activity.get("attachments")) or (info is not None and info.get("streamType") == "final")


def answers(connector: FakeBotConnector, conversation_id: str) -> list[Any]:
    return [
        c for c in connector.requests
        if c.operation in ("send", "reply", "update") and c.conversation_id == conversation_id and _is_answer(c)
    ]


def activities(connector: FakeBotConnector, n: int, prefix: str) -> list[dict[str, Any]]:
    return [
        message_activity(QUESTION, service_url=connector.url, conversation_id=f"a:{prefix}-{i}",
                         from_id=f"29:{prefix}-{i}", aad_object_id=f"aad-{prefix}-{i}")
        for i in range(n)
    ]


class Serve:
    """`finbot serve` (Teams on, with an app id) in a subprocess, on a fixed port and one SQLite file."""

    def __init__(self, tmp: Path, issuer: FakeTokenIssuer, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("FINBOT_", "SLACK_", "DATABASE_URL", "Microsoft", "TO_BOT"))}
        self.env |= {
            "FINBOT_DATA_DIR": str(tmp / "data"), "PORT": str(port), "FINBOT_WEB": "false",
            "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "secret",
            "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": issuer.metadata_url,
            "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": issuer.issuer, "FINBOT_TEAMS_STREAM_INTERVAL": "0",
            "FINBOT_INBOX_LEASE": "2", "FINBOT_INBOX_SWEEP": "1",
        }
        self.log = tmp / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own program
                [sys.executable, str(SERVE), "serve", "--host", "127.0.0.1"],
                env=self.env, stdout=out, stderr=subprocess.STDOUT,
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
def issuer() -> Iterator[FakeTokenIssuer]:
    with FakeTokenIssuer() as fake:
        yield fake


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


async def _post(http: aiohttp.ClientSession, url: str, activity: dict[str, Any], token: str | None) -> int:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    async with http.post(url + "/api/messages", data=json.dumps(activity).encode(), headers=headers) as r:
        return r.status


async def test_kill_9_with_acknowledged_teams_turns_in_flight_loses_none(
    tmp_path: Path, connector: FakeBotConnector, issuer: FakeTokenIssuer
) -> None:
    serve = Serve(tmp_path, issuer, _free_port())
    await serve.start()
    token = issuer.token(audience=APP_ID, service_url=connector.url)
    sent = activities(connector, IN_FLIGHT, "k")
    conversations = [a["conversation"]["id"] for a in sent]
    try:
        # Every turn stalls on its first reply (the typing indicator): all acknowledged, none answered.
        connector.delay_next(600, times=IN_FLIGHT, path="reply")
        async with aiohttp.ClientSession() as http:
            acks = await asyncio.gather(*(_post(http, serve.url, a, token) for a in sent))
        assert acks == [202] * IN_FLIGHT
        await connector.wait_for(lambda c: len(connector.calls("reply")) >= IN_FLIGHT, timeout=60)
        serve.kill()
        assert not [c for c in conversations if answers(connector, c)]  # nothing was answered before the kill
        connector._faults.clear()

        await serve.start()  # the sweep at start and every second takes what the dead process left
        await connector.wait_for(lambda c: all(answers(connector, cid) for cid in conversations), timeout=120)
        # Teams' own redeliveries of acknowledged activities are repeats: still one answer each
        async with aiohttp.ClientSession() as http:
            assert await asyncio.gather(*(_post(http, serve.url, a, token) for a in sent[:5])) == [202] * 5
        await asyncio.sleep(3)  # longer than a lease and a sweep: a second answer would have come by now
    finally:
        serve.stop()
    counts = {c: len(answers(connector, c)) for c in conversations}
    print(f"Teams kill -9 with {IN_FLIGHT} acknowledged turns in flight: "
          f"lost {sum(1 for n in counts.values() if n == 0)}, duplicated {sum(1 for n in counts.values() if n > 1)}")
    assert counts == {c: 1 for c in conversations}
    assert {c.headers.get("authorization") for c in connector.calls("reply")} == {"Bearer outbound-test-token"}


LOCKED = 10
LOCK_S = 35.0
"""Longer than SQLite's busy timeout (30 s): every write mid-turn fails, as on a read-only database."""


async def test_a_database_locked_mid_teams_turn_loses_and_doubles_nothing(
    make_settings: SettingsFactory, connector: FakeBotConnector
) -> None:
    import sqlite3

    from bot.server import start_server

    settings = make_settings(FINBOT_TEAMS=True, FINBOT_TEAMS_STREAM_INTERVAL=0, FINBOT_INBOX_LEASE=2,
                             FINBOT_INBOX_SWEEP=1)
    server = await start_server(settings, host="127.0.0.1", port=0)
    path = server.container.db.sqlite_path
    assert path
    sent = activities(connector, LOCKED, "l")
    conversations = [a["conversation"]["id"] for a in sent]
    try:
        connector.delay_next(1.0, times=LOCKED, path="reply")  # every turn is under way when the lock comes
        async with aiohttp.ClientSession() as http:
            assert await asyncio.gather(*(_post(http, server.url, a, None) for a in sent)) == [202] * LOCKED
        await connector.wait_for(lambda c: len(connector.calls("reply")) >= LOCKED, timeout=30)
        lock = sqlite3.connect(path, isolation_level=None, timeout=30)
        lock.execute("BEGIN EXCLUSIVE")
        await asyncio.sleep(LOCK_S)
        lock.execute("ROLLBACK")
        lock.close()
        await connector.wait_for(lambda c: all(answers(connector, cid) for cid in conversations), timeout=90)
        await asyncio.sleep(3)  # a lease and a sweep more: a second answer would have come by now
    finally:
        await server.stop()
    counts = {c: len(answers(connector, c)) for c in conversations}
    apologised = sum(
        1 for c in conversations
        if any((call.activity or {}).get("text") == SORRY for call in connector.requests if call.conversation_id == c)
    )
    print(f"Teams: database locked {LOCK_S:.0f} s mid-turn, {LOCKED} turns ({apologised} failed mid-turn): "
          f"lost {sum(1 for n in counts.values() if n == 0)}, duplicated {sum(1 for n in counts.values() if n > 1)}")
    assert apologised > 0  # the lock really broke turns in flight
    assert counts == {c: 1 for c in conversations}
