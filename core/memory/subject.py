"""Data-subject requests: everything finbot keeps about one person, exported as JSON or deleted."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update

from core.store.db import Database, rowcount
from core.store.models import (
    ConversationRow,
    ConversationSummaryRow,
    MessageRow,
    TurnMetricRow,
    UserFactRow,
    UserProfileRow,
    UserRow,
)

__all__ = ["PersonSeen", "delete_person", "export_person", "list_people", "person_known"]


@dataclass(frozen=True, slots=True)
class PersonSeen:
    """One person finbot has met: their id (what `--user` takes), name and platform, first and last seen."""

    id: str
    display_name: str
    platform: str
    first_seen: datetime
    last_seen: datetime


async def person_known(db: Database, user_id: str) -> bool:
    """Whether finbot keeps anything about this person id (as a user, profile, fact or message)."""
    columns = (UserRow.id, UserProfileRow.user_id, UserFactRow.user_id, MessageRow.user_id)
    async with db.session() as session:
        for column in columns:
            if await session.scalar(select(exists().where(column == user_id))):
                return True
    return False


async def list_people(db: Database, *, search: str = "", limit: int = 50) -> list[PersonSeen]:
    """The people finbot has met, most recently seen first; `search` matches the id or the name (any case)."""
    query = select(UserRow).order_by(UserRow.last_seen_at.desc()).limit(limit)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(UserRow.id.ilike(pattern), UserRow.display_name.ilike(pattern)))
    async with db.session() as session:
        rows = (await session.scalars(query)).all()
    return [PersonSeen(r.id, r.display_name, r.platform, r.created_at, r.last_seen_at) for r in rows]


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def _conversation_keys(session: Any, user_id: str) -> list[str]:
    rows = await session.scalars(select(MessageRow.conversation_key).where(MessageRow.user_id == user_id).distinct())
    return sorted(rows.all())


async def export_person(db: Database, user_id: str) -> dict[str, Any]:
    """Profile, facts, and each conversation the person wrote in (its summary and their messages)."""
    async with db.session() as session:
        profile = await session.get(UserProfileRow, user_id)
        facts = (await session.scalars(select(UserFactRow).where(UserFactRow.user_id == user_id))).all()
        conversations = []
        for key in await _conversation_keys(session, user_id):
            summary = await session.get(ConversationSummaryRow, key)
            messages = (
                await session.scalars(
                    select(MessageRow)
                    .where(MessageRow.conversation_key == key, MessageRow.user_id == user_id)
                    .order_by(MessageRow.id)
                )
            ).all()
            conversations.append({
                "key": key,
                "summary": summary.text if summary is not None else "",
                "messages": [{"at": _iso(m.created_at), "text": m.text} for m in messages],
            })
    return {
        "user_id": user_id,
        "profile": None if profile is None else {
            "name": profile.name,
            "style": profile.style,
            "style_source": profile.style_source,
            "topics": profile.topics,
            "interaction_count": profile.interaction_count,
            "last_interaction": _iso(profile.last_interaction),
        },
        "facts": [
            {"text": f.text, "importance": f.importance, "created_at": _iso(f.created_at)} for f in facts
        ],
        "conversations": conversations,
    }


def _pseudonym(user_id: str) -> str:
    return "deleted:" + hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:16]


async def delete_person(
    db: Database,
    user_id: str,
    *,
    keep_history: bool = False,
) -> dict[str, int]:
    """Delete the profile, facts and the summaries of the person's conversations, and those conversations'
    thread state (an open offer quotes the question); unless `keep_history`, also their messages, their direct
    conversations (both sides), and pseudonymise their turn metrics. Escalation records are kept: firms must
    retain them (complaints, trades)."""
    counts = {"facts": 0, "profiles": 0, "summaries": 0, "messages": 0, "conversations": 0, "turn_metrics": 0}
    async with db.session() as session:
        keys = await _conversation_keys(session, user_id)
        counts["facts"] = rowcount(await session.execute(delete(UserFactRow).where(UserFactRow.user_id == user_id)))
        counts["profiles"] = rowcount(
            await session.execute(delete(UserProfileRow).where(UserProfileRow.user_id == user_id))
        )
        counts["summaries"] = rowcount(
            await session.execute(
                delete(ConversationSummaryRow).where(ConversationSummaryRow.conversation_key.in_(keys))
            )
        )
        await session.execute(update(ConversationRow).where(ConversationRow.key.in_(keys)).values(thread_state=None))
        if not keep_history:
            direct = list(
                (
                    await session.scalars(
                        select(ConversationRow.key).where(ConversationRow.key.in_(keys), ConversationRow.is_direct)
                    )
                ).all()
            )
            counts["messages"] = rowcount(
                await session.execute(
                    delete(MessageRow).where(
                        (MessageRow.user_id == user_id) | MessageRow.conversation_key.in_(direct)
                    )
                )
            )
            counts["conversations"] = rowcount(
                await session.execute(delete(ConversationRow).where(ConversationRow.key.in_(direct)))
            )
            await session.execute(delete(UserRow).where(UserRow.id == user_id))
            # Usage figures stay countable, but no longer point at the person (and free-text notes go).
            counts["turn_metrics"] = rowcount(
                await session.execute(
                    update(TurnMetricRow)
                    .where(TurnMetricRow.user_id == user_id)
                    .values(user_id=_pseudonym(user_id), feedback_note=None)
                )
            )
    return counts
