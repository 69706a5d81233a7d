"""The turn's one read (`TurnStore.open`) and one write (`TurnStore.close`).

The other stores keep their own `*_in(session)` functions; here they run inside one shared transaction each
way. Metrics are written in a savepoint so that a failure to record them never loses the exchange.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Select, String, bindparam, func, select, update
from sqlalchemy.orm import Session

from core.escalation.store import EscalationStore
from core.market.store import DbMarketFeed
from core.memory.store import MemoryStore
from core.memory.types import Profile
from core.portfolio.access import HoldingsAccess
from core.store.conversations import ConversationStore
from core.store.db import Database, table_of, upsert_insert
from core.store.metrics import MetricsStore, TurnRecord
from core.store.models import (
    ConversationRow,
    ConversationSummaryRow,
    DocumentRow,
    UserFactRow,
    UserRow,
    utcnow,
)
from core.turn.snapshot import ThreadState, TurnSnapshot
from core.types import IncomingMessage

__all__ = ["Closed", "TurnStore", "TurnWrite"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TurnWrite:
    """Everything a turn changes, written in one transaction at its end."""

    message: IncomingMessage
    turn_id: str
    thread: ThreadState
    question: str
    """The person's message as kept in the history (a request to forget is kept in other words)."""
    answer: str
    profile: Profile | None = None
    """The profile after this turn; None: memory is off."""
    record: TurnRecord | None = None
    """The turn's metrics row."""
    audit: Callable[[Session], object] | None = None
    """Adds the turn's audit row (core.audit) inside this transaction: no answer is kept without its record."""
    profile_known: bool = False
    """The profile's row existed when the turn read it (an UPDATE, else an insert guarded by a savepoint)."""


@dataclass(frozen=True, slots=True)
class Closed:
    message_id: int
    """The question's message id (facts learned from it point at it)."""
    recorded: bool
    """The metrics row was written."""


class TurnStore:
    def __init__(
        self,
        db: Database,
        *,
        recent_messages: int = 10,
        memory: bool = True,
        access: HoldingsAccess | None = None,
        metrics: MetricsStore | None = None,
        market: DbMarketFeed | None = None,
    ) -> None:
        """`market`: its cached symbols (reference data) are re-read with the turn's read when stale."""
        self._db = db
        self._metrics = metrics or MetricsStore(db)
        self._market = market
        self._recent = recent_messages
        self._memory = memory
        self._access = access
        self._heads = _heads(bindparam("person", type_=String), bindparam("key", type_=String), memory=memory)

    async def open(self, message: IncomingMessage) -> TurnSnapshot:
        """One transaction: the person and conversation (created when new), the hold, memory, recent messages,
        holdings. The single-valued reads share one statement (`_heads`): each statement costs a round trip."""
        return await self._db.run(self._open, message)

    def _open(self, session: Session, message: IncomingMessage) -> TurnSnapshot:
        person, key = message.person.id, message.conversation.key
        snapshot = TurnSnapshot(person_id=person, conversation_key=key)
        heads = session.execute(self._heads, {"person": person, "key": key}).one()
        snapshot.new_person = heads.user is None
        snapshot.new_conversation = heads.conversation is None
        if heads.conversation is not None:  # another person's thread state too, in a shared channel thread
            snapshot.thread = ThreadState.from_json(heads.thread_state)
        snapshot.documents_version = (int(heads.documents or 0), str(heads.documents_updated))
        if heads.escalation is not None:  # rare: load the hold only when there is one
            snapshot.active = EscalationStore.active_in(session, key)
        if self._memory:
            snapshot.profile = MemoryStore.profile_from(heads)
            if heads.facts:  # most people have none: no query for them
                snapshot.fact_rows = MemoryStore.rows_in(session, person)
            snapshot.summary = heads.summary or ""
        snapshot.recent = ConversationStore.recent_in(session, key, self._recent)
        if self._access is not None:
            snapshot.owner, snapshot.holdings = self._access.owned_in(session, person)
        if self._market is not None and self._market.symbols_stale():
            self._market.refresh_symbols_in(session)
        if snapshot.new_person or snapshot.new_conversation:  # last: SQLite's write lock only for the inserts
            _create(session, message, person=snapshot.new_person, conversation=snapshot.new_conversation)
        return snapshot

    async def close(self, write: TurnWrite) -> Closed:
        """One transaction: the question and answer, the person's and conversation's activity, the thread state,
        the profile, the metrics row. Plain UPDATE statements: the rows exist (the turn's read made them).

        A metrics row that cannot be written never loses the exchange: the transaction is written again
        without it (no savepoint around it on every turn for a failure that is rare)."""
        if write.record is not None:
            try:
                return await self._close(write, write.record)
            except _MetricsFailed:
                log.exception("could not record metrics for turn %s", write.record.id)
        return await self._close(write, None)

    async def _close(self, write: TurnWrite, record: TurnRecord | None) -> Closed:
        return await self._db.run(self._write, write, record)

    def _write(self, session: Session, write: TurnWrite, record: TurnRecord | None) -> Closed:
        message, now = write.message, utcnow()
        person: dict[str, Any] = {"last_seen_at": now}
        if message.person.display_name:
            person["display_name"] = message.person.display_name
        # Constant statements with the values as parameters: compiled once and cached (per set of columns).
        session.execute(_UPDATE_PERSON, {**person, "person": message.person.id})
        conversation: dict[str, Any] = {"last_activity_at": now, "thread_state": write.thread.to_json()}
        if message.conversation.reference is not None:
            conversation["reference"] = message.conversation.reference
        session.execute(_UPDATE_CONVERSATION, {**conversation, "conversation": message.conversation.key})
        if write.profile is not None:
            MemoryStore.save_profile_in(session, write.profile, known=write.profile_known)
        message_id = ConversationStore.add_exchange_in(
            session, message.conversation.key, question=write.question, answer=write.answer,
            user_id=message.person.id, event_id=message.event_id, turn_id=write.turn_id,
        )
        if record is not None:
            try:
                self._metrics.record_in(session, record)
            except Exception as exc:  # rolled back with the rest; `close` writes the exchange without it
                raise _MetricsFailed from exc
        if write.audit is not None:
            write.audit(session)
        return Closed(message_id, record is not None)


