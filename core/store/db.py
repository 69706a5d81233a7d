"""The database: one async SQLAlchemy engine for SQLite (default) or PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy import CursorResult, Engine, Result, Table, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from core.errors import ConfigurationError

__all__ = ["Database", "normalize_url", "rowcount", "table_of", "upsert_insert"]

P = ParamSpec("P")
T = TypeVar("T")

_THREAD_WORKERS = 4
"""Transactions `Database.run` runs at once on SQLite (its writers take turns on the database's one write lock)."""

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
        self._threaded = self._threads() if self.is_sqlite and parsed.database not in (None, "", ":memory:") else None
        """SQLite file: a synchronous engine on the same file and the worker threads `run` uses (no connection or
        thread until the first `run`)."""

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

    async def run(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """One transaction running `work(session, *args, **kwargs)`, a plain synchronous function over a Session:
        committed when it returns, rolled back when it raises.

        On a SQLite file the whole transaction runs in one worker thread on a synchronous engine: one hand-off
        between threads instead of several per statement (aiosqlite's thread answers each cursor call through the
        event loop), and SQLAlchemy's synchronous path. On PostgreSQL (or SQLite in memory, one connection) it
        runs through the async session's `run_sync`."""
        threaded = self._threaded
        if threaded is None:
            async with self.session() as session:
                return await session.run_sync(work, *args, **kwargs)
        _engine, sessions, executor = threaded

        def transaction() -> T:
            with sessions() as session, session.begin():
                return work(session, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(executor, transaction)

    @property
    def engines(self) -> list[Engine]:
        """The synchronous engines behind this database (the async engine's, and `run`'s on SQLite), e.g. to
        listen to their events."""
        engines = [self.engine.sync_engine]
        if self._threaded is not None:
            engines.append(self._threaded[0])
        return engines

    def _threads(self) -> tuple[Engine, sessionmaker[Session], ThreadPoolExecutor]:
        engine = create_engine(
            make_url(self.url).set(drivername="sqlite+pysqlite"),
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=_THREAD_WORKERS, max_overflow=0,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        executor = ThreadPoolExecutor(max_workers=_THREAD_WORKERS, thread_name_prefix="finbot-db")
        return engine, sessionmaker(engine, expire_on_commit=False), executor

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._threaded is not None:
            engine, _sessions, executor = self._threaded
            self._threaded = None
            await asyncio.get_running_loop().run_in_executor(executor, engine.dispose)
            executor.shutdown(wait=False)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE touched (`execute` is typed as Result; for DML it is a CursorResult)."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def upsert_insert(session: AsyncSession | Session, table: Any) -> Any:
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
