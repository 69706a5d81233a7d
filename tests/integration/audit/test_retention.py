"""Retention and legal hold: a purge past retention (clock injected) leaves a signed marker and a chain that
verifies; held people and conversations are skipped; `finbot memory delete` never touches the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core.audit import AuditEntry, AuditTrail, verify_chain
from core.audit.retention import active_holds, place_hold, purge_expired, release_hold
from core.store import Database
from core.store.models import AuditRow
from tests.conftest import SettingsFactory
from tests.integration.audit.test_turns import WIRE, finbot, say

KEY = b"audit-test-key"
SIX_YEARS = timedelta(days=6 * 365.25)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'audit.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = Database(url)
    await database.upgrade_schema()
    yield database
    await database.dispose()


def _turn(person: str, conversation: str) -> AuditEntry:
    return AuditEntry(kind="turn", body={"question": "q", "answer": "a"}, person_id=person,
                      conversation_key=conversation)


async def _seqs(db: Database) -> list[tuple[int, str, str]]:
    async with db.session() as session:
        rows = (await session.scalars(select(AuditRow).order_by(AuditRow.seq))).all()
    return [(r.seq, r.kind, r.person_id) for r in rows]


async def test_purge_past_retention_skips_holds_and_leaves_a_signed_marker(db: Database) -> None:
    clock = Clock(datetime(2020, 1, 1, tzinfo=UTC))
    trail = AuditTrail(db, signing_key=KEY, clock=clock)
    for person, conversation in [("ann", "c-ann"), ("bob", "c-bob"), ("ann", "c-ann"), ("cy", "c-cy")]:
        await trail.append(_turn(person, conversation))  # rows 1-4, in 2020
    await place_hold(trail, person="bob", reason="matter 42")  # row 5
    await place_hold(trail, conversation="c-cy", reason="complaint 7")  # row 6
    clock.now = datetime(2026, 6, 1, tzinfo=UTC)
    await trail.append(_turn("ann", "c-ann"))  # row 7: young
    assert (await purge_expired(trail, retention=SIX_YEARS)).purged == 2  # 2020-01-01 + 6y < 2026-06-01: ann's two

    report = await verify_chain(trail)
    assert report.ok, report.describe()
    assert report.purged == 2
    left = await _seqs(db)
    assert [(s, k) for s, k, _p in left] == [
        (2, "turn"), (4, "turn"), (5, "hold"), (6, "hold"), (7, "turn"), (8, "purge"),
    ]
    async with db.session() as session:
        marker = await session.get(AuditRow, 8)
    assert marker is not None and marker.signature and marker.body["purged"][0][:2] == [1, 1]
    assert marker.body["held"] == 2

    await release_hold(trail, person="bob")  # row 9
    assert (await active_holds(trail)).persons == {}
    clock.now = datetime(2026, 6, 2, tzinfo=UTC)
    second = await purge_expired(trail, retention=SIX_YEARS)
    assert second.purged == 1 and second.held == 1  # bob's row goes now; c-cy's conversation is still held
    assert (await verify_chain(trail)).ok
    assert [s for s, _k, p in await _seqs(db) if p == "cy"] == [4]


async def test_a_forged_or_unkeyed_purge_is_refused(db: Database) -> None:
    clock = Clock(datetime(2019, 1, 1, tzinfo=UTC))
    await AuditTrail(db, clock=clock).append(_turn("ann", "c"))
    clock.now = datetime(2026, 1, 1, tzinfo=UTC)
    unkeyed = await purge_expired(AuditTrail(db, clock=clock), retention=SIX_YEARS)
    assert unkeyed.purged == 0 and "FINBOT_AUDIT_KEY" in unkeyed.refused
    forger = AuditTrail(db, signing_key=b"not-the-firms", clock=clock)
    assert (await purge_expired(forger, retention=SIX_YEARS)).purged == 1
    report = await verify_chain(AuditTrail(db, signing_key=KEY))
    assert not report.ok and "purge row's signature is not the firm's" in report.reason


async def test_rows_a_marker_does_not_list_cannot_be_deleted(db: Database) -> None:
    clock = Clock(datetime(2019, 1, 1, tzinfo=UTC))
    trail = AuditTrail(db, signing_key=KEY, clock=clock)
    await trail.append(_turn("ann", "c"))
    await trail.append(_turn("bob", "c2"))
    clock.now = datetime(2025, 6, 1, tzinfo=UTC)
    await place_hold(trail, person="bob")
    await purge_expired(trail, retention=SIX_YEARS)
    with pytest.raises(DBAPIError, match="audit_log"):
        async with db.engine.begin() as conn:
            await conn.execute(text("DELETE FROM audit_log WHERE person_id = 'bob'"))


async def test_memory_delete_keeps_the_audit_trail_and_says_so(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    from bot.server import start_server

    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        await say(server, ["Hi, my name is Dana and I'm retiring in 2031.", WIRE])
        await server.container.assistant.drain()
    finally:
        await server.stop()
    deleted = finbot(settings.data_dir, "memory", "delete", "--user", "web:local:dana")
    assert deleted.returncode == 0, deleted.stderr
    assert '"audit_rows": 2' in deleted.stdout
    assert "The audit trail is not" in deleted.stderr and "books and records" in deleted.stderr
    exported = finbot(settings.data_dir, "memory", "export", "--user", "web:local:dana")
    assert exported.returncode == 1  # nothing of Dana's memory is left ...
    verified = finbot(settings.data_dir, "audit", "verify")
    assert verified.returncode == 0 and "audit chain verified" in verified.stdout  # ... and the record is whole


async def test_hold_and_purge_from_the_command_line(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    env = {"FINBOT_AUDIT_KEY": "k3y"}
    refused = finbot(settings.data_dir, "audit", "hold", "--person", "web:local:dana")
    assert refused.returncode == 2 and "FINBOT_AUDIT_KEY" in refused.stderr
    held = finbot(settings.data_dir, "audit", "hold", "--person", "web:local:dana", "--reason", "matter 1", **env)
    assert held.returncode == 0 and "legal hold placed on person web:local:dana" in held.stdout
    holds = finbot(settings.data_dir, "audit", "holds", **env)
    assert '"web:local:dana": "matter 1"' in holds.stdout
    purged = finbot(settings.data_dir, "audit", "purge", **env)
    assert purged.returncode == 0 and purged.stdout.startswith("purged 0 audit rows older than 6y")
