"""People, conversations and messages: the history every answer is built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.store.db import Database, table_of
from core.store.models import ConversationRow, MessageRow, UserRow, utcnow
from core.types import Conversation, Person

__all__ = ["ConversationStore", "StoredMessage"]


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    role: str
    text: str
    user_id: str | None
    created_at: datetime
    turn_id: str | None = None


_messages = table_of(MessageRow)  # the table, not the entity: no ORM bulk-insert machinery
_INSERT_MESSAGES = insert(_messages).returning(_messages.c.id, _messages.c.role)
_RECENT = (  # columns, not entities: the turn's read builds no ORM objects; built once, bound each turn
    select(MessageRow.id, MessageRow.role, MessageRow.text, MessageRow.user_id, MessageRow.created_at,
           MessageRow.turn_id)
    .where(MessageRow.conversation_key == bindparam("key", type_=String))
    .order_by(MessageRow.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def db(self) -> Database:
        return self._db

    async def touch(self, person: Person, conversation: Conversation) -> None:
        """Create or refresh the person and the conversation (keeping the newest reference).

        Upserts (`INSERT ... ON CONFLICT DO UPDATE`, SQLite and PostgreSQL): a person's first two messages
        arriving at once, in one process or two, both succeed instead of one hitting the primary key.
        """
        now = utcnow()
        insert = self._insert()
        user = insert(UserRow).values(
            id=person.id, platform=conversation.platform, display_name=person.display_name, created_at=now,
            last_seen_at=now,
        )
        user_update: dict[str, Any] = {"last_seen_at": now}
        if person.display_name:
            user_update["display_name"] = person.display_name
        row = insert(ConversationRow).values(
            key=conversation.key, platform=conversation.platform, tenant=conversation.tenant,
            channel_id=conversation.channel_id, thread_id=conversation.thread_id, is_direct=conversation.is_direct,
            reference=conversation.reference, created_at=now, last_activity_at=now,
        )
        row_update: dict[str, Any] = {"last_activity_at": now}
        if conversation.reference is not None:
            row_update["reference"] = row.excluded.reference
        async with self._db.session() as session:
            await session.execute(user.on_conflict_do_update(index_elements=[UserRow.id], set_=user_update))
            await session.execute(
                row.on_conflict_do_update(index_elements=[ConversationRow.key], set_=row_update)
            )

    def _insert(self) -> Any:
        return sqlite_insert if self._db.is_sqlite else postgresql_insert

    async def add_message(
        self,
        conversation_key: str,
        *,
        role: str,
        text: str,
        user_id: str | None = None,
        event_id: str | None = None,
        turn_id: str | None = None,
    ) -> int:
        async with self._db.session() as session:
            row = MessageRow(
                conversation_key=conversation_key,
                role=role,
                text=text,
                user_id=user_id,
                event_id=event_id,
                turn_id=turn_id,
                created_at=utcnow(),
            )
            session.add(row)
            await session.flush()
            return row.id

    async def add_exchange(
        self,
        conversation_key: str,
        *,
        question: str,
        answer: str,
        user_id: str,
        event_id: str | None,
        turn_id: str,
    ) -> int:
        """The person's message and finbot's answer in one transaction; returns the question's message id."""
        async with self._db.session() as session:
            return await session.run_sync(
                self.add_exchange_in, conversation_key, question=question, answer=answer, user_id=user_id,
                event_id=event_id, turn_id=turn_id,
            )

    @staticmethod
    def add_exchange_in(
        session: Session,
        conversation_key: str,
        *,
        question: str,
        answer: str,
        user_id: str,
        event_id: str | None,
        turn_id: str,
    ) -> int:
        """`add_exchange` inside the caller's transaction (the turn's one write, core.turn)."""
        now = utcnow()
        rows = [
            {"conversation_key": conversation_key, "role": "user", "text": question, "user_id": user_id,
             "event_id": event_id, "turn_id": None, "created_at": now},
            {"conversation_key": conversation_key, "role": "assistant", "text": answer, "user_id": None,
             "event_id": None, "turn_id": turn_id, "created_at": now},
        ]
        # One INSERT of both rows: an executemany with RETURNING, which SQLAlchemy sends as one multi-row VALUES
        # statement it can cache (`.values(rows)` is compiled anew every time). RETURNING's order is not
        # guaranteed: the roles tell the rows apart.
        returned = session.execute(_INSERT_MESSAGES, rows)
        return next(int(i) for i, role in returned.all() if role == "user")

    async def answer_for(self, event_id: str) -> str | None:
        """finbot's saved answer to the message with this platform event id (None: not answered yet).

        A turn re-run by the inbox sweep delivers this instead of answering twice when the first run saved.
        """
        async with self._db.session() as session:
            asked = await session.scalar(select(MessageRow).where(MessageRow.event_id == event_id))
            if asked is None:
                return None
            return await session.scalar(
                select(MessageRow.text)
                .where(
                    MessageRow.conversation_key == asked.conversation_key,
                    MessageRow.id > asked.id,
                    MessageRow.role == "assistant",
                )
                .order_by(MessageRow.id)
                .limit(1)
            )

    async def recent_messages(self, conversation_key: str, limit: int) -> list[StoredMessage]:
        """The last `limit` messages of a conversation, oldest first."""
        if limit <= 0:
            return []
        async with self._db.session() as session:
            return await session.run_sync(self.recent_in, conversation_key, limit)

    @staticmethod
    def recent_in(session: Session, conversation_key: str, limit: int) -> list[StoredMessage]:
        """`recent_messages` inside the caller's transaction (the turn's one read, core.turn)."""
        if limit <= 0:
            return []
        rows = session.execute(_RECENT, {"key": conversation_key, "limit": limit}).all()
        return [StoredMessage(*r) for r in reversed(rows)]

    async def get_conversation(self, key: str) -> Conversation | None:
        async with self._db.session() as session:
            row = await session.get(ConversationRow, key)
            return _conversation(row) if row is not None else None

    async def latest_in_channel(
        self, platform: str, tenant: str, channel_id: str, limit: int = 5
    ) -> list[Conversation]:
        """The channel's most recently active conversations, newest first (e.g. to continue a DM session).
        Asked before every top-level Slack DM: one `Database.run` on a statement built once."""
        return await self._db.run(_latest_in_channel, platform, tenant, channel_id, limit)


def _latest_in_channel(session: Session, platform: str, tenant: str, channel_id: str, limit: int) -> list[Conversation]:
    params = {"platform": platform, "tenant": tenant, "channel": channel_id, "limit": limit}
    return [
        Conversation(platform=r.platform, tenant=r.tenant, channel_id=r.channel_id, thread_id=r.thread_id,
                     is_direct=r.is_direct, reference=r.reference)
        for r in session.execute(_LATEST, params)
    ]


_LATEST = (
    select(ConversationRow.platform, ConversationRow.tenant, ConversationRow.channel_id, ConversationRow.thread_id,
           ConversationRow.is_direct, ConversationRow.reference)
    .where(
        ConversationRow.platform == bindparam("platform", type_=String),
        ConversationRow.tenant == bindparam("tenant", type_=String),
        ConversationRow.channel_id == bindparam("channel", type_=String),
    )
    .order_by(ConversationRow.last_activity_at.desc())
    .limit(bindparam("limit", type_=Integer))
)


def _conversation(row: ConversationRow) -> Conversation:
    return Conversation(
        platform=row.platform,
        tenant=row.tenant,
        channel_id=row.channel_id,
        thread_id=row.thread_id,
        is_direct=row.is_direct,
        reference=row.reference,
    )
