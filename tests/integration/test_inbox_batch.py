"""The durable inbox's group commit on real SQLite and PostgreSQL: concurrent accepts share one transaction,
a repeat inside a batch loses, a batch the database refuses fails every caller and leaves nothing behind."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from core.store import Database, Inbox
from core.store.models import InboxRow, ProcessedEvent
from tests.integration.commits import InboxCommits


async def _count(db: Database, model: type[Any]) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _accept(inbox: Inbox, event_id: str, payload: object = None) -> Any:
    return inbox.accept(event_id, platform="slack", payload={"n": event_id} if payload is None else payload)


async def test_concurrent_accepts_share_one_commit(db: Database) -> None:
    commits = InboxCommits(db.engine)
    inbox = Inbox(db, batch_window_s=0.05)
    assert await asyncio.gather(*(_accept(inbox, f"e{i}") for i in range(50))) == [True] * 50
    assert commits.count == 1
    assert await _count(db, InboxRow) == 50
    assert await inbox.pending() == 50


async def test_concurrent_done_marks_share_one_commit(db: Database) -> None:
    inbox = Inbox(db, batch_window_s=0.05)
    await asyncio.gather(*(_accept(inbox, f"e{i}") for i in range(50)))
    commits = InboxCommits(db.engine, statement="UPDATE INBOX ")
    assert await asyncio.gather(*(inbox.done(f"e{i}") for i in range(50))) == [True] * 50
    assert commits.count == 1
    assert await inbox.pending() == 0


async def test_a_repeat_inside_one_batch_loses_and_a_later_repeat_too(db: Database) -> None:
    commits = InboxCommits(db.engine)
    inbox = Inbox(db, batch_window_s=0.05)
    first = await asyncio.gather(_accept(inbox, "same"), _accept(inbox, "other"), _accept(inbox, "same"))
    assert first == [True, True, False]
    assert commits.count == 1
    assert await _accept(inbox, "same") is False  # and from a second process on the same database
    assert await _accept(Inbox(db), "other") is False
    assert await _count(db, InboxRow) == 2
    assert await _count(db, ProcessedEvent) == 2


async def test_a_batch_the_database_refuses_fails_every_caller_and_claims_nothing(db: Database) -> None:
    inbox = Inbox(db, batch_window_s=0.05)
    unstorable = {"not json": object()}
    results = await asyncio.gather(
        _accept(inbox, "a"), _accept(inbox, "b", unstorable), _accept(inbox, "c"), return_exceptions=True
    )
    assert all(isinstance(r, Exception) for r in results), results
    assert await _count(db, ProcessedEvent) == 0  # rolled back: Slack's retry is still a first delivery
    assert await _count(db, InboxRow) == 0
    assert await asyncio.gather(_accept(inbox, "a"), _accept(inbox, "c")) == [True, True]
