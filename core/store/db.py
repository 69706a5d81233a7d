"""The database: one async SQLAlchemy engine for SQLite (default) or PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Result, Table, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from core.errors import ConfigurationError

__all__ = ["Database", "normalize_url", "rowcount", "table_of", "upsert_insert"]

_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def normalize_url(url: str) -> str:
    """Pick finbot's async driver for a plain `sqlite://` or `postgresql://` URL."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError("DATABASE_URL", f"not a database URL ({exc.__class__.__name__})") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError("DATABASE_URL", f"unsupported database {backend!r}; use sqlite or postgresql")
    if "+" not in parsed.drivername:
        parsed = parsed.set(drivername=_DRIVERS[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


class Database:
    """Owns the engine and hands out sessions. The schema is created or migrated by `upgrade_schema()` on start."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": 30} if self.is_sqlite else {}
        self.engine: AsyncEngine = create_async_engine(
            self.url, echo=echo, connect_args=connect_args, pool_pre_ping=not self.is_sqlite
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sqlite_path(self) -> str | None:
        return make_url(self.url).database if self.is_sqlite else None

    @property
    def libpq_url(self) -> str | None:
        """A plain `postgresql://` URL (for psycopg users such as the LangGraph checkpointer)."""
        if self.is_sqlite:
            return None
        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def upgrade_schema(self) -> None:
        """Create the tables on a new database, or migrate an existing one to the newest revision."""
        from core.store.schema import upgrade_schema  # imports every model and Alembic: only when needed

        async with self.engine.begin() as conn:
            await conn.run_sync(upgrade_schema)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed on success, rolled back on error."""
        async with self._sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE touched (`execute` is typed as Result; for DML it is a CursorResult)."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def upsert_insert(session: AsyncSession, table: Any) -> Any:
    """`INSERT` of the session's dialect that can take `.on_conflict_do_update(...)` (SQLite and PostgreSQL)."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    return insert(table)


def table_of(model: type[Any]) -> Table:
    """A mapped class's table: statements on it skip the ORM's bulk insert / update machinery (hot paths)."""
    return cast(Table, model.__table__)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: durable across application crashes; only a power cut can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
