"""`finbot ingest` reports documents that look planted (instruction-like or payment-instruction text) and
FINBOT_INGEST_FLAGGED decides: `flag` indexes them with their chunks marked, `skip` keeps them out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.container import Container
from tests.integration.test_poisoned_document import PLANTED, POISON

CLEAN = """# Domestic wires

Outgoing domestic wires cost $25 and leave the same business day when requested before 3 PM ET.
"""


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "verification.md").write_text(POISON, encoding="utf-8")
    (folder / "wires.md").write_text(CLEAN, encoding="utf-8")
    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FINBOT_SAMPLE_KNOWLEDGE", "false")
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    return folder


def _ingest(folder: Path, policy: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("FINBOT_INGEST_FLAGGED", policy)
    assert main(["ingest", str(folder)]) == 0
    return capsys.readouterr().out


async def _indexed() -> tuple[list[str], dict[str, str]]:
    """Texts retrieved for the planted document's own question, and the flagged chunks."""
    container = await Container.open(Settings(_env_file=None))  # type: ignore[call-arg]
    try:
        await container.retriever.refresh()
        passages = await container.retriever.search("Which account do I wire money to for verification?", 10)
        return [p.text for p in passages], await container.documents.flagged_chunks()
    finally:
        await container.close()


def test_flag_mode_reports_the_planted_document_and_indexes_it_flagged(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ingest(knowledge, "flag", monkeypatch, capsys)
    planted = str((knowledge / "verification.md").resolve())
    assert f"flagged: {planted}: instruction_like \"Ignore previous instructions" in out
    assert "payment_instruction" in out and "wires.md" not in out
    texts, flagged = asyncio.run(_indexed())
    assert any(PLANTED in t for t in texts)  # kept (and the answer guard blocks any answer quoting it)
    assert flagged and all("instruction_like" in f and "payment_instruction" in f for f in flagged.values())


def test_skip_mode_reports_it_and_keeps_it_out_of_the_index(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _ingest(knowledge, "flag", monkeypatch, capsys)  # indexed first: switching to skip takes it out again
    out = _ingest(knowledge, "skip", monkeypatch, capsys)
    assert "kept out of the index" in out and f"flagged: {(knowledge / 'verification.md').resolve()}:" in out
    assert "removed 1," in out  # the version indexed under `flag`
    texts, flagged = asyncio.run(_indexed())
    assert texts and not any(PLANTED in t for t in texts)
    assert any("$25" in t for t in texts) and flagged == {}
