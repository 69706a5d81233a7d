"""`Database.run`: a synchronous function as one transaction, on a SQLite file (in a worker thread, on its own
engine) and on PostgreSQL (the async session's run_sync): committed when it returns, rolled back when it
raises, and sharing SQLite's write lock with the async engine's transactions."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from core.store import Database
from core.store.db import table_of
from core.store.models import UserRow, utcnow


def _add_person(session: Session, person: str, *, fail: bool = False) -> str:
    now = utcnow()
    session.execute(insert(table_of(UserRow)), {"id": person, "platform": "web", "display_name": "",
                                                  "created_at": now, "last_seen_at": now})
    if fail:
        raise RuntimeError("after the insert")
    return threading.current_thread().name


async def _people(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.scalars(select(UserRow.id).order_by(UserRow.id))).all())


async def test_run_commits_what_the_function_wrote(db: Database) -> None:
    ran_in = await db.run(_add_person, "web:local:a")
    assert await _people(db) == ["web:local:a"]
    if db.is_sqlite:  # the whole transaction ran in one of the database's worker threads
        assert ran_in.startswith("finbot-db")
    else:
        assert ran_in == threading.current_thread().name


async def test_run_rolls_back_when_the_function_raises(db: Database) -> None:
    with pytest.raises(RuntimeError, match="after the insert"):
        await db.run(_add_person, "web:local:b", fail=True)
    assert await _people(db) == []


async def test_concurrent_runs_and_async_writes_all_land(db: Database) -> None:
    """Threaded transactions and async ones wait for SQLite's write lock in turn; none is lost."""

    async def async_write(i: int) -> None:
        async with db.session() as session:
            now = utcnow()
            await session.execute(insert(table_of(UserRow)), {"id": f"web:local:async{i}", "platform": "web",
                                                               "display_name": "", "created_at": now,
                                                               "last_seen_at": now})

    await asyncio.gather(*(db.run(_add_person, f"web:local:run{i}") for i in range(20)),
                         *(async_write(i) for i in range(20)))
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(UserRow)) == 40


async def test_engines_lists_every_engine_a_transaction_may_use(db: Database) -> None:
    begins: list[str] = []
    for engine in db.engines:
        event.listen(engine, "begin", lambda _conn, name=engine.url.drivername: begins.append(name))
    await db.run(_add_person, "web:local:c")
    async with db.session() as session:
        await session.execute(select(UserRow.id))
    assert len(begins) == 2
    assert len(db.engines) == (2 if db.is_sqlite else 1)
