"""A figure that sits in a table is quoted in the answer, with its citation, through the web chat: one Markdown
table and one PDF table (built here with fpdf2), each ingested into a running server."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.server import start_server
from tests.conftest import SettingsFactory
from tests.integration.test_retrieval_tables import _markdown, _pdf
from tests.integration.ws_client import ask


@pytest.mark.parametrize(("name", "write"), [("quarterly.md", _markdown), ("report.pdf", _pdf)])
async def test_the_asked_figure_is_quoted_from_the_table_with_its_citation(
    make_settings: SettingsFactory, tmp_path: Path, name: str, write
) -> None:  # type: ignore[no-untyped-def]
    kb = tmp_path / "kb"
    kb.mkdir()
    write(kb / name)
    server = await start_server(make_settings(FINBOT_SAMPLE_KNOWLEDGE=False), host="127.0.0.1", port=0)
    try:
        await server.container.ingestor.ingest_path(kb)
        await server.container.retriever.refresh()
        async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
            turn = await ask(ws, "What were Northwind's total current assets in 2023?")
    finally:
        await server.stop()
    reply = turn.reply
    assert reply["route"] == ["knowledge"], "a question about a company's filing is not about the person's holdings"
    assert reply["strategy"] == "extractive" and "1,577" in reply["text"]
    assert "Total current assets" in reply["text"] and "[1]" in reply["text"]
    assert reply["citations"] and "Northwind" in reply["citations"][0]["title"]
