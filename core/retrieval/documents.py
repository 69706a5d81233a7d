"""The knowledge base's rows: documents and chunks in the database."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePath
from urllib.parse import quote

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.retrieval.chunking import TextChunk
from core.store.db import Database
from core.store.models import ChunkRow, DocumentRow, utcnow

__all__ = ["DocumentStore", "PassageDocument", "PassageLink", "StoredChunk", "content_hash", "plain_passage_link"]

PassageLink = Callable[[str, str], str]
"""(chunk id, the document's file name) -> the URL of that passage on finbot's own page of the document."""


def plain_passage_link(chunk_id: str, name: str) -> str:
    """`/kb/<chunk id>/<file name>`: root-relative and unsigned (the server's links are signed, adapters/kb)."""
    return f"/kb/{quote(chunk_id)}/{quote(name)}"


def _is_web(uri: str) -> bool:
    return uri.startswith(("https://", "http://"))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredChunk:
    id: str
    title: str
    uri: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class PassageDocument:
    """A document as finbot's page shows it: every chunk in order, one of them the cited passage."""

    title: str
    name: str
    """The file name (never the server's path)."""
    url: str | None
    """The document's own web address, when it declares one."""
    chunks: list[StoredChunk]
    cited: int
    """Index in `chunks` of the passage the link pointed at."""


class DocumentStore:
    def __init__(self, db: Database, *, passage_link: PassageLink | None = None) -> None:
        self._db = db
        self._passage_link = passage_link or plain_passage_link

    def _cited_uri(self, chunk: ChunkRow, source: str) -> str:
        """What a citation links to: the document's own URL, else finbot's page (never a server file path)."""
        return chunk.uri if _is_web(chunk.uri) else self._passage_link(chunk.id, PurePath(source).name)

    async def hashes_by_source(self) -> dict[str, str]:
        async with self._db.session() as session:
            rows = (await session.execute(select(DocumentRow.source, DocumentRow.content_hash))).all()
        return {source: digest for source, digest in rows}

    async def replace(
        self, *, source: str, uri: str, title: str, digest: str, chunks: list[TextChunk], flags: str = ""
    ) -> str:
        """Write (or rewrite) one document and its chunks in one transaction; returns the document id. `flags`:
        why the document looks planted (FINBOT_INGEST_FLAGGED=flag), kept on each of its chunks."""
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
                        flags=flags,
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

    async def flagged_chunks(self) -> dict[str, str]:
        """Chunk id -> its flags, for the chunks of documents ingestion flagged."""
        async with self._db.session() as session:
            rows = (await session.execute(select(ChunkRow.id, ChunkRow.flags).where(ChunkRow.flags != ""))).all()
        return {id_: flags for id_, flags in rows}

    async def all_chunks(self) -> list[StoredChunk]:
        """Every chunk in order, each with the URI a citation of it links to."""
        return [replace(c, uri=self.cited_uri(c)) for c in await self.index_chunks()]

    async def index_chunks(self) -> list[StoredChunk]:
        """Every chunk in order with its stored `uri` (`cited_uri` makes a citation's link, for the few cited):
        one column select, no ORM objects, so a restart at 57k chunks reads them in about half a second; a
        document's source and title strings are shared by its chunks."""
        columns = (ChunkRow.id, ChunkRow.title, ChunkRow.uri, ChunkRow.text, DocumentRow.source)
        async with self._db.session() as session:
            result = await session.execute(
                select(*columns)
                .join(DocumentRow, ChunkRow.document_id == DocumentRow.id)
                .order_by(ChunkRow.document_id, ChunkRow.ordinal)
            )
            rows = result.all()
        shared: dict[str, str] = {}
        chunks = []
        for id_, title, uri, text, source in rows:
            source = shared.setdefault(source, source)
            chunks.append(StoredChunk(id_, shared.setdefault(title, title), uri, text, source))
        return chunks

    def cited_uri(self, chunk: StoredChunk) -> str:
        """What a citation of an `index_chunks` chunk links to (see `_cited_uri`)."""
        return chunk.uri if _is_web(chunk.uri) else self._passage_link(chunk.id, PurePath(chunk.source).name)

    async def passage_document(self, chunk_id: str) -> PassageDocument | None:
        """The document the passage `chunk_id` belongs to, for finbot's page of it; None when there is none."""
        async with self._db.session() as session:
            cited = await session.get(ChunkRow, chunk_id)
            if cited is None:
                return None
            doc = await session.get(DocumentRow, cited.document_id)
            rows = (
                await session.scalars(
                    select(ChunkRow).where(ChunkRow.document_id == cited.document_id).order_by(ChunkRow.ordinal)
                )
            ).all()
        if doc is None:
            return None
        chunks = [StoredChunk(c.id, c.title, self._cited_uri(c, doc.source), c.text, doc.source) for c in rows]
        url = cited.uri.split("#", 1)[0] if _is_web(cited.uri) else None
        index = next(i for i, c in enumerate(rows) if c.id == chunk_id)
        return PassageDocument(doc.title, PurePath(doc.source).name, url, chunks, index)

    async def version(self) -> tuple[int, str]:
        """A cheap fingerprint of the knowledge base (document count, newest update): changes on every ingest."""
        async with self._db.session() as session:
            return await self.version_in(session)

    @staticmethod
    async def version_in(session: AsyncSession) -> tuple[int, str]:
        """`version` inside the caller's transaction (the turn's one read, core.turn)."""
        count, newest = (await session.execute(select(func.count(), func.max(DocumentRow.updated_at)))).one()
        return int(count or 0), str(newest)

    async def count_documents(self) -> int:
        async with self._db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(DocumentRow)) or 0)
