"""The knowledge base's hybrid retriever: keeps the BM25 index and the vectors in step with the chunks.

On `refresh()` it reads every chunk from the database and compares a digest of (id, content hash)
with the one saved in `data_dir/index/state.json`: when nothing changed, the saved BM25 index and
the memory-mapped vectors are loaded as they are. Otherwise BM25 is rebuilt (fast), and only chunks whose
content is new are embedded: vectors are cached by content hash, so a renamed or re-ordered chunk costs
nothing. The chunks themselves are kept in a memory-mapped file (core.retrieval.chunk_file), not in the
process; given the documents' version (`DocumentStore.version`) that the files were built from, a restart
opens the saved files without reading the chunks from the database at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np

from core.retrieval.bm25 import ANALYZER_VERSION, Bm25Index
from core.retrieval.chunk_file import ChunkFile
from core.retrieval.documents import DocumentStore, StoredChunk
from core.retrieval.embeddings import Embedder
from core.retrieval.fusion import FusionConfig
from core.retrieval.hybrid import HybridIndex
from core.retrieval.text import content_terms
from core.retrieval.types import Passage
from core.retrieval.vectors import Filter, LocalVectorIndex, VectorIndex
from core.retrieval.vectors.local import Precision

__all__ = ["EmbeddingCache", "HybridRetriever", "RefreshProgress"]

log = logging.getLogger(__name__)

RefreshProgress = Callable[[int, int, str], None]
"""Called as (done, total, stage) while chunks are embedded."""


def chunk_text(chunk: StoredChunk) -> str:
    return f"{chunk.title}\n{chunk.text}"


def chunk_hash(chunk: StoredChunk) -> str:
    return hashlib.sha256(chunk_text(chunk).encode("utf-8")).hexdigest()


class EmbeddingCache:
    """content hash -> vector, persisted as `<folder>/<model>.npy` + `.json` (rewritten when it grows).

    Read on first use, memory-mapped: a restart with nothing new to embed never opens it."""

    def __init__(self, folder: Path | None, model_id: str, dim: int, *, seeds: Sequence[Path] = ()) -> None:
        self.filename = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in model_id)
        self._folder = folder
        self._npy = folder / f"{self.filename}.npy" if folder else None
        self._json = folder / f"{self.filename}.json" if folder else None
        self._dim = dim
        self._seed_folders = tuple(seeds)
        self._loaded: dict[str, np.ndarray] | None = None
        self._seed_rows: dict[str, np.ndarray] | None = None

    @property
    def _vectors(self) -> dict[str, np.ndarray]:
        if self._loaded is None:
            self._loaded = self._read(self._folder) if self._folder else {}
        return self._loaded

    @property
    def _seeds(self) -> dict[str, np.ndarray]:
        if self._seed_rows is None:
            self._seed_rows = {}
            for seed in self._seed_folders:
                self._seed_rows.update(self._read(seed))
        return self._seed_rows

    def _read(self, folder: Path) -> dict[str, np.ndarray]:
        npy, names = folder / f"{self.filename}.npy", folder / f"{self.filename}.json"
        if not (npy.exists() and names.exists()):
            return {}
        hashes = json.loads(names.read_text(encoding="utf-8"))
        matrix = np.load(npy, mmap_mode="r")
        if matrix.shape != (len(hashes), self._dim):
            return {}
        return {h: matrix[i] for i, h in enumerate(hashes)}

    def get(self, digest: str) -> np.ndarray | None:
        found = self._vectors.get(digest)
        return found if found is not None else self._seeds.get(digest)

    def put(self, digest: str, vector: np.ndarray) -> None:
        self._vectors[digest] = vector

    def keep_only(self, digests: set[str]) -> None:
        self._loaded = {h: v for h, v in self._vectors.items() if h in digests}

    def save(self) -> None:
        if not (self._npy and self._json):
            return
        hashes = list(self._vectors)
        matrix = np.stack([self._vectors[h] for h in hashes]) if hashes else np.zeros((0, self._dim), np.float32)
        self.save_to(self._npy.parent, hashes, matrix)
        self._loaded = None  # the rows were views of the file just replaced: read the new one when next needed

    def save_to(self, folder: Path, hashes: list[str] | None = None, matrix: np.ndarray | None = None) -> None:
        """Write the cache (or the given rows) to `folder`, e.g. to ship vectors for a bundled knowledge base."""
        if hashes is None or matrix is None:
            hashes = list(self._vectors)
            matrix = np.stack([self._vectors[h] for h in hashes]) if hashes else np.zeros((0, self._dim), np.float32)
        folder.mkdir(parents=True, exist_ok=True)
        npy, names = folder / f"{self.filename}.npy", folder / f"{self.filename}.json"
        tmp = npy.with_suffix(".tmp.npy")
        np.save(tmp, matrix.astype(np.float32))
        os.replace(tmp, npy)
        names.write_text(json.dumps(hashes), encoding="utf-8")


class _ChunkTexts(Sequence[str]):
    """`title\ntext` of each chunk, made when asked: the chunk text is held once (in the chunks)."""

    def __init__(self, chunks: Sequence[StoredChunk]) -> None:
        self._chunks = chunks

    def __len__(self) -> int:
        return len(self._chunks)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [chunk_text(c) for c in self._chunks[index]]
        return chunk_text(self._chunks[index])


CHUNKS_FOLDER = "chunks"


@dataclass(slots=True)
class _Built:
    """What a refresh hands the search: the chunks (a file view or the list just read) and their indexes."""

    chunks: Sequence[StoredChunk]
    ids: list[str]
    sources: list[str]
    bm25: Bm25Index
    rebuilt: bool
    embedded: int


CHUNK_FILE_FORMAT = 1


def _version_key(version: object) -> str:
    """The documents' version with what else the saved files depend on (the BM25 analyzer, the file format)."""
    return json.dumps([ANALYZER_VERSION, CHUNK_FILE_FORMAT, version], default=str)


