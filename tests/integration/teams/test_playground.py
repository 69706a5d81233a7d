"""A real Teams peer: Microsoft 365 Agents Playground (npm @microsoft/m365agentsplayground, headless) drives finbot
over HTTP like Teams does (docs/platform-notes.md, "A real Teams peer"). The test installs it on first run
(`npm ci --prefix tests/playground`, pinned by its package-lock.json; needs Node.js 20+); without Node.js 20+ it is
skipped locally (the reason is in pytest's summary) and fails in CI, whose .ci/run provides Node.js."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.server import RunningServer
from core.store.models import TurnMetricRow
from tests.conftest import SettingsFactory
from tests.fakes.bot_connector import ADAPTIVE_CARD

ROOT = Path(__file__).resolve().parents[3]
CLI = ROOT / "tests" / "playground" / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
CONVERSATION = "conv-1"
USER = "user-id-0"
QUESTION = "How much does it cost to send an outgoing domestic wire?"
WAIT_S = 30.0


MIN_NODE = 20


def _node_major(node: str) -> int:
    probe = subprocess.run(  # noqa: S603 - fixed command line
        [node, "-p", "process.versions.node.split('.')[0]"], capture_output=True, text=True, check=False
    )
    return int(probe.stdout.strip()) if probe.returncode == 0 and probe.stdout.strip().isdigit() else 0


def _install_playground() -> str | None:
    """Install the pinned playground when it is missing; the reason it cannot be, or None."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return f"Node.js {MIN_NODE}+ with npm is not installed (the Agents Playground needs it)"
    if (major := _node_major(node)) < MIN_NODE:
        return f"Node.js {MIN_NODE}+ is required for the Agents Playground (found major version {major})"
    if not CLI.exists():
        done = subprocess.run(  # noqa: S603 - fixed command line, the registry only
            [npm, "ci", "--prefix", str(ROOT / "tests" / "playground"), "--no-audit", "--no-fund", "--loglevel=error"],
            capture_output=True, text=True, check=False, timeout=300,
        )
        if done.returncode != 0 or not CLI.exists():
            return f"`npm ci --prefix tests/playground` failed: {done.stderr.strip()[-500:]}"
    return None


@pytest.fixture
def settings(make_settings: SettingsFactory) -> Settings:
    """The playground sends no token: Teams in anonymous (local-testing) mode."""
    return make_settings(FINBOT_TEAMS=True)


@pytest.fixture
def playground_cli() -> Path:
    reason = _install_playground()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must install it: see .ci/run)")
        pytest.skip(reason)
    return CLI


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def playground(
    playground_cli: Path, server: RunningServer, tmp_path: Path
) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    """The playground pointed at the running finbot; yields its base URL once `/_debug/ping` answers."""
    port = _free_port()
    log_file = tmp_path / "playground.log"
    env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none", "M365_AGENTS_PLAYGROUND_LOGFILE": str(log_file)}
    command = [
        shutil.which("node") or "node", str(playground_cli), "-e", server.url + "/api/messages", "-c", "msteams",
        "--dt", "-p", str(port), "--conversation-id", CONVERSATION,
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await _wait_ready(http, base, process, log_file)
            yield base, http
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _wait_ready(http: aiohttp.ClientSession, base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    async def ping() -> None:
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the playground exited ({process.returncode}): {_tail(log)}")
            try:
                async with http.get(base + "/_debug/ping") as response:
                    if "pong" in await response.text():
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)

    try:
        await asyncio.wait_for(ping(), WAIT_S)
    except TimeoutError:
        raise AssertionError(f"the playground did not start within {WAIT_S}s: {_tail(log)}") from None


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


async def _next_message(
    ws: aiohttp.ClientWebSocketResponse,
    predicate: Callable[[dict[str, Any]], bool],
    seen: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The next `createMessage` whose message matches; earlier frames go to `seen`."""

    async def scan() -> dict[str, Any]:
        while True:
            frame = await ws.receive_json()
            if seen is not None:
                seen.append(frame)
            if frame.get("action") == "createMessage" and predicate(frame["message"]):
                return frame["message"]

    return await asyncio.wait_for(scan(), WAIT_S)


def _card(message: dict[str, Any]) -> dict[str, Any] | None:
    return next((a["content"] for a in message.get("attachments") or [] if a["contentType"] == ADAPTIVE_CARD), None)


async def test_question_streamed_and_native_feedback_through_the_agents_playground(
    playground: tuple[str, aiohttp.ClientSession], server: RunningServer
) -> None:
    base, http = playground
    async with http.ws_connect(base + "/_ws_conversation/v1/conversations/stream") as ws:  # before sending: no replay
        message = {"from": {"id": USER}, "text": QUESTION, "textFormat": "plain"}
        async with http.post(f"{base}/_conversation/v1/conversations/{CONVERSATION}/messages", json=message) as sent:
            assert sent.status == 200

        frames: list[dict[str, Any]] = []
        card_message = await _next_message(ws, lambda m: _card(m) is not None, frames)
        card = _card(card_message)
        assert card is not None and card["version"] == "1.5"
        sources = " ".join(item.get("text", "") for item in card["body"])
        assert "Sources" in sources and "money-transfers.md" in sources
        streamed = [f["message"] for f in frames if f.get("action") in ("createMessage", "updateMessage")
                    and f["message"].get("streamEntity")]
        assert streamed[0]["streamEntity"]["streamType"] == "informative", "the core's progress, natively"
        answer = [f["message"] for f in frames if f.get("action") == "updateMessage"][-1]
        assert "$25" in answer["text"], "finbot streamed the answer"
        assert "AIGeneratedContent" in answer["aiEntity"]["additionalType"], "the AI-generated label"
        assert answer["aiEntity"]["citation"][0]["appearance"]["name"].startswith("Money Transfers")

        await server.container.teams_app.drain()  # the answer is recorded once its turn ends
        # Teams' native feedback loop: thumbs up on the answer is a `message/submitAction` invoke.
        thumbs_up = {
            "name": "message/submitAction",
            "conversation": {"id": CONVERSATION},
            "from": {"id": USER},
            "value": {"actionName": "feedback", "actionValue": {"reaction": "like", "feedback": "{}"}},
        }
        async with http.post(base + "/_conversation/v1/invoke", json=thumbs_up) as submitted:
            assert submitted.status < 300, await submitted.text()

    await server.container.assistant.drain()
    async with server.container.db.session() as session:
        rows = list((await session.scalars(select(TurnMetricRow))).all())
    assert [r.feedback for r in rows] == [1]
