"""Schema management: migrations build exactly the models' schema; new, old and busy databases all upgrade."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text

from core.store import Database
from core.store.models import Base
from core.store.schema import FIRST_REVISION, alembic_config, head_revision


def _migrate_from_scratch(connection: Connection) -> list[object]:
    """Run every migration on an empty database, then diff the result against the models."""
    command.upgrade(alembic_config(connection), "head")
    return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)


def _version(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'schema.db'}"
    return request.getfixturevalue("postgres_url")


async def test_migrations_build_exactly_the_models_schema(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            differences = await conn.run_sync(_migrate_from_scratch)
    finally:
        await db.dispose()
    assert differences == [], "a model changed without a migration: add one under core/store/migrations/versions"


async def test_a_new_database_is_created_and_stamped_with_the_newest_revision(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.upgrade_schema()
        await db.upgrade_schema()  # a restart changes nothing
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_version) == head_revision()
    finally:
        await db.dispose()


async def test_a_database_from_before_migrations_is_adopted(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            # how finbot made databases before migrations: the first revision's tables, no version table
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), FIRST_REVISION))
            await conn.execute(text("DROP TABLE alembic_version"))
            await conn.execute(text("INSERT INTO processed_events (event_id, created_at) VALUES ('kept', :now)"),
                               {"now": "2026-11-24 00:00:00+00:00"})
        await db.upgrade_schema()
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_version) == head_revision()
            assert (await conn.execute(text("SELECT count(*) FROM processed_events"))).scalar_one() == 1
    finally:
        await db.dispose()


async def test_processes_starting_together_on_postgresql_take_turns(postgres_url: str) -> None:
    databases = [Database(postgres_url) for _ in range(4)]
    try:
        await asyncio.gather(*(db.upgrade_schema() for db in databases))
        async with databases[0].engine.connect() as conn:
            assert await conn.run_sync(_version) == head_revision()
    finally:
        for db in databases:
            await db.dispose()


def test_finbot_db_upgrade_and_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main
    from core.store.schema import MIGRATIONS

    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["db", "upgrade"]) == 0
    assert f"database at revision {head_revision()}" in capsys.readouterr().out

    head = head_revision()
    before = set(MIGRATIONS.joinpath("versions").glob("*.py"))
    assert main(["db", "revision", "-m", "no change"]) == 0
    written = set(MIGRATIONS.joinpath("versions").glob("*.py")) - before
    try:
        assert len(written) == 1
        source = next(iter(written)).read_text(encoding="utf-8")
        assert f"down_revision = '{head}'" in source
        assert "op.create_table" not in source and "op.add_column" not in source  # the models match the head
    finally:
        for path in written:
            path.unlink()
