"""Conversation summaries in the database, and claiming a due conversation exactly once.

A conversation is due when it has been idle long enough and has messages its summary does not cover
yet. Claiming sets a lease (`claimed_by`, `claimed_until`) with one conditional UPDATE that also
requires the summary to still be behind the conversation's newest message: whoever claims first
wins, and once the summary is written nobody else can claim that same state. On PostgreSQL the
claim first takes the summary row with `SELECT ... FOR UPDATE SKIP LOCKED`, so a process never
waits on a row another one is claiming; SQLite runs one writer at a time, so the conditional UPDATE
alone is enough there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core.store.conversations import StoredMessage
from core.store.db import Database, rowcount
from core.store.models import ConversationRow, ConversationSummaryRow, MessageRow

__all__ = ["DueConversation", "SummaryStore"]


@dataclass(frozen=True, slots=True)
class DueConversation:
    key: str
    newest_message_id: int


class SummaryStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def summary(self, conversation_key: str) -> str:
        async with self._db.session() as session:
            return await self.summary_in(session, conversation_key)

    @staticmethod
    async def summary_in(session: AsyncSession, conversation_key: str) -> str:
        """The summary, read inside the caller's transaction (core.turn)."""
        row = await session.get(ConversationSummaryRow, conversation_key)
        return row.text if row is not None else ""

    async def due(self, *, idle_before: datetime, limit: int = 100) -> list[DueConversation]:
        """Conversations quiet since `idle_before` with messages newer than their summary, oldest first."""
        newest = func.max(MessageRow.id)
        covered = func.coalesce(ConversationSummaryRow.covered_message_id, 0)
        query = (
            select(ConversationRow.key, newest)
            .join(MessageRow, MessageRow.conversation_key == ConversationRow.key)
            .outerjoin(ConversationSummaryRow, ConversationSummaryRow.conversation_key == ConversationRow.key)
            .where(ConversationRow.last_activity_at < idle_before)
            .group_by(ConversationRow.key, ConversationSummaryRow.covered_message_id)
            .having(newest > covered)
            .order_by(ConversationRow.key)
            .limit(limit)
        )
        async with self._db.session() as session:
            rows = (await session.execute(query)).all()
        return [DueConversation(key, int(newest_id)) for key, newest_id in rows]

    async def claim(self, due: DueConversation, *, worker: str, now: datetime, lease: timedelta) -> bool:
        """True for exactly one worker per (conversation, newest message), across processes."""
        await self._ensure_row(due.key)
        free = or_(ConversationSummaryRow.claimed_until.is_(None), ConversationSummaryRow.claimed_until < now)
        behind = ConversationSummaryRow.covered_message_id < due.newest_message_id
        this = ConversationSummaryRow.conversation_key == due.key
        async with self._db.session() as session:
            if not self._db.is_sqlite:
                locked = await session.scalar(
                    select(ConversationSummaryRow.conversation_key)
                    .where(this, free, behind)
                    .with_for_update(skip_locked=True)
                )
                if locked is None:
                    return False
            result = await session.execute(
                update(ConversationSummaryRow)
                .where(this, free, behind)
                .values(claimed_by=worker, claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            return rowcount(result) == 1

    async def _ensure_row(self, key: str) -> None:
        dialect = sqlite if self._db.is_sqlite else postgresql
        async with self._db.session() as session:
            await session.execute(
                dialect.insert(ConversationSummaryRow)
                .values(conversation_key=key, text="", tokens=0, covered_message_id=0, revision=0)
                .on_conflict_do_nothing(index_elements=["conversation_key"])
            )

    async def pending(self, due: DueConversation) -> tuple[str, list[StoredMessage]]:
        """The current summary and the messages it does not cover yet (up to the claimed newest one)."""
        async with self._db.session() as session:
            row = await session.get(ConversationSummaryRow, due.key)
            covered = row.covered_message_id if row is not None else 0
            messages = (
                await session.scalars(
                    select(MessageRow)
                    .where(
                        MessageRow.conversation_key == due.key,
                        and_(MessageRow.id > covered, MessageRow.id <= due.newest_message_id),
                    )
                    .order_by(MessageRow.id)
                )
            ).all()
        previous = row.text if row is not None else ""
        return previous, [StoredMessage(m.id, m.role, m.text, m.user_id, m.created_at, m.turn_id) for m in messages]

    async def write(
        self, due: DueConversation, *, worker: str, text: str, tokens: int, now: datetime
    ) -> bool:
        """Store the summary and release the claim; False when this worker's lease was lost meanwhile."""
        async with self._db.session() as session:
            result = await session.execute(
                update(ConversationSummaryRow)
                .where(ConversationSummaryRow.conversation_key == due.key, ConversationSummaryRow.claimed_by == worker)
                .values(
                    text=text,
                    tokens=tokens,
                    covered_message_id=due.newest_message_id,
                    revision=ConversationSummaryRow.revision + 1,
                    claimed_by=None,
                    claimed_until=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            return rowcount(result) == 1

    async def release(self, due: DueConversation, *, worker: str) -> None:
        """Give a claim back without writing (the summarizer failed): the next run tries again."""
        async with self._db.session() as session:
            await session.execute(
                update(ConversationSummaryRow)
                .where(ConversationSummaryRow.conversation_key == due.key, ConversationSummaryRow.claimed_by == worker)
                .values(claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )
