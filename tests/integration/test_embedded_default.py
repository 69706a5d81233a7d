"""The quick start's install (`requirements/run.txt`, no extras) is enough for the embedded default.

The test suite runs with every extra installed, so this runs finbot in a fresh interpreter where the extras'
modules cannot be imported (as after a runtime-only install): it serves, answers from the sample knowledge
base, and ingests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = r'''
import asyncio, importlib.abc, sys
BLOCKED = ("psycopg", "psycopg_pool", "aiokafka", "pinecone")

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())

import aiohttp
from bot.config import load_settings
from bot.extras import require_extras
from bot.server import start_server

async def main():
    settings = load_settings()
    require_extras(settings)
    server = await start_server(settings, port=0)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(server.url + "/ws/chat") as ws:
                await ws.send_json({"type": "message", "text": "How much does a domestic wire cost?"})
                while (frame := await ws.receive_json())["type"] not in ("final", "error"):
                    pass
        print(frame["type"], frame.get("reply", {}).get("text", ""))
    finally:
        await server.stop()
    assert not [m for m in sys.modules if m.split(".")[0] in ("psycopg", "aiokafka", "pinecone")]

asyncio.run(main())
'''


def test_the_embedded_default_runs_without_any_extra(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINBOT_", "DATABASE_URL", "KAFKA_"))}
    env["FINBOT_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(  # noqa: S603 - our own program
        [sys.executable, "-c", PROGRAM], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    kind, _, text = done.stdout.strip().partition(" ")
    assert kind == "final" and "$" in text, done.stdout
