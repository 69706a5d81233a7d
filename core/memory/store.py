"""Profiles and long-term facts in the database. Every fact query is filtered by the person's id in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import numpy as np
from sqlalchemy import BindParameter, String, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from core.memory.similarity import FactSimilarity, from_bytes, jaccard, normalise, to_bytes
from core.memory.types import CandidateFact, Fact, Profile
from core.store.db import Database, rowcount, table_of, upsert_insert
from core.store.models import UserFactRow, UserProfileRow, utcnow

__all__ = ["MemoryStore"]

NEAR_DUPLICATE_JACCARD = 0.8
NEAR_DUPLICATE_COSINE = 0.93


def _fact(row: UserFactRow, score: float = 0.0) -> Fact:
    return Fact(row.id, row.user_id, row.text, row.importance, row.slot, row.created_at, score)


_PROFILE_COLUMNS = (
    "user_id", "name", "style", "style_source", "topics", "interaction_count", "avg_words", "last_interaction"
)


def _profile(row: Any) -> Profile:
    return Profile(
        user_id=row.user_id,
        name=row.name,
        style=row.style,
        style_source=row.style_source,
        topics={str(k): int(v) for k, v in (row.topics or {}).items()},
        interaction_count=row.interaction_count,
        avg_words=row.avg_words,
        last_interaction=row.last_interaction,
    )


_profiles = table_of(UserProfileRow)
_UPDATE_PROFILE = update(_profiles).where(_profiles.c.user_id == bindparam("profile_of", type_=String))


class MemoryStore:
    def __init__(self, db: Database, similarity: FactSimilarity | None = None) -> None:
        self._db = db
        self.similarity = similarity or FactSimilarity()

    # --- profiles ---

    async def get_profile(self, user_id: str) -> Profile | None:
        async with self._db.session() as session:
            return await self.profile_in(session, user_id)

    @staticmethod
    async def profile_in(session: AsyncSession, user_id: str) -> Profile | None:
        """The profile, read inside the caller's transaction."""
        row = await session.get(UserProfileRow, user_id)
        return _profile(row) if row is not None else None

    @staticmethod
    def profile_columns(user_id: str | BindParameter[str]) -> list[Any]:
        """The profile's columns as labelled scalar subqueries (`profile_<column>`): the turn's one read asks
        them in its single-row statement with its other single values (core.turn)."""
        return [
            select(getattr(UserProfileRow, name)).where(UserProfileRow.user_id == user_id).scalar_subquery()
            .label(f"profile_{name}")
            for name in _PROFILE_COLUMNS
        ]

    @staticmethod
    def profile_from(row: Any) -> Profile | None:
        """The profile from a row holding `profile_columns`; None when the person has none."""
        values = {name: getattr(row, f"profile_{name}") for name in _PROFILE_COLUMNS}
        return _profile(SimpleNamespace(**values)) if values["user_id"] is not None else None

    async def save_profile(self, profile: Profile) -> None:
        try:
            async with self._db.session() as session:
                await session.run_sync(self.save_profile_in, profile)
        except IntegrityError:  # created by a concurrent turn of the same person: write over it
            async with self._db.session() as session:
                await session.run_sync(self.save_profile_in, profile)

    @staticmethod
    def save_profile_in(session: Session, profile: Profile, *, known: bool = False) -> None:
        """Insert or update the profile inside the caller's transaction: one upsert (`INSERT ... ON CONFLICT
        DO UPDATE`), so a concurrent first turn of the same person cannot collide with it.

        `known`: the caller read the row in this turn, so one UPDATE does (the upsert follows if it is gone)."""
        values = {
            "name": profile.name,
            "style": profile.style,
            "style_source": profile.style_source,
            "topics": dict(profile.topics),
            "interaction_count": profile.interaction_count,
            "avg_words": profile.avg_words,
            "last_interaction": profile.last_interaction,
        }
        table = table_of(UserProfileRow)
        if known:  # one constant statement, the values as its parameters (cached once compiled)
            updated = session.execute(_UPDATE_PROFILE, {**values, "profile_of": profile.user_id})
            if rowcount(updated):
                return
        insert = upsert_insert(session, table).values(user_id=profile.user_id, **values)
        session.execute(insert.on_conflict_do_update(index_elements=[table.c.user_id], set_=values))

    # --- facts ---

    async def facts(self, user_id: str) -> list[Fact]:
        """Every fact about this person, most important first."""
        return [_fact(row) for row in await self._rows(user_id)]

    async def _rows(self, user_id: str) -> list[UserFactRow]:
        async with self._db.session() as session:
            return await session.run_sync(self.rows_in, user_id)

    @staticmethod
    def rows_in(session: Session, user_id: str) -> list[UserFactRow]:
        """The person's fact rows, most important first, inside the caller's transaction."""
        rows = session.scalars(
            select(UserFactRow)
            .where(UserFactRow.user_id == user_id)
            .order_by(UserFactRow.importance.desc(), UserFactRow.id.desc())
        )
        return list(rows.all())

    async def search_facts(self, user_id: str, query: str, k: int) -> list[Fact]:
        """The person's `k` facts most useful for `query`: similarity first, importance second."""
        return await self.rank_facts(await self._rows(user_id), query, k)

    async def rank_facts(self, rows: list[UserFactRow], query: str, k: int) -> list[Fact]:
        """Of these fact rows (already read), the `k` most useful for `query`."""
        if not rows or k <= 0:
            return []
        sim = self.similarity
        query_vectors = await sim.embed([query]) if query.strip() else None
        query_vector = query_vectors[0] if query_vectors is not None else None
        dim = None if query_vector is None else query_vector.shape[0]
        vectors = [from_bytes(r.embedding, dim) if r.embedding_model == sim.model_id else None for r in rows]
        scores = sim.scores(query, query_vector, [r.text for r in rows], vectors)
        ranked = sorted(
            zip(rows, scores, strict=True), key=lambda pair: (0.7 * pair[1] + 0.3 * pair[0].importance), reverse=True
        )
        return [_fact(row, round(score, 3)) for row, score in ranked[:k]]

    async def remember(
        self, user_id: str, candidates: list[CandidateFact], *, source_message_id: int | None = None,
        now: datetime | None = None,
    ) -> list[Fact]:
        """Store new facts: exact and near duplicates refresh the existing fact; a fact for a single-valued
        slot ("age", "retirement") replaces the older one."""
        if not candidates:
            return []
        now = now or utcnow()
        vectors = await self.similarity.embed([c.text for c in candidates])
        stored: list[Fact] = []
        for index, candidate in enumerate(candidates):
            vector = vectors[index] if vectors is not None else None
            fact = await self._remember_one(user_id, candidate, vector, source_message_id, now)
            if fact is not None:
                stored.append(fact)
        return stored

    async def _remember_one(
        self, user_id: str, candidate: CandidateFact, vector: np.ndarray | None, source: int | None, now: datetime
    ) -> Fact | None:
        key = normalise(candidate.text)
        if not key:
            return None
        try:
            async with self._db.session() as session:
                if candidate.slot:
                    await session.execute(
                        delete(UserFactRow).where(
                            UserFactRow.user_id == user_id, UserFactRow.slot == candidate.slot, UserFactRow.key != key
                        )
                    )
                rows = (await session.scalars(select(UserFactRow).where(UserFactRow.user_id == user_id))).all()
                same = next((r for r in rows if r.key == key), None) or self._near(candidate.text, vector, rows)
                if same is not None:
                    same.importance = max(same.importance, candidate.importance)
                    same.updated_at = now
                    return _fact(same)
                row = UserFactRow(
                    user_id=user_id, text=candidate.text, key=key, slot=candidate.slot,
                    importance=candidate.importance, embedding=to_bytes(vector),
                    embedding_model=self.similarity.model_id if vector is not None else "",
                    source_message_id=source, created_at=now, updated_at=now,
                )
                session.add(row)
                await session.flush()
                return _fact(row)
        except IntegrityError:  # the same fact stored at the same moment by another turn
            return None

    def _near(self, text: str, vector: np.ndarray | None, rows: Sequence[UserFactRow]) -> UserFactRow | None:
        """The first stored fact that says the same: word overlap, or cosine from one matrix product over
        the person's fact vectors (not a Python loop of dot products per fact)."""
        dense = np.zeros(len(rows), dtype=bool)
        if vector is not None and rows:
            stored = [from_bytes(r.embedding, vector.shape[0]) if r.embedding_model == self.similarity.model_id
                      else None for r in rows]
            have = [i for i, v in enumerate(stored) if v is not None]
            if have:
                matrix = np.stack([stored[i] for i in have])  # type: ignore[misc]
                dense[np.asarray(have)] = matrix @ np.asarray(vector, dtype=np.float32) >= NEAR_DUPLICATE_COSINE
        for i, row in enumerate(rows):
            if dense[i] or jaccard(text, row.text) >= NEAR_DUPLICATE_JACCARD:
                return row
        return None

    async def delete_facts(self, user_id: str, ids: list[int]) -> list[Fact]:
        """Delete these facts of this person (ids of anyone else's facts are ignored); returns what went."""
        if not ids:
            return []
        async with self._db.session() as session:
            rows = (
                await session.scalars(
                    select(UserFactRow).where(UserFactRow.user_id == user_id, UserFactRow.id.in_(ids))
                )
            ).all()
            gone = [_fact(r) for r in rows]
            await session.execute(
                delete(UserFactRow).where(UserFactRow.user_id == user_id, UserFactRow.id.in_([f.id for f in gone]))
            )
        return gone

    async def source_messages(self, user_id: str, ids: list[int]) -> list[int]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(UserFactRow.source_message_id).where(UserFactRow.user_id == user_id, UserFactRow.id.in_(ids))
            )
            return [i for i in rows.all() if i is not None]