_users, _conversations = table_of(UserRow), table_of(ConversationRow)  # tables: no ORM update path
_UPDATE_PERSON = update(_users).where(_users.c.id == bindparam("person", type_=String))
_UPDATE_CONVERSATION = update(_conversations).where(_conversations.c.key == bindparam("conversation", type_=String))


class _MetricsFailed(Exception):
    """The metrics row could not be written (the turn's write is retried without it)."""


def _heads(person: BindParameter[str], key: BindParameter[str], *, memory: bool) -> Select[Any]:
    """One row of scalar subqueries: is the person known, the conversation and its thread state, its summary,
    the knowledge base's fingerprint (core.retrieval.documents.DocumentStore.version_in), and whether an
    escalation holds the conversation; with memory, also the summary, the number of facts and the profile.
    Built once per store with bound parameters: only its values change from turn to turn."""
    columns = [
        select(UserRow.id).where(UserRow.id == person).scalar_subquery().label("user"),
        select(ConversationRow.key).where(ConversationRow.key == key).scalar_subquery().label("conversation"),
        select(ConversationRow.thread_state).where(ConversationRow.key == key).scalar_subquery()
        .label("thread_state"),
        select(func.count()).select_from(DocumentRow).scalar_subquery().label("documents"),
        select(func.max(DocumentRow.updated_at)).scalar_subquery().label("documents_updated"),
        EscalationStore.active_id(key).label("escalation"),
    ]
    if memory:
        columns.append(select(ConversationSummaryRow.text).where(ConversationSummaryRow.conversation_key == key)
                       .scalar_subquery().label("summary"))
        columns.append(select(func.count()).select_from(UserFactRow).where(UserFactRow.user_id == person)
                       .scalar_subquery().label("facts"))
        columns.extend(MemoryStore.profile_columns(person))
    return select(*columns)


def _create(session: Session, message: IncomingMessage, *, person: bool, conversation: bool) -> None:
    """A first message: the person and conversation rows. `INSERT ... ON CONFLICT DO NOTHING`: a concurrent first
    message (in this process or another) may have inserted them first, and that is fine."""
    now, c = utcnow(), message.conversation
    if person:
        session.execute(upsert_insert(session, _users).on_conflict_do_nothing(), {
            "id": message.person.id, "platform": c.platform, "display_name": message.person.display_name,
            "created_at": now, "last_seen_at": now,
        })
    if conversation:
        session.execute(upsert_insert(session, _conversations).on_conflict_do_nothing(), {
            "key": c.key, "platform": c.platform, "tenant": c.tenant, "channel_id": c.channel_id,
            "thread_id": c.thread_id, "is_direct": c.is_direct, "reference": c.reference, "created_at": now,
            "last_activity_at": now,
        })