class HybridRetriever:
    """KnowledgeRetriever over the DocumentStore: BM25 + dense vectors, fused (see core.retrieval.fusion)."""

    def __init__(
        self,
        documents: DocumentStore,
        embedder: Embedder,
        *,
        vectors: VectorIndex | None = None,
        data_dir: Path | None = None,
        fusion: FusionConfig | None = None,
        backend_name: str = "local",
        seed_embeddings: Sequence[Path] = (),
        precision: Precision = "int8",
    ) -> None:
        self._documents = documents
        self._embedder = embedder
        self._folder = data_dir / "index" if data_dir else None
        self._vectors = vectors or LocalVectorIndex(
            embedder.dim, self._folder / "vectors" if self._folder else None, precision=precision
        )
        self._fusion = fusion or FusionConfig()
        self._backend_name = backend_name
        self._cache = EmbeddingCache(
            self._folder / "embeddings" if self._folder else None,
            embedder.model_id,
            embedder.dim,
            seeds=seed_embeddings,
        )
        self._chunks: Sequence[StoredChunk] = []
        self._engine: HybridIndex | None = None
        self._lock = asyncio.Lock()
        self.last_refresh: dict[str, Any] = {}

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    @property
    def cache(self) -> EmbeddingCache:
        return self._cache

    # -- state on disk -----------------------------------------------------------------------------

    def _state_path(self) -> Path | None:
        return self._folder / "state.json" if self._folder else None

    def _read_state(self) -> dict[str, Any]:
        path = self._state_path()
        if path is None or not path.exists():
            return {}
        try:
            state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return state
        except ValueError:
            return {}

    def _write_state(self, state: dict[str, Any]) -> None:
        path = self._state_path()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, path)

    def _read_synced(self, state: dict[str, Any]) -> dict[str, dict[str, str]]:
        """chunk id -> content hash per backend, in `synced.json` (read only when the chunks changed); an
        older state.json held it inline."""
        if "synced" in state:
            inline: dict[str, dict[str, str]] = state.pop("synced")
            return inline
        path = self._folder / "synced.json" if self._folder else None
        if path is None or not path.exists():
            return {}
        try:
            synced: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
            return synced
        except ValueError:
            return {}

    def _write_synced(self, synced: dict[str, dict[str, str]]) -> None:
        if self._folder is None:
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        tmp = self._folder / "synced.json.tmp"
        tmp.write_text(json.dumps(synced), encoding="utf-8")
        os.replace(tmp, self._folder / "synced.json")

    # -- refresh -----------------------------------------------------------------------------------

    async def refresh(self, *, progress: RefreshProgress | None = None, version: object = None) -> None:
        """Bring the indexes in step with the chunks in the database (embedding only what is new). `version`:
        the documents' version read before this call; when the saved files were built from it, they are
        opened as they are."""
        async with self._lock:
            started = time.perf_counter()
            state = self._read_state()
            built = await self._saved_index(state, version) or await self._rebuild(state, progress, version)
            chunks = built.chunks
            metadata: dict[str, dict[str, str]] = {}  # one metadata dict per document, shared by its chunks
            self._engine = HybridIndex(
                ids=built.ids,
                texts=_ChunkTexts(chunks),
                bm25=built.bm25,
                vectors=self._vectors,
                fusion=self._fusion,
                metadata=[metadata.setdefault(source, {"source": source}) for source in built.sources],
            )
            self._chunks = chunks
            rebuilt, embedded = built.rebuilt, built.embedded
            self.last_refresh = {
                "chunks": len(chunks),
                "embedded": embedded,
                "bm25_rebuilt": rebuilt,
                "seconds": time.perf_counter() - started,
            }
            log.log(
                logging.INFO if chunks else logging.DEBUG,  # an empty index is reported by its owner, once
                "knowledge index ready: %d chunks, %d embedded, bm25 %s, %.2fs",
                len(chunks),
                embedded,
                "rebuilt" if rebuilt else "loaded",
                self.last_refresh["seconds"],
            )

    async def _saved_index(self, state: dict[str, Any], version: object) -> _Built | None:
        """The saved chunk file and BM25 index when they were built from `version` of the documents and the
        vector backend still holds that many chunks; None otherwise (then everything is checked again)."""
        if self._folder is None or version is None or state.get("version") != _version_key(version):
            return None
        name, count = state.get("chunks"), state.get("counts", {}).get(self._vector_key())
        if not isinstance(name, str) or not isinstance(count, int):
            return None
        chunks = await asyncio.to_thread(ChunkFile.open, self._folder / CHUNKS_FOLDER, name, count)
        if chunks is None or await self._vectors.count() != count:
            return None
        keys = await asyncio.to_thread(chunks.keys)
        bm25 = await asyncio.to_thread(Bm25Index.load, self._folder / "bm25")
        if keys is None or bm25 is None or bm25.size != count:
            return None
        return _Built(chunks, keys[0], keys[1], bm25, rebuilt=False, embedded=0)

    async def _rebuild(
        self, state: dict[str, Any], progress: RefreshProgress | None, version: object
    ) -> _Built:
        """Read every chunk, reuse what their digest says is unchanged, rebuild or re-embed the rest."""
        chunks = await self._documents.index_chunks()
        hashes = [chunk_hash(c) for c in chunks]
        digest = hashlib.sha256(f"bm25:{ANALYZER_VERSION}\n".encode())
        digest.update("".join(f"{c.id}:{h}\n" for c, h in zip(chunks, hashes, strict=True)).encode())
        bm25 = None
        if state.get("digest") == digest.hexdigest() and self._folder:
            bm25 = await asyncio.to_thread(Bm25Index.load, self._folder / "bm25")
        rebuilt = bm25 is None
        if bm25 is None:
            bm25 = await asyncio.to_thread(Bm25Index.build, [chunk_text(c) for c in chunks])
            if self._folder:
                await asyncio.to_thread(bm25.save, self._folder / "bm25")
        key = self._vector_key()
        unchanged = (
            not rebuilt
            and "synced" not in state
            and state.get("counts", {}).get(key) == len(chunks)
            and await self._vectors.count() == len(chunks)
        )
        embedded = 0
        if not unchanged:  # the same digest and count: the backend holds exactly these chunks
            synced = self._read_synced(state)
            embedded = await self._sync_vectors(chunks, hashes, synced, key, progress)
            self._write_synced(synced)
            state.setdefault("counts", {})[key] = len(chunks)
        state["digest"] = digest.hexdigest()
        ids, sources = [c.id for c in chunks], [c.source for c in chunks]
        kept: Sequence[StoredChunk] = chunks
        state.pop("version", None)
        state.pop("chunks", None)
        if self._folder is not None:
            folder, name = self._folder / CHUNKS_FOLDER, digest.hexdigest()[:16]
            kept = await asyncio.to_thread(ChunkFile.write, folder, name, chunks)
            await asyncio.to_thread(ChunkFile.remove_others, folder, name)
            state["chunks"] = name
            if version is not None:
                state["version"] = _version_key(version)
        self._write_state(state)
        return _Built(kept, ids, sources, bm25, rebuilt=rebuilt, embedded=embedded)

    def _vector_key(self) -> str:
        return f"{self._backend_name}:{self._embedder.model_id}"

    async def _sync_vectors(
        self,
        chunks: list[StoredChunk],
        hashes: list[str],
        synced_all: dict[str, dict[str, str]],
        key: str,
        progress: RefreshProgress | None,
    ) -> int:
        """Upsert chunks whose content the backend lacks, delete the ones gone; returns how many were embedded."""
        synced: dict[str, str] = synced_all.get(key, {})
        if await self._vectors.count() != len(synced):
            synced = {}  # the backend was emptied or changed behind our back: re-sync everything
            if await self._vectors.count():
                await self._vectors.delete(filter={"kind": "chunk"})
        current = {c.id: h for c, h in zip(chunks, hashes, strict=True)}
        stale = [i for i in synced if i not in current]
        todo = [(c, h) for c, h in zip(chunks, hashes, strict=True) if synced.get(c.id) != h]
        missing = [(c, h) for c, h in todo if self._cache.get(h) is None]
        batch = 64
        if progress and missing:
            progress(0, len(missing), "embedding")  # the total is known before the first batch
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            vectors = await self._embedder.embed([chunk_text(c) for c, _ in part])
            for (_, h), v in zip(part, vectors, strict=True):
                self._cache.put(h, v)
            if progress:
                progress(min(start + batch, len(missing)), len(missing), "embedding")
        if todo:
            matrix = np.stack([self._cache.get(h) for _, h in todo])  # type: ignore[misc]
            await self._vectors.upsert(
                [c.id for c, _ in todo], matrix, [{"source": c.source, "kind": "chunk"} for c, _ in todo]
            )
        if stale:
            await self._vectors.delete(stale)
        if missing or stale:
            self._cache.keep_only(set(hashes))
            await asyncio.to_thread(self._cache.save)
        synced_all[key] = current
        return len(missing)

    # -- search ------------------------------------------------------------------------------------

    async def search(
        self, query: str, k: int, *, filter: Filter | None = None, documents_version: object = None
    ) -> list[Passage]:
        """`documents_version` is for KnowledgeSync (bot.knowledge_sync); this index is what it was built from."""
        engine, chunks = self._engine, self._chunks
        if engine is None or not chunks or not content_terms(query):
            return []
        vector = (await self._embedder.embed([query]))[0]
        hits = await engine.search(query, vector, k, filter=filter)
        passages = []
        for hit in hits:
            chunk = chunks[hit.row]
            lexical = engine.coverage(query, hit)
            passages.append(
                Passage(
                    chunk_id=chunk.id,
                    title=chunk.title,
                    uri=self._documents.cited_uri(chunk),
                    text=chunk.text,
                    score=hit.score,
                    relevance=engine.relevance(query, hit, lexical),
                    source=chunk.source,
                    dense=hit.dense if hit.dense_known else None,
                    keyword=hit.keyword_norm,
                    keyword_raw=hit.keyword,
                    dense_rank=hit.dense_rank,
                    keyword_rank=hit.keyword_rank,
                    coverage=lexical,
                    missing=engine.rarest_missing(query, hit),
                )
            )
        return passages

    async def close(self) -> None:
        await self._vectors.close()
