"""Keep this process's in-memory knowledge index in step with the shared database.

With several finbot processes on one database, `finbot ingest` (or another process) changes the documents;
each process notices through a cheap fingerprint query and refreshes its own index (BM25 + vectors,
embedding only what is new). Unlike scheduled jobs, this runs in every process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.retrieval import DocumentStore, KnowledgeRetriever

__all__ = ["KnowledgeWatcher"]

log = logging.getLogger(__name__)


class KnowledgeWatcher:
    def __init__(self, documents: DocumentStore, retriever: KnowledgeRetriever, *, interval_s: float) -> None:
        self._documents = documents
        self._retriever = retriever
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None
        self._seen: tuple[int, str] | None = None

    async def start(self) -> None:
        self._seen = await self._documents.version()
        self._task = asyncio.create_task(self._run(), name="knowledge-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def check(self) -> bool:
        """Refresh the index if the documents changed since the last look; True when it did."""
        version = await self._documents.version()
        if version == self._seen:
            return False
        await self._retriever.refresh()
        self._seen = version
        log.info("knowledge base changed (%d documents): index refreshed", version[0])
        return True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self.check()
            except Exception:  # a failed look is retried next interval; answering goes on with the old index
                log.exception("could not refresh the knowledge index")
