"""Ingest, then ask: documents ingested by another process are answered at once (bot/knowledge_sync.py).

No test here waits for a poll: the background poll is off (FINBOT_INDEX_WATCH=0) unless a test is about it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.container import Container
from bot.knowledge_sync import announce
from bot.server import start_server
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask

ROOT = Path(__file__).resolve().parents[2]
NEW_DOC = """# Pet Insurance Referral Program

## Who qualifies for the pet insurance referral?
Clients with a household account qualify for the Harbor & Pine pet insurance referral, which gives a
12% discount on the first year's premium for cats and dogs.
"""
QUESTION = "Do clients get a discount on pet insurance for cats and dogs?"


def _knowledge_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "pet-insurance.md").write_text(NEW_DOC, encoding="utf-8")
    return folder


async def _ask_web(url: str, question: str = QUESTION) -> dict:
    async with aiohttp.ClientSession() as http, http.ws_connect(url + "/ws/chat") as ws:
        return (await ask(ws, question)).reply


def _answered_from_the_new_document(reply: dict) -> bool:
    return "12%" in reply["text"] and any("Pet Insurance" in c["title"] for c in reply["citations"])


async def test_finbot_ingest_against_a_running_server_is_answered_at_once(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    """The README's flow: `finbot serve`, then `finbot ingest PATH` in another terminal, then ask."""
    settings = make_settings(FINBOT_INDEX_WATCH=0)
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        folder = _knowledge_folder(tmp_path)
        env = {**os.environ, "FINBOT_DATA_DIR": str(settings.data_dir), "FINBOT_SAMPLE_KNOWLEDGE": "false"}
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.cli", "ingest", str(folder)],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "added 1," in done.stdout

        reply = await _ask_web(server.url)
        assert _answered_from_the_new_document(reply), reply["text"]
        assert server.container.knowledge is not None and server.container.knowledge.refreshes == 1
    finally:
        await server.stop()


async def test_a_document_ingested_by_one_process_is_answered_by_another(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    shared_db = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first = await start_server(
        make_settings(DATABASE_URL=shared_db, FINBOT_DATA_DIR=tmp_path / "a", FINBOT_INDEX_WATCH=0),
        host="127.0.0.1", port=0,
    )
    second = await start_server(
        make_settings(DATABASE_URL=shared_db, FINBOT_DATA_DIR=tmp_path / "b", FINBOT_INDEX_WATCH=0),
        host="127.0.0.1", port=0,
    )
    try:
        report = await first.container.ingestor.ingest_path(_knowledge_folder(tmp_path))
        assert len(report.added) == 1
        assert _answered_from_the_new_document(await _ask_web(second.url))
    finally:
        await second.stop()
        await first.stop()


async def test_concurrent_questions_after_a_change_share_one_refresh(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    container = await Container.open(make_settings(FINBOT_SAMPLE_KNOWLEDGE=False))
    try:
        await container.ingestor.ingest_path(_knowledge_folder(tmp_path))
        knowledge = container.knowledge
        assert knowledge is not None
        results = await asyncio.gather(*(knowledge.search(QUESTION, 4) for _ in range(8)))
        assert all(any("Pet Insurance" in p.title for p in passages) for passages in results)
        assert knowledge.refreshes == 1
        assert not await knowledge.ensure_fresh()  # nothing changed since: one query, no refresh
    finally:
        await container.close()


async def test_the_background_poll_refreshes_before_anyone_asks(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings(FINBOT_INDEX_WATCH=0.05)
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        knowledge = server.container.knowledge
        assert knowledge is not None
        await server.container.ingestor.ingest_path(_knowledge_folder(tmp_path))
        async with asyncio.timeout(30):
            while knowledge.refreshes < 1:
                await asyncio.sleep(0.05)
    finally:
        await server.stop()


@pytest.mark.postgres
async def test_on_postgresql_finbot_ingest_notifies_every_server(
    make_settings: SettingsFactory, tmp_path: Path, postgres_url: str
) -> None:
    """NOTIFY finbot_knowledge: a server refreshes as soon as the ingest is done, before any question."""
    server = await start_server(
        make_settings(DATABASE_URL=postgres_url, FINBOT_INDEX_WATCH=0), host="127.0.0.1", port=0
    )
    try:
        knowledge = server.container.knowledge
        assert knowledge is not None
        ingest: Settings = make_settings(DATABASE_URL=postgres_url, FINBOT_DATA_DIR=tmp_path / "ingest")
        other = await Container.open(ingest)
        try:
            await other.ingestor.ingest_path(_knowledge_folder(tmp_path))
            await announce(other.db)
        finally:
            await other.close()
        async with asyncio.timeout(30):  # pushed by the notification, not polled (the poll is off)
            while knowledge.refreshes < 1:
                await asyncio.sleep(0.05)
        assert _answered_from_the_new_document(await _ask_web(server.url))
        assert knowledge.refreshes == 1
    finally:
        await server.stop()
