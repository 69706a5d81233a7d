"""The audit chain on real SQLite and PostgreSQL: appends link, the database refuses edits, verify names the row."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.audit import AuditEntry, AuditTrail, verify_chain
from core.store import Database


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'audit.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = Database(url)
    await database.upgrade_schema()
    yield database
    await database.dispose()


def _entry(n: int) -> AuditEntry:
    return AuditEntry(kind="turn", body={"question": f"q{n}", "answer": f"a{n}", "confidence": 0.5 + n / 1000},
                      person_id="web:local:p1", conversation_key="web:local:c1", turn_id=f"t{n}")


async def _drop_guards(db: Database) -> None:
    """What someone with the database's owner rights could do: remove the triggers first."""
    async with db.engine.begin() as conn:
        if db.is_sqlite:
            await conn.execute(text("DROP TRIGGER audit_log_no_update"))
            await conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            await conn.execute(text("DROP TRIGGER audit_log_guard ON audit_log"))


async def test_appends_form_one_chain_that_verifies(db: Database) -> None:
    trail = AuditTrail(db)
    await asyncio.gather(*(trail.append(_entry(n)) for n in range(20)))  # concurrent writers, one chain
    report = await verify_chain(trail)
    assert report.ok, report.describe()
    assert report.rows == 20


async def test_the_database_refuses_update_and_delete(db: Database) -> None:
    trail = AuditTrail(db)
    await trail.append(_entry(1))
    for statement in ("UPDATE audit_log SET body = '{}' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"):
        with pytest.raises(DBAPIError, match="audit_log"):
            async with db.engine.begin() as conn:
                await conn.execute(text(statement))
    assert (await verify_chain(trail)).rows == 1


async def test_an_edited_row_is_named(db: Database) -> None:
    trail = AuditTrail(db)
    for n in range(5):
        await trail.append(_entry(n))
    await _drop_guards(db)
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE audit_log SET body = :b WHERE seq = 3"), {"b": '{"answer": "changed"}'})
    report = await verify_chain(trail)
    assert not report.ok
    assert report.broken_seq == 3
    assert "row 3" in report.describe()


async def test_a_deleted_row_fails_verification(db: Database) -> None:
    trail = AuditTrail(db)
    for n in range(5):
        await trail.append(_entry(n))
    await _drop_guards(db)
    async with db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    report = await verify_chain(trail)
    assert not report.ok
    assert report.broken_seq == 3
    assert "missing" in report.reason


async def test_append_in_joins_the_callers_transaction(db: Database) -> None:
    trail = AuditTrail(db)
    with pytest.raises(RuntimeError):
        async with db.session() as session:
            await trail.append_in(session, _entry(1))
            raise RuntimeError("the turn's write failed")
    assert (await verify_chain(trail)).rows == 0  # rolled back with the rest
    async with db.session() as session:
        await trail.append_in(session, _entry(2))
    assert (await verify_chain(trail)).rows == 1
