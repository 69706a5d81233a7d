"""The knowledge base's rows: documents and chunks in the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from core.retrieval.chunking import TextChunk
from core.store.db import Database
from core.store.models import ChunkRow, DocumentRow, utcnow

__all__ = ["DocumentStore", "StoredChunk", "content_hash"]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredChunk:
    id: str
    title: str
    uri: str
    text: str
    source: str


class DocumentStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def hashes_by_source(self) -> dict[str, str]:
        async with self._db.session() as session:
            rows = (await session.execute(select(DocumentRow.source, DocumentRow.content_hash))).all()
        return {source: digest for source, digest in rows}

    async def replace(self, *, source: str, uri: str, title: str, digest: str, chunks: list[TextChunk]) -> str:
        """Write (or rewrite) one document and its chunks in one transaction; returns the document id."""
        doc_id = hashlib.sha1(source.encode("utf-8"), usedforsecurity=False).hexdigest()
        async with self._db.session() as session:
            await session.execute(delete(ChunkRow).where(ChunkRow.document_id == doc_id))
            await session.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
            session.add(
                DocumentRow(id=doc_id, source=source, title=title, content_hash=digest, updated_at=utcnow())
            )
            await session.flush()
            for ordinal, chunk in enumerate(chunks):
                anchor = f"#{chunk.anchor}" if chunk.anchor else ""
                session.add(
                    ChunkRow(
                        id=f"{doc_id[:16]}-{ordinal}",
                        document_id=doc_id,
                        ordinal=ordinal,
                        title=chunk.title,
                        uri=uri + anchor,
                        text=chunk.text,
                    )
                )
        return doc_id

    async def delete_source(self, source: str) -> bool:
        async with self._db.session() as session:
            doc = await session.scalar(select(DocumentRow).where(DocumentRow.source == source))
            if doc is None:
                return False
            await session.execute(delete(ChunkRow).where(ChunkRow.document_id == doc.id))
            await session.delete(doc)
            return True

    async def all_chunks(self) -> list[StoredChunk]:
        async with self._db.session() as session:
            rows = (
                await session.execute(
                    select(ChunkRow, DocumentRow.source)
                    .join(DocumentRow, ChunkRow.document_id == DocumentRow.id)
                    .order_by(ChunkRow.document_id, ChunkRow.ordinal)
                )
            ).all()
        return [StoredChunk(c.id, c.title, c.uri, c.text, source) for c, source in rows]

    async def version(self) -> tuple[int, str]:
        """A cheap fingerprint of the knowledge base (document count, newest update): changes on every ingest."""
        async with self._db.session() as session:
            count, newest = (await session.execute(select(func.count(), func.max(DocumentRow.updated_at)))).one()
        return int(count or 0), str(newest)

    async def count_documents(self) -> int:
        async with self._db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(DocumentRow)) or 0)
