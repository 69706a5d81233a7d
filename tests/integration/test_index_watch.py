"""Scale-out: a document ingested through one finbot process is answered by another on the same database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.server import start_server
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask

NEW_DOC = """# Pet Insurance Referral Program

## Who qualifies for the pet insurance referral?
Clients with a household account qualify for the Harbor & Pine pet insurance referral, which gives a
12% discount on the first year's premium for cats and dogs.
"""


async def test_a_document_ingested_by_one_process_is_answered_by_another(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    shared_db = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first = await start_server(
        make_settings(DATABASE_URL=shared_db, FINBOT_DATA_DIR=tmp_path / "a"), host="127.0.0.1", port=0
    )
    second = await start_server(
        make_settings(DATABASE_URL=shared_db, FINBOT_DATA_DIR=tmp_path / "b", FINBOT_INDEX_WATCH=0.2),
        host="127.0.0.1",
        port=0,
    )
    try:
        folder = tmp_path / "kb"
        folder.mkdir()
        (folder / "pet-insurance.md").write_text(NEW_DOC, encoding="utf-8")
        report = await first.container.ingestor.ingest_path(folder)
        assert len(report.added) == 1

        question = "Do clients get a discount on pet insurance for cats and dogs?"
        async with asyncio.timeout(20):  # the second process notices within its watch interval
            while not any("Pet Insurance" in p.title for p in await second.container.retriever.search(question, 4)):
                await asyncio.sleep(0.1)

        async with aiohttp.ClientSession() as http, http.ws_connect(second.url + "/ws/chat?user=u&session=s") as ws:
            turn = await ask(ws, question)
        assert "12%" in turn.reply["text"]
        assert any("Pet Insurance" in c["title"] for c in turn.reply["citations"])
    finally:
        await second.stop()
        await first.stop()
