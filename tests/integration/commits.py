"""Counts the commits of transactions that wrote inbox rows (or ran another statement), with SQLAlchemy
engine events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_FLAG = "wrote_inbox"


class InboxCommits:
    """`InboxCommits(db.engine)`: `.count` is how many committed transactions inserted into `inbox`.

    Other transactions (the turns running beside the acks) are not counted."""

    def __init__(self, engine: AsyncEngine, statement: str = "INSERT INTO INBOX ") -> None:
        """`statement`: the start of the statements whose transactions count (upper case)."""
        self._prefix = statement
        self.count = 0
        self.statements = 0
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._statement)
        event.listen(sync, "commit", self._commit)
        event.listen(sync, "rollback", self._rollback)

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(self._prefix):
            conn.info[_FLAG] = True
            self.statements += 1

    def _commit(self, conn: Any) -> None:
        if conn.info.pop(_FLAG, False):
            self.count += 1

    def _rollback(self, conn: Any) -> None:
        conn.info.pop(_FLAG, None)
