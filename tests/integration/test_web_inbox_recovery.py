"""The durable inbox on the web chat: questions the server accepted (the `accepted` frame) survive a `kill -9` of
a real `finbot serve`; after the restart each is answered exactly once, in the person's history (their cookie,
which the restarted server still honours), and resending a frame does not answer it twice. The same
subprocess shows the advisor desk's URL with the token it generated, printed at start."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

from bot.data_keys import ADVISOR_TOKEN_FILE
from tests.fakes import FakeOpenAI
from tests.fakes.openai_server import CHAT_PATH
from tests.integration.ws_client import browser

IN_FLIGHT = 28
QUESTION = "How much does an outgoing domestic wire cost?"
ANSWER = "Outgoing domestic wires cost $25 [1]."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve:
    """`finbot serve` in a subprocess with the web chat, in LLM mode against the fake OpenAI server."""

    def __init__(self, tmp: Path, fake: FakeOpenAI, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.data = tmp / "data"
        prefixes = ("FINBOT_", "SLACK_", "DATABASE_URL", "OPENAI_", "MICROSOFT_")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
        self.env |= {
            "FINBOT_DATA_DIR": str(self.data), "PORT": str(port), "FINBOT_WEB": "true",
            "OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": fake.url + "/v1",
            "FINBOT_LLM_TIMEOUT": "900",  # a held model call keeps the turn in flight (no offline fallback)
            "FINBOT_INBOX_LEASE": "2", "FINBOT_INBOX_SWEEP": "1",
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


async def _accepted(ws: aiohttp.ClientWebSocketResponse, client_id: str) -> dict[str, Any]:
    """Send the question (with the page's resend id) and wait for the server's `accepted` frame."""
    await ws.send_json({"type": "message", "text": QUESTION, "id": client_id})
    async with asyncio.timeout(60):
        while True:
            frame = await ws.receive_json()
            if frame["type"] in ("accepted", "final", "error"):
                return frame


async def _history(http: aiohttp.ClientSession, url: str) -> list[dict[str, Any]]:
    """What the page shows on a reload: the session's history (empty before anything was stored)."""
    async with http.ws_connect(url + "/ws/chat") as ws:
        await ws.send_json({"type": "ping"})  # answered with an error frame, after any history frame
        frame = await ws.receive_json()
    return frame["messages"] if frame["type"] == "history" else []


async def _answers(http: aiohttp.ClientSession, url: str) -> list[str]:
    return [m["text"] for m in await _history(http, url) if m["role"] == "assistant"]


async def test_kill_9_with_accepted_web_questions_in_flight_loses_none(tmp_path: Path) -> None:
    async with FakeOpenAI() as fake:
        fake.responder = lambda body: ANSWER
        serve = Serve(tmp_path, fake, _free_port())
        await serve.start()
        people = [browser() for _ in range(IN_FLIGHT)]
        try:
            # Every model call is held, so each question is accepted and under way, and none is answered.
            fake.delay_next(600, times=10_000, path=CHAT_PATH)
            sockets = [await http.ws_connect(serve.url + "/ws/chat") for http in people]
            frames = await asyncio.gather(*(_accepted(ws, f"q{i}") for i, ws in enumerate(sockets)))
            assert [f["type"] for f in frames] == ["accepted"] * IN_FLIGHT
            await fake.wait_for(lambda r: len(fake.find(lambda x: x.path == CHAT_PATH)) >= 10, timeout=120)
            answered_before = [r for r in fake.find(lambda x: x.path == CHAT_PATH) if r.status is not None]
            serve.kill()
            for ws in sockets:
                await ws.close()
            fake._faults.clear()

            await serve.start()  # the sweep at start and every second takes what the dead process left
            async with asyncio.timeout(180):
                while not all(await asyncio.gather(*(_answers(http, serve.url) for http in people))):
                    await asyncio.sleep(0.5)
            # The page resends a frame it is unsure of (same id): a repeat, not a second answer
            for i, http in enumerate(people[:5]):
                async with http.ws_connect(serve.url + "/ws/chat") as ws:
                    await ws.send_json({"type": "message", "text": QUESTION, "id": f"q{i}"})
                    await ws.send_json({"type": "ping"})
                    while (await ws.receive_json())["type"] != "error":  # the ping's answer: the repeat is done
                        pass
            await asyncio.sleep(3)  # longer than a lease and a sweep: a second answer would have come by now
            histories = await asyncio.gather(*(_history(http, serve.url) for http in people))
            desk = await _desk_statuses(serve)
        finally:
            serve.stop()
            for http in people:
                await http.close()
    roles = [[m["role"] for m in history] for history in histories]
    lost = sum(1 for r in roles if "assistant" not in r)
    doubled = sum(1 for r in roles if r.count("assistant") > 1 or r.count("user") > 1)
    print(f"web: kill -9 with {IN_FLIGHT} accepted questions in flight: lost {lost}, duplicated {doubled}")
    assert answered_before == []  # every turn was still in flight at the kill
    assert roles == [["user", "assistant"]] * IN_FLIGHT
    assert all(h[1]["text"] == ANSWER for h in histories)
    assert desk == (401, 200)


async def _desk_statuses(serve: Serve) -> tuple[int, int]:
    """The start printed the desk's URL with the generated token; without it the desk answers 401."""
    token = (serve.data / ADVISOR_TOKEN_FILE).read_text().strip()
    printed = re.findall(r"advisor desk: (\S+)", serve.log.read_text())
    assert printed == [f"{serve.url}/advisor?token={token}"] * 2  # both starts, the same token
    async with aiohttp.ClientSession() as http:
        async with http.get(serve.url + "/advisor/api/escalations") as without:
            denied = without.status
        async with http.get(printed[0].replace("/advisor?", "/advisor/api/escalations?")) as with_token:
            allowed = with_token.status
    return denied, allowed
