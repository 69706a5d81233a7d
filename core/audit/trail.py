"""Writing the audit trail: `AuditTrail.append_in(session, entry)` inside the caller's transaction, or
`append(entry)` in one of its own.

Appends take the chain's head under a lock held to commit (PostgreSQL: a transaction-level advisory lock;
SQLite: the database's write lock, taken by a no-op DELETE first), so concurrent writers form one chain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from core.audit.chain import GENESIS, row_hash, sign
from core.audit.entries import AuditEntry, TurnFacts, turn_entry
from core.audit.versions import template_version
from core.store.db import Database, table_of
from core.store.models import AuditRow, DocumentRow, utcnow

__all__ = ["AuditTrail", "ReviewMarks"]


class ReviewMarks(Protocol):
    """What puts an answer on the supervision queue (core.audit.review.ReviewPolicy)."""

    def marks(self, state: Mapping[str, Any]) -> dict[str, Any]: ...

_LOCK_ID = 0x66696E617564  # "finaud"
_HEAD = select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
_INSERT = insert(table_of(AuditRow))


class AuditTrail:
    def __init__(
        self, db: Database, *, signing_key: bytes = b"", clock: Callable[[], datetime] = utcnow,
        review: ReviewMarks | None = None,
    ) -> None:
        self._db = db
        self._review = review
        self._versions: dict[str, str] = {}
        self._key = signing_key
        self._clock = clock

    @property
    def db(self) -> Database:
        return self._db

    @property
    def signing_key(self) -> bytes:
        return self._key

    def now(self) -> datetime:
        return self._clock()

    async def append(self, entry: AuditEntry, *, signed: bool = False) -> AuditRow:
        """Append in a transaction of its own."""
        return await self._db.run(self.write, entry, signed=signed)

    async def append_in(
        self, session: AsyncSession, entry: AuditEntry, *, signed: bool = False, locked: bool = False
    ) -> AuditRow:
        """Append inside the caller's open async transaction (`write` on its synchronous session)."""
        return await session.run_sync(self.write, entry, signed=signed, locked=locked)

    def write(self, session: Session, entry: AuditEntry, *, signed: bool = False, locked: bool = False) -> AuditRow:
        """Append inside the caller's open transaction (committed with the rest of its writes).

        `locked`: the transaction has already written on SQLite, so it holds the database's write lock and
        no other writer can move the chain's head (PostgreSQL always takes the chain's advisory lock)."""
        if not (locked and self._db.is_sqlite):
            self._lock(session)
        head = session.execute(_HEAD).first()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        created_at = self._clock()
        digest = row_hash(
            seq=seq, kind=entry.kind, created_at=created_at, person_id=entry.person_id,
            conversation_key=entry.conversation_key, turn_id=entry.turn_id, body=entry.body, prev_hash=prev,
        )
        row = AuditRow(
            seq=seq, kind=entry.kind, created_at=created_at, person_id=entry.person_id,
            conversation_key=entry.conversation_key, turn_id=entry.turn_id, body=entry.body, prev_hash=prev,
            hash=digest, signature=sign(self._key, digest) if signed else "",
        )
        # A Core INSERT of one constant statement (cached once compiled) with the row as its parameters: no
        # ORM unit of work to flush on every turn. The returned row is transient, for the caller to read.
        session.execute(_INSERT, {
            "seq": seq, "kind": row.kind, "created_at": created_at, "person_id": row.person_id,
            "conversation_key": row.conversation_key, "turn_id": row.turn_id, "body": row.body,
            "prev_hash": prev, "hash": digest, "signature": row.signature,
        })
        return row

    async def append_turn(self, state: Mapping[str, Any], *, disclaimer: str = "") -> AuditRow:
        """The record of one answered turn, in a transaction of its own."""
        return await self._db.run(self.write_turn, state, disclaimer=disclaimer)

    def write_turn(
        self, session: Session, state: Mapping[str, Any], *, disclaimer: str = "", locked: bool = False
    ) -> AuditRow:
        """The record of one answered turn (core.audit.entries.turn_entry), inside the caller's transaction."""
        passages = list(state.get("passages") or []) + list(state.get("nearby") or [])
        versions = self.document_versions(session, [str(p.get("source", "")) for p in passages])
        extra = {"review": self._review.marks(state)} if self._review is not None else {}
        facts = TurnFacts(template_version=template_version(), disclaimer=disclaimer, extra=extra)
        return self.write(session, turn_entry(state, facts=facts, versions=versions), locked=locked)

    def document_versions(self, session: Session, sources: list[str]) -> dict[str, str]:
        """The knowledge base's version (content hash) of each document a turn read; remembered until
        `forget_versions` (called whenever the index refreshes, which retrieval does before it reads)."""
        wanted = sorted({s for s in sources if s} - self._versions.keys())
        if wanted:
            query = select(DocumentRow.source, DocumentRow.content_hash).where(DocumentRow.source.in_(wanted))
            self._versions |= {source: version for source, version in session.execute(query).all()}
        return {s: self._versions[s] for s in sources if s in self._versions}

    def forget_versions(self) -> None:
        """The documents changed: read their versions again."""
        self._versions.clear()

    async def rows(self, *, batch: int = 5000, where: Any = None) -> AsyncIterator[AuditRow]:
        """Every row in chain order (or those matching `where`), read in batches (verify, export)."""
        after = 0
        while True:
            query = select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(batch)
            async with self._db.session() as session:
                chunk = list((await session.scalars(query if where is None else query.where(where))).all())
            if not chunk:
                return
            for row in chunk:
                yield row
            after = chunk[-1].seq

    async def tuples(self, *, batch: int = 10000) -> AsyncIterator[Any]:
        """Every row as a plain tuple of its columns, in chain order: the fast read `verify` walks."""
        columns = [AuditRow.seq, AuditRow.kind, AuditRow.created_at, AuditRow.person_id, AuditRow.conversation_key,
                   AuditRow.turn_id, AuditRow.body, AuditRow.prev_hash, AuditRow.hash, AuditRow.signature]
        after = 0
        while True:
            query = select(*columns).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(batch)
            async with self._db.session() as session:
                chunk = (await session.execute(query)).all()
            if not chunk:
                return
            for row in chunk:
                yield row
            after = cast(int, chunk[-1][0])

    def _lock(self, session: Session) -> None:
        if self._db.is_sqlite:
            session.execute(delete(AuditRow).where(text("0 = 1")))  # takes the write lock, deletes nothing
        else:
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
