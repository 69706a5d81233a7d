"""A restart opens the saved chunk file instead of reading every chunk from the database, answers the same,
and a change made while finbot was down is still picked up (core/retrieval/chunk_file.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.container import Container
from core.retrieval.documents import DocumentStore, StoredChunk
from tests.conftest import SettingsFactory

QUESTION = "How much does a domestic wire transfer cost?"
NEW_DOC = "# Pet Insurance\n\n## Who qualifies?\nHousehold accounts get 12% off the first year's pet insurance.\n"


@pytest.fixture
def chunk_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many chunks each `DocumentStore.index_chunks` call read, in order."""
    reads: list[int] = []
    original = DocumentStore.index_chunks

    async def counted(self: DocumentStore) -> list[StoredChunk]:
        chunks = await original(self)
        reads.append(len(chunks))
        return chunks

    monkeypatch.setattr(DocumentStore, "index_chunks", counted)
    return reads


async def _passages(container: Container) -> list[tuple[str, str]]:
    assert container.knowledge is not None
    return [(p.chunk_id, p.text) for p in await container.knowledge.search(QUESTION, 4)]


async def test_a_restart_reads_no_chunk_and_answers_the_same(
    make_settings: SettingsFactory, chunk_reads: list[int]
) -> None:
    settings = make_settings()
    first = await Container.open(settings)
    try:
        await first.ingest_sample_if_empty()  # as `finbot serve` does on a first start
        before = await _passages(first)
    finally:
        await first.close()
    assert chunk_reads[-1] > 0 and before
    reads = len(chunk_reads)
    again = await Container.open(settings)
    try:
        assert await _passages(again) == before
        assert again.retriever.last_refresh["bm25_rebuilt"] is False
    finally:
        await again.close()
    assert len(chunk_reads) == reads, "the restart read the chunks from the database"


async def test_a_document_added_while_finbot_was_down_is_found_after_the_restart(
    make_settings: SettingsFactory, chunk_reads: list[int], tmp_path: Path
) -> None:
    settings = make_settings()
    first = await Container.open(settings)
    await first.ingest_sample_if_empty()
    await first.close()
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "pets.md").write_text(NEW_DOC, encoding="utf-8")
    offline = await Container.open(settings)  # as `finbot ingest` does while the server is down
    try:
        await offline.ingestor.ingest_path(folder)
    finally:
        await offline.close()
    reads_before_restart = len(chunk_reads)
    again = await Container.open(settings)
    try:
        assert again.knowledge is not None
        found = await again.knowledge.search("Do household accounts get a discount on pet insurance?", 4)
    finally:
        await again.close()
    assert len(chunk_reads) == reads_before_restart + 1, "the changed documents were read again"
    assert any("12% off" in p.text for p in found)
