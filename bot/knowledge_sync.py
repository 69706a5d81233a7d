"""Keep this process's knowledge index in step with the shared documents, so `finbot ingest` takes effect at once.

Every finbot process (server, `finbot chat`) answers from its own in-memory index of the documents in the
database. Another process (`finbot ingest`, a second server) may change those documents. `KnowledgeSync`
stands in front of the retriever and closes that gap three ways:

- **Before every search** it compares the documents' fingerprint (`DocumentStore.version()`: one small
  query) with the one its index was built from, and refreshes first when they differ. This alone makes
  ingest-then-ask correct on SQLite and PostgreSQL, for every surface.
- **On PostgreSQL** `finbot ingest` sends `NOTIFY finbot_knowledge` when it is done (`announce`), and each
  server LISTENs (`start`), so the index is refreshed before the next question arrives.
- **A background poll** every FINBOT_INDEX_WATCH seconds does the same on SQLite (0 = off).

Refreshes are single-flight: concurrent questions wait for one refresh instead of starting their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from core.retrieval import DocumentStore, HybridRetriever
from core.retrieval.types import DocumentsVersion, Passage
from core.store import Database

__all__ = ["CHANNEL", "KnowledgeSync", "announce"]

log = logging.getLogger(__name__)

CHANNEL = "finbot_knowledge"
"""The PostgreSQL notification channel that announces a change of the knowledge base."""

Version = DocumentsVersion


async def announce(db: Database) -> None:
    """Tell every listening finbot process that the knowledge base changed (PostgreSQL; a no-op on SQLite)."""
    if db.is_sqlite:
        return
    async with db.session() as session:
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class KnowledgeSync:
    """A KnowledgeRetriever that refreshes its HybridRetriever whenever the shared documents changed."""

    def __init__(self, documents: DocumentStore, retriever: HybridRetriever) -> None:
        self._documents = documents
        self._retriever = retriever
        self._seen: Version | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self.on_refresh: Callable[[], Awaitable[object]] | None = None
        """Called after each rebuild (the audit trail's change log records the documents that changed)."""
        self.refreshes = 0
        """Refreshes this object made because the documents changed (for tests and `finbot doctor`)."""

    @classmethod
    async def open(cls, documents: DocumentStore, retriever: HybridRetriever) -> KnowledgeSync:
        """Build the index now and remember which version of the documents it holds."""
        sync = cls(documents, retriever)
        await sync.refresh()
        return sync

    @property
    def retriever(self) -> HybridRetriever:
        return self._retriever

    async def refresh(self) -> None:
        """Rebuild from the documents as they are now (the version is read first, so no change is missed)."""
        async with self._lock:
            await self._refresh_locked()

    async def _refresh_locked(self) -> None:
        version = await self._documents.version()
        await self._retriever.refresh(version=version)
        self._seen = version
        if self.on_refresh is not None:
            await self.on_refresh()

    async def ensure_fresh(self) -> bool:
        """Refresh if the documents changed since the index was built; True when it did. One query otherwise."""
        if await self._documents.version() == self._seen:
            return False
        async with self._lock:
            if await self._documents.version() == self._seen:  # another caller refreshed while we waited
                return False
            await self._refresh_locked()
        self.refreshes += 1
        log.info("knowledge base changed: index refreshed (%d documents)", self._seen[0] if self._seen else 0)
        return True

    async def search(
        self, query: str, k: int, *, documents_version: DocumentsVersion | None = None, **options: Any
    ) -> list[Passage]:
        """`documents_version`: the fingerprint the turn read with its one read (core.turn); when it is the
        index's, no query of its own."""
        if documents_version is None or documents_version != self._seen:
            await self.ensure_fresh()
        return await self._retriever.search(query, k, **options)

    # -- background: PostgreSQL LISTEN and the poll ------------------------------------------------------------

    async def start(self, db: Database, *, poll_s: float = 0, retry_s: float = 5.0) -> None:
        """Refresh in the background: on NOTIFY (PostgreSQL) and every `poll_s` seconds (0 = no poll)."""
        if not db.is_sqlite and db.libpq_url:
            self._tasks.append(asyncio.create_task(self._listen(db.libpq_url, retry_s), name="knowledge-listen"))
        if poll_s > 0:
            self._tasks.append(asyncio.create_task(self._poll(poll_s), name="knowledge-poll"))
        if self._seen is not None and self._seen[0] == 0:
            log.warning("the knowledge base is empty: add documents with `finbot ingest PATH`")

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _check(self) -> None:
        try:
            await self.ensure_fresh()
        except Exception:  # answering goes on with the old index; the next check (or question) tries again
            log.exception("could not refresh the knowledge index")

    async def _poll(self, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            await self._check()

    async def _listen(self, conninfo: str, retry_s: float) -> None:
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    await self._check()  # whatever changed while we were not listening
                    async for _ in conn.notifies():
                        await self._check()
            except (psycopg.Error, OSError) as exc:
                log.warning("knowledge notifications unavailable (%s); retrying in %.0fs", type(exc).__name__, retry_s)
            await asyncio.sleep(retry_s)
