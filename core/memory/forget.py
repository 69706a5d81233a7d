"""Forgetting on request: the matching facts are deleted, and the sentences that state them are scrubbed
from the messages and summaries of the person's conversations (the message a fact came from is redacted
whole when nothing in it matches word for word), so they reach no later context."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.memory.extract import extract_rules
from core.memory.render import as_you
from core.memory.similarity import coverage, from_bytes
from core.memory.store import MemoryStore
from core.memory.types import Fact, Profile
from core.retrieval.text import sentences
from core.store.db import Database
from core.store.models import ConversationSummaryRow, MessageRow, UserFactRow

__all__ = ["REDACTED", "Forgetter", "scrub"]

REDACTED = "[forgotten at the client's request]"
MATCH_COVERAGE = 0.6
MATCH_COSINE = 0.8
_EVERYTHING = re.compile(
    r"^(everything|all of (it|that|this)|all (that|this)|everything (about me|you know))\W*$", re.I
)
_NAME = re.compile(r"^my name\b", re.I)
_LINE_PREFIX = re.compile(r"^(\s*(?:[-*•]\s*)?(?:(?:Client|finbot|Advisor):\s*)?)")


def scrub(text: str, facts: list[str]) -> str:
    """`text` without the sentences that state any of `facts` (a line's bullet and speaker are kept)."""
    kept_lines: list[str] = []
    for line in text.splitlines():
        prefix = _LINE_PREFIX.match(line).group(1)  # type: ignore[union-attr]
        parts = sentences(line[len(prefix):]) or [line[len(prefix):]]
        kept = [p for p in parts if not any(coverage(f, p) >= MATCH_COVERAGE for f in facts)]
        if len(kept) == len(parts):
            kept_lines.append(line)
        elif kept:
            kept_lines.append(prefix + " ".join(kept))
    return "\n".join(kept_lines)


class Forgetter:
    def __init__(self, db: Database, store: MemoryStore) -> None:
        self._db = db
        self._store = store

    async def forget(self, user_id: str, what: str) -> str:
        """Forget what the person names; the reply says what went (or that nothing matched)."""
        if _EVERYTHING.match(what):
            facts = await self._store.facts(user_id)
            await self.delete(user_id, facts)
            await self._store.save_profile(Profile(user_id=user_id))
            return "Done. I've forgotten everything I remembered about you."
        if _NAME.match(what):
            profile = await self._store.get_profile(user_id)
            if profile is None or not profile.name:
                return "I don't have your name stored, so there's nothing to forget."
            profile.name = ""
            await self._store.save_profile(profile)
            return "Done. I've forgotten your name."
        matches = await self.matching(user_id, what)
        if not matches:
            return (
                "I don't have anything like that stored about you. "
                "Ask “what do you remember about me?” to see it all."
            )
        await self.delete(user_id, matches)
        said = "; ".join(_lower_first(as_you(f.text)) for f in matches)
        return f"Done. I've forgotten that {said}."

    async def matching(self, user_id: str, what: str) -> list[Fact]:
        """This person's facts that state `what` (by words, or by meaning when vectors are stored)."""
        queries = [c.text for c in extract_rules(what)] or [what]
        async with self._db.session() as session:
            rows = (await session.scalars(select(UserFactRow).where(UserFactRow.user_id == user_id))).all()
        sim = self._store.similarity
        vectors = await sim.embed(queries)
        found: list[Fact] = []
        for row in rows:
            lexical = max(coverage(q, row.text) for q in queries)
            vector = from_bytes(row.embedding) if row.embedding_model == sim.model_id else None
            dense = 0.0
            if vectors is not None and vector is not None and vector.shape[0] == vectors.shape[1]:
                dense = float((vectors @ vector).max())
            if lexical >= MATCH_COVERAGE or dense >= MATCH_COSINE:
                found.append(Fact(row.id, row.user_id, row.text, row.importance, row.slot, row.created_at))
        return found

    async def delete(self, user_id: str, facts: list[Fact]) -> None:
        """Delete these facts and scrub the sentences stating them from the person's messages and summaries."""
        if not facts:
            return
        ids = [f.id for f in facts]
        sources = await self._store.source_messages(user_id, ids)
        await self._store.delete_facts(user_id, ids)
        texts = [f.text for f in facts]
        async with self._db.session() as session:
            keys = select(MessageRow.conversation_key).where(MessageRow.user_id == user_id).distinct()
            # Their own words, and finbot's replies in their conversations ("I'll remember that you ...").
            messages = (
                await session.scalars(
                    select(MessageRow).where(
                        MessageRow.conversation_key.in_(keys),
                        (MessageRow.user_id == user_id) | (MessageRow.role == "assistant"),
                    )
                )
            ).all()
            for message in messages:
                cleaned = scrub(message.text, texts)
                if message.id in sources and cleaned == message.text:  # paraphrased by the model: redact it all
                    cleaned = ""
                if cleaned != message.text:
                    message.text = cleaned.strip() or REDACTED
            summaries = (
                await session.scalars(
                    select(ConversationSummaryRow).where(ConversationSummaryRow.conversation_key.in_(keys))
                )
            ).all()
            for row in summaries:
                row.text = scrub(row.text, texts)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
