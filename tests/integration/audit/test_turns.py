"""Turns over /ws/chat leave audit rows with the record's fields; `finbot audit verify` names an edited row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, text

from bot.server import RunningServer, start_server
from core.audit.versions import template_version
from core.store.models import AuditRow
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask, signed_in

ROOT = Path(__file__).resolve().parents[3]
WIRE = "How much does it cost to send an outgoing domestic wire?"


def finbot(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "FINBOT_DATA_DIR": str(data_dir), **env}
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=120, check=False,
    )


async def say(server: RunningServer, texts: list[str], *, user: str = "dana", session: str = "s1") -> list[dict]:
    out = []
    async with signed_in(server, user, session) as http, http.ws_connect(f"{server.url}/ws/chat") as ws:
        for line in texts:
            out.append((await ask(ws, line)).reply)
    return out


async def audit_rows(server: RunningServer, kinds: tuple[str, ...] = ("turn", "advisor")) -> list[AuditRow]:
    """The trail's rows of these kinds (the change log's rows come first, at start: core.audit.changes)."""
    async with server.container.db.session() as session:
        query = select(AuditRow).where(AuditRow.kind.in_(kinds)).order_by(AuditRow.seq)
        return list((await session.scalars(query)).all())


async def test_a_web_turn_is_recorded_with_what_produced_it(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        [reply] = await say(server, [WIRE])
        rows = await audit_rows(server)
    finally:
        await server.stop()
    [row] = rows
    body = row.body
    assert row.kind == "turn" and row.person_id == "web:local:dana" and row.turn_id == reply["turn_id"]
    assert row.conversation_key.startswith("web:local:s1")
    assert body["who"]["platform"] == "web" and body["who"]["person"] == "web:local:dana"
    assert body["question"] == WIRE
    assert body["answer"] == reply["text"] and "$25" in body["answer"]
    assert body["model"] == "offline" and body["template_version"] == template_version()
    assert body["confidence"] == reply["confidence"] and body["strategy"] == reply["strategy"]
    assert [c["title"] for c in body["citations"]] == [c["title"] for c in reply["citations"]]
    documents = body["documents"]
    assert documents and all(len(d["text_sha256"]) == 64 and len(d["document_version"]) == 64 for d in documents)
    assert body["received_at"] and "disclaimer_shown" in body and body["escalation"] is None

    verified = finbot(settings.data_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"audit chain verified: {row.seq} rows" in verified.stdout  # the change log's rows, then the turn


async def test_an_edited_row_is_named_by_the_command(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        await say(server, [WIRE, "What are your fees for an IRA?", "thanks"])
        second = (await audit_rows(server))[1].seq
        async with server.container.db.engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER audit_log_no_update"))  # the owner of the file could
            await conn.execute(text("UPDATE audit_log SET body = json_set(body, '$.answer', 'edited') WHERE seq = :s"),
                               {"s": second})
    finally:
        await server.stop()
    broken = finbot(settings.data_dir, "audit", "verify")
    assert broken.returncode == 1
    assert f"audit chain BROKEN at row {second}" in broken.stdout and "edited" in broken.stdout
