"""`finbot serve` listens before it has loaded: /healthz answers while the model and the services load, /readyz
says when they have, and a question asked in between waits for them and is answered (bot/listen.py)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.integration.ws_client import ask

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def serving(tmp_path: Path) -> AsyncIterator[str]:
    """A `finbot serve` process on a free port (its URL), stopped with SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINBOT_", "DATABASE_URL", "KAFKA_", "SLACK_"))}
    env.update({"FINBOT_DATA_DIR": str(tmp_path / "data"), "PORT": "0", "FINBOT_JOBS": "false"})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(60):
            while not (found := re.search(rb"open (http://\S+)/ ", line := await process.stdout.readline())):
                assert line, "finbot serve ended before listening"
        yield found.group(1).decode()
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()
    assert process.returncode == 0


async def _json(http: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, object]]:
    async with http.get(url) as response:
        return response.status, await response.json()


async def test_healthz_answers_while_loading_and_the_first_question_waits(serving: str) -> None:
    async with aiohttp.ClientSession() as http:
        status, first = await _json(http, serving + "/healthz")
        assert status == 200 and first["ready"] is False  # listening, the server module still importing
        status, ready = await _json(http, serving + "/readyz")
        assert status == 503 and ready["ready"] is False
        async with http.ws_connect(serving + "/ws/chat?user=early&session=s1") as ws:  # held until loaded
            turn = await ask(ws, "How much does a domestic wire cost?", timeout=120)
        assert turn.final["type"] == "final" and "$25" in turn.reply["text"]
        async with asyncio.timeout(60):  # the model may finish loading just after the answer
            while (await _json(http, serving + "/readyz"))[0] != 200:
                await asyncio.sleep(0.05)
        assert await _json(http, serving + "/healthz") == (200, {"status": "ok", "llm": False, "ready": True})


HEAVY = ("onnxruntime", "tokenizers", "faiss", "langgraph", "presidio_analyzer", "spacy", "pandas")
PROBE = """
import sys
from bot.cli import main
code = main(sys.argv[1:])
print("loaded:", ",".join(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[0].split(",")))))
"""


@pytest.mark.parametrize("command", [["doctor"], ["users", "--limit", "5"]])
async def test_commands_that_need_no_model_do_not_import_it(tmp_path: Path, command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINBOT_", "DATABASE_URL", "KAFKA_", "SLACK_"))}
    env["FINBOT_DATA_DIR"] = str(tmp_path / "data")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        PROBE.replace("sys.argv[0]", repr(",".join(HEAVY))),
        *command,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert b"loaded: \n" in out, (out[-500:], err[-1500:])
