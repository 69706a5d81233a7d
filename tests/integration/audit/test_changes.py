"""The change log: a changed threshold and an ingested document are audit events, so each answer can be tied
to the settings and documents in force when it was written."""

from __future__ import annotations

from sqlalchemy import select

from bot.server import start_server
from core.store.models import AuditRow
from tests.conftest import SettingsFactory
from tests.integration.audit.test_turns import WIRE, finbot, say


async def _changes(server) -> list[dict]:  # type: ignore[no-untyped-def]
    async with server.container.db.session() as session:
        return list((await session.scalars(
            select(AuditRow.body).where(AuditRow.kind == "change").order_by(AuditRow.seq))).all())


async def test_settings_and_documents_changes_are_recorded(make_settings: SettingsFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = await start_server(make_settings(), host="127.0.0.1", port=0)
    try:
        await say(first, [WIRE])
        changes = await _changes(first)
    finally:
        await first.stop()
    config = [c for c in changes if c["subject"] == "config"]
    knowledge = [c for c in changes if c["subject"] == "knowledge"]
    assert len(config) == 1 and config[0]["values"]["confidence_threshold"] == 55
    assert config[0]["values"]["model"] == "offline" and config[0]["values"]["template_version"]
    assert knowledge and any("money" in source.lower() for source in knowledge[-1]["added"])

    settings = make_settings(FINBOT_CONFIDENCE_THRESHOLD=40)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "fees.md").write_text("# Safe deposit boxes\n\nA small safe deposit box costs $60 a year.\n")
    ingested = finbot(settings.data_dir, "ingest", str(notes))
    assert ingested.returncode == 0, ingested.stderr
    second = await start_server(settings, host="127.0.0.1", port=0)
    try:
        changes = await _changes(second)
    finally:
        await second.stop()
    config = [c for c in changes if c["subject"] == "config"]
    assert config[-1]["changed"] == {"confidence_threshold": [55, 40]}
    added = [source for c in changes if c["subject"] == "knowledge" for source in c["added"]]
    assert any(source.endswith("fees.md") for source in added)
