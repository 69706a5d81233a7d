"""The escalations table. Every state change is one conditional UPDATE checked by its row count.

`UPDATE ... WHERE id = :id AND status = 'open'` lets exactly one of many concurrent claims win on SQLite
(writers are serialised; the UPDATE is the transaction's first statement, so no read lock is upgraded)
and on PostgreSQL (the row lock makes later updaters re-check the WHERE clause and match nothing).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, and_, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ScalarSelect

from core.escalation.record import ACTIVE, Advisor, CardRef, Escalation, Status
from core.store.db import Database, rowcount
from core.store.models import ConversationRow, EscalationRow
from core.types import Conversation

__all__ = ["EscalationStats", "EscalationStore", "NewEscalation", "Transition"]


@dataclass(frozen=True, slots=True)
class NewEscalation:
    conversation: Conversation
    person_id: str
    person_name: str
    question: str
    summary: str
    sources: list[dict[str, Any]]
    confidence: int | None
    reason: str
    turn_id: str | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """Outcome of a state change: `changed` is True for the one caller that made it happen."""

    changed: bool
    escalation: Escalation | None


@dataclass(frozen=True, slots=True)
class EscalationStats:
    by_status: dict[str, int]
    claimed: int
    answered: int
    mean_claim_seconds: float | None
    mean_answer_seconds: float | None
    max_claim_seconds: float | None
    max_answer_seconds: float | None


def _to_record(row: EscalationRow) -> Escalation:
    card = (
        CardRef(row.card_platform, row.card_channel or "", row.card_message_id or "", dict(row.card_extra or {}))
        if row.card_platform
        else None
    )
    return Escalation(
        id=row.id,
        conversation=Conversation.model_validate(row.conversation),
        person_id=row.person_id,
        person_name=row.person_name,
        question=row.question,
        summary=row.summary,
        sources=list(row.sources or []),
        confidence=row.confidence,
        reason=row.reason,
        status=Status(row.status),
        created_at=row.created_at,
        advisor=Advisor(row.advisor_id, row.advisor_name or row.advisor_id) if row.advisor_id else None,
        claimed_at=row.claimed_at,
        answered_at=row.answered_at,
        closed_at=row.closed_at,
        claim_seconds=row.claim_seconds,
        answer_seconds=row.answer_seconds,
        reminders=row.reminders,
        card=card,
    )


_ACTIVE_VALUES = [str(s) for s in ACTIVE]


class EscalationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewEscalation, *, now: datetime, status: Status = Status.OPEN) -> Escalation:
        row = EscalationRow(
            id=uuid.uuid4().hex,
            conversation_key=new.conversation.key,
            conversation=new.conversation.model_dump(mode="json"),
            person_id=new.person_id,
            person_name=new.person_name,
            question=new.question,
            summary=new.summary,
            sources=new.sources,
            confidence=new.confidence,
            reason=new.reason,
            status=str(status),
            created_at=now,
            closed_at=now if status == Status.UNROUTED else None,
            reminders=0,
            turn_id=new.turn_id,
        )
        async with self._db.session() as session:
            session.add(row)
        return _to_record(row)

    async def get(self, escalation_id: str) -> Escalation | None:
        async with self._db.session() as session:
            row = await session.get(EscalationRow, escalation_id)
            return _to_record(row) if row is not None else None

    async def active_for_conversation(self, conversation_key: str) -> Escalation | None:
        """The newest escalation of this conversation that still holds the conversation, if any."""
        async with self._db.session() as session:
            return await session.run_sync(self.active_in, conversation_key)

    @staticmethod
    def active_in(session: Session, conversation_key: str) -> Escalation | None:
        """`active_for_conversation` inside the caller's transaction (the turn's one read, core.turn)."""
        row = session.scalar(
            select(EscalationRow)
            .where(EscalationRow.conversation_key == conversation_key, EscalationRow.status.in_(_ACTIVE_VALUES))
            .order_by(EscalationRow.created_at.desc())
            .limit(1)
        )
        return _to_record(row) if row is not None else None

    @staticmethod
    def active_id(conversation_key: str | BindParameter[str]) -> ScalarSelect[Any]:
        """The id of an escalation holding the conversation, as a scalar subquery (NULL: none): the turn's read
        asks it with its other single values and loads the escalation only when there is one."""
        return (
            select(EscalationRow.id)
            .where(EscalationRow.conversation_key == conversation_key, EscalationRow.status.in_(_ACTIVE_VALUES))
            .limit(1)
            .scalar_subquery()
        )

    async def by_card(self, platform: str, channel: str, message_id: str) -> Escalation | None:
        async with self._db.session() as session:
            row = await session.scalar(
                select(EscalationRow).where(
                    EscalationRow.card_platform == platform,
                    EscalationRow.card_channel == channel,
                    EscalationRow.card_message_id == message_id,
                )
            )
            return _to_record(row) if row is not None else None

    async def listing(self, statuses: tuple[Status, ...] = ACTIVE, limit: int = 200) -> list[Escalation]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(EscalationRow)
                .where(EscalationRow.status.in_([str(s) for s in statuses]))
                .order_by(EscalationRow.created_at.asc())
                .limit(limit)
            )
            return [_to_record(r) for r in rows]

    async def set_card(self, escalation_id: str, card: CardRef) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(EscalationRow)
                .where(EscalationRow.id == escalation_id)
                .values(
                    card_platform=card.platform,
                    card_channel=card.channel,
                    card_message_id=card.message_id,
                    card_extra=card.extra or None,
                )
            )

    async def claim(self, escalation_id: str, advisor: Advisor, *, now: datetime) -> Transition:
        """Exactly one concurrent caller gets `changed=True`; the others see who has it."""
        async with self._db.session() as session:
            result = await session.execute(
                update(EscalationRow)
                .where(EscalationRow.id == escalation_id, EscalationRow.status == str(Status.OPEN))
                .values(status=str(Status.CLAIMED), advisor_id=advisor.id, advisor_name=advisor.name, claimed_at=now)
            )
            won = rowcount(result) == 1
            row = await session.get(EscalationRow, escalation_id)
            if row is None:
                return Transition(False, None)
            if won:
                row.claim_seconds = max(0.0, (now - row.created_at).total_seconds())
            return Transition(won, _to_record(row))

    async def mark_answered(self, escalation_id: str, advisor: Advisor, *, now: datetime) -> Transition:
        """First answer by the owner: claimed -> answered (`changed=True`). Later answers: `changed=False`."""
        async with self._db.session() as session:
            result = await session.execute(
                update(EscalationRow)
                .where(
                    EscalationRow.id == escalation_id,
                    EscalationRow.status == str(Status.CLAIMED),
                    EscalationRow.advisor_id == advisor.id,
                )
                .values(status=str(Status.ANSWERED), answered_at=now)
            )
            row = await session.get(EscalationRow, escalation_id)
            if row is None:
                return Transition(False, None)
            if rowcount(result) == 1:
                row.answer_seconds = max(0.0, (now - row.created_at).total_seconds())
                return Transition(True, _to_record(row))
            return Transition(False, _to_record(row))

    async def close(self, escalation_id: str, advisor: Advisor, *, now: datetime) -> Transition:
        """The owner (or anyone, while unclaimed) closes an active escalation."""
        return await self._finish(
            escalation_id,
            Status.CLOSED,
            now=now,
            allowed=or_(EscalationRow.advisor_id.is_(None), EscalationRow.advisor_id == advisor.id),
            statuses=_ACTIVE_VALUES,
            extra={"advisor_id": func.coalesce(EscalationRow.advisor_id, advisor.id),
                   "advisor_name": func.coalesce(EscalationRow.advisor_name, advisor.name)},
        )

    async def expire(self, escalation_id: str, *, now: datetime) -> Transition:
        """Nobody claimed it in time: open -> expired."""
        return await self._finish(escalation_id, Status.EXPIRED, now=now, statuses=[str(Status.OPEN)])

    async def cancel(self, escalation_id: str, *, now: datetime) -> Transition:
        """The person went back to the bot: any active state -> cancelled."""
        return await self._finish(escalation_id, Status.CANCELLED, now=now, statuses=_ACTIVE_VALUES)

    async def _finish(
        self,
        escalation_id: str,
        status: Status,
        *,
        now: datetime,
        statuses: list[str],
        allowed: Any = None,
        extra: dict[str, Any] | None = None,
    ) -> Transition:
        conditions = [EscalationRow.id == escalation_id, EscalationRow.status.in_(statuses)]
        if allowed is not None:
            conditions.append(allowed)
        async with self._db.session() as session:
            result = await session.execute(
                update(EscalationRow)
                .where(and_(*conditions))
                .values(status=str(status), closed_at=now, **(extra or {}))
                .execution_options(synchronize_session=False)
            )
            row = await session.get(EscalationRow, escalation_id)
            return Transition(rowcount(result) == 1, _to_record(row) if row is not None else None)

    async def due_for_reminder(self, *, created_before: datetime, reminded_before: datetime) -> list[Escalation]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(EscalationRow).where(
                    EscalationRow.status == str(Status.OPEN),
                    EscalationRow.created_at <= created_before,
                    or_(EscalationRow.reminded_at.is_(None), EscalationRow.reminded_at <= reminded_before),
                )
            )
            return [_to_record(r) for r in rows]

    async def mark_reminded(self, escalation_id: str, *, now: datetime, reminded_before: datetime) -> bool:
        """True for the one process that takes this reminder (the job may run in several)."""
        async with self._db.session() as session:
            result = await session.execute(
                update(EscalationRow)
                .where(
                    EscalationRow.id == escalation_id,
                    EscalationRow.status == str(Status.OPEN),
                    or_(EscalationRow.reminded_at.is_(None), EscalationRow.reminded_at <= reminded_before),
                )
                .values(reminded_at=now, reminders=EscalationRow.reminders + 1)
            )
            return rowcount(result) == 1

    async def due_for_expiry(self, *, created_before: datetime) -> list[Escalation]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(EscalationRow).where(
                    EscalationRow.status == str(Status.OPEN), EscalationRow.created_at <= created_before
                )
            )
            return [_to_record(r) for r in rows]

    async def channel_reference(self, platform: str, channel_id: str) -> dict[str, Any] | None:
        """The stored reference of a channel itself (captured when finbot was installed or spoken to there)."""
        async with self._db.session() as session:
            return await session.scalar(
                select(ConversationRow.reference)
                .where(
                    ConversationRow.platform == platform,
                    ConversationRow.channel_id == channel_id,
                    ConversationRow.thread_id.is_(None),
                    ConversationRow.reference.is_not(None),
                )
                .order_by(ConversationRow.last_activity_at.desc())
                .limit(1)
            )

    async def stats(self, *, since: datetime | None = None) -> EscalationStats:
        """Counts by status and time to claim / answer, for the metrics command."""
        where = [EscalationRow.created_at >= since] if since is not None else []
        async with self._db.session() as session:
            counts = dict(
                (await session.execute(
                    select(EscalationRow.status, func.count()).where(*where).group_by(EscalationRow.status)
                )).all()
            )
            claim = (await session.execute(_timing(EscalationRow.claim_seconds, where))).one()
            answer = (await session.execute(_timing(EscalationRow.answer_seconds, where))).one()
        return EscalationStats(
            by_status={str(k): int(v) for k, v in counts.items()},
            claimed=int(claim[0]),
            answered=int(answer[0]),
            mean_claim_seconds=_float(claim[1]),
            mean_answer_seconds=_float(answer[1]),
            max_claim_seconds=_float(claim[2]),
            max_answer_seconds=_float(answer[2]),
        )


def _timing(column: Any, where: list[Any]) -> Any:
    return select(func.count(column), func.avg(column), func.max(column)).where(*where)


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None
