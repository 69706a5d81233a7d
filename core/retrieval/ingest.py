"""Ingest a folder (or file) into the knowledge base: new and changed files in, deleted ones out.

A document with instruction-like or payment-instruction text (core.answering.guard.flag_matches) is reported;
FINBOT_INGEST_FLAGGED decides whether it is indexed with its chunks marked (`flag`) or kept out (`skip`, which
also removes an earlier version of it from the index).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from core.errors import IngestError
from core.retrieval.documents import DocumentStore
from core.retrieval.loaders import SUPPORTED_SUFFIXES, load_chunks
from core.retrieval.sources import declared_url

__all__ = ["IngestReport", "Ingestor", "ProgressCallback"]

ProgressCallback = Callable[[int, int, str], None]
"""Called as (done, total, current source) after each file."""
FlaggedPolicy = Literal["flag", "skip"]
"""FINBOT_INGEST_FLAGGED: what happens to a flagged document."""


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    flagged: dict[str, dict[str, str]] = field(default_factory=dict)
    """Source -> {kind: the text found} for each document read this run that looks planted."""
    skipped: list[str] = field(default_factory=list)
    """Flagged documents kept out of the index (FINBOT_INGEST_FLAGGED=skip)."""
    chunks: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _files_under(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)


def _file_hash(file: Path, chunking: str = "") -> str:
    """sha256 of the file's bytes (and of the chunk settings, so changing them re-chunks on the next ingest)."""
    try:
        digest = hashlib.sha256(file.read_bytes())
        if chunking:
            digest.update(chunking.encode())
        return digest.hexdigest()
    except OSError as exc:
        raise IngestError(str(file), f"cannot read ({exc.__class__.__name__})") from None


class Ingestor:
    def __init__(
        self,
        documents: DocumentStore,
        *,
        chunk_size: int = 1200,
        chunk_overlap: int = 150,
        flagged: FlaggedPolicy = "flag",
    ) -> None:
        self._documents = documents
        self._chunk_size = chunk_size
        self._chunk_overlap = chunk_overlap
        self._flagged = flagged

    async def ingest_path(self, path: Path, *, progress: ProgressCallback | None = None) -> IngestReport:
        """Index every supported file under `path`; files gone from a folder are removed from the index."""
        root = await asyncio.to_thread(path.resolve)
        if not await asyncio.to_thread(root.exists):
            raise IngestError(str(path), "no such file or folder")
        files = await asyncio.to_thread(_files_under, root)
        known = await self._documents.hashes_by_source()
        report = IngestReport()
        for done, file in enumerate(files, start=1):
            source = str(file)
            try:
                await self._ingest_file(file, source, known.get(source), report)
            except IngestError as exc:
                report.failed[source] = exc.problem
            if progress:
                progress(done, len(files), source)
        if await asyncio.to_thread(root.is_dir):
            seen = {str(f) for f in files}
            prefix = str(root) + "/"
            for source in known:
                if source.startswith(prefix) and source not in seen:
                    await self._documents.delete_source(source)
                    report.removed.append(source)
        return report

    async def _ingest_file(self, file: Path, source: str, known_hash: str | None, report: IngestReport) -> None:
        chunking = (
            f"|chunks:{self._chunk_size}/{self._chunk_overlap}"
            if (self._chunk_size, self._chunk_overlap)
            != (
                1200,
                150,
            )
            else ""
        )
        if self._flagged == "skip":  # switching to skip re-reads every file, so flagged ones already in go
            chunking += "|flagged:skip"
        digest = await asyncio.to_thread(_file_hash, file, chunking)
        if digest == known_hash:
            report.unchanged.append(source)
            return
        title, chunks = await asyncio.to_thread(load_chunks, file, size=self._chunk_size, overlap=self._chunk_overlap)
        from core.answering.guard import flag_matches  # here: core.answering imports core.retrieval at load

        found = flag_matches("\n".join(chunk.text for chunk in chunks))
        if found:
            report.flagged[source] = found
            if self._flagged == "skip":
                if known_hash:  # its earlier version goes too: the index never holds a planted file
                    await self._documents.delete_source(source)
                    report.removed.append(source)
                report.skipped.append(source)
                return
        # Cited by its own web address when it declares one; else finbot's page of it (DocumentStore.all_chunks).
        uri = await asyncio.to_thread(declared_url, file) or file.as_uri()
        await self._documents.replace(
            source=source, uri=uri, title=title, digest=digest, chunks=chunks, flags=",".join(found)
        )
        report.chunks += len(chunks)
        (report.updated if known_hash else report.added).append(source)
