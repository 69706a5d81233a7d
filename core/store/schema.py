"""The database schema: created on a new database, upgraded by Alembic migrations on an existing one.

New database: `create_all` from the models, then stamped with the newest revision (fast, and identical to the
migrations: a test compares them). Existing database: `alembic upgrade head`. A database made by finbot before
migrations existed (tables, no version) is stamped with the first revision and upgraded from there. On
PostgreSQL an advisory lock makes several processes starting at once take turns.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from core.store.models import Base

__all__ = ["FIRST_REVISION", "MIGRATIONS", "alembic_config", "head_revision", "upgrade_schema"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
_LOCK_ID = 0x66696E626F74  # "finbot"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade_schema(connection: Connection) -> None:
    """Bring the schema to the newest revision (call inside a transaction, e.g. `engine.begin()`)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    current = MigrationContext.configure(connection).get_current_revision()
    config = alembic_config(connection)
    if current is None:
        if not inspect(connection).has_table("users"):
            Base.metadata.create_all(connection)
            command.stamp(config, "head")
            return
        command.stamp(config, FIRST_REVISION)  # made by create_all before migrations existed
    command.upgrade(config, "head")
