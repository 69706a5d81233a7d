"""The embedded default: exact cosine search with numpy over a memory-mapped matrix on disk.

Files in `path`: `vectors.npy` (float32, n x dim, opened with mmap so a restart costs no copy)
and `rows.json` (ids and metadata in row order). Writes go to temporary files renamed into place.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from core.retrieval.vectors.base import Filter, VectorHit, as_matrix, matches

__all__ = ["LocalVectorIndex"]


class LocalVectorIndex:
    def __init__(self, dim: int, path: Path | None = None) -> None:
        self.dim = dim
        self._path = path
        self._ids: list[str] = []
        self._meta: list[dict[str, str]] = []
        self._pos: dict[str, int] = {}
        self._matrix: np.ndarray = np.zeros((0, dim), dtype=np.float32)
        self._lock = threading.Lock()
        self._postings: dict[str, dict[str, np.ndarray]] = {}
        if path is not None:
            self._load(path)

    # -- persistence -------------------------------------------------------------------------------

    def _load(self, path: Path) -> None:
        vectors, rows = path / "vectors.npy", path / "rows.json"
        if not (vectors.exists() and rows.exists()):
            return
        data = json.loads(rows.read_text(encoding="utf-8"))
        matrix = np.load(vectors, mmap_mode="r")
        if data.get("dim") != self.dim or matrix.shape != (len(data["ids"]), self.dim):
            return  # another model's vectors: start empty, the caller re-embeds
        self._matrix, self._ids, self._meta = matrix, list(data["ids"]), list(data["meta"])
        self._pos = {id_: i for i, id_ in enumerate(self._ids)}

    def _save(self) -> None:
        if self._path is None:
            return
        self._path.mkdir(parents=True, exist_ok=True)
        tmp_vectors, tmp_rows = self._path / "vectors.tmp.npy", self._path / "rows.tmp.json"
        np.save(tmp_vectors, np.ascontiguousarray(self._matrix))
        tmp_rows.write_text(json.dumps({"dim": self.dim, "ids": self._ids, "meta": self._meta}), encoding="utf-8")
        os.replace(tmp_vectors, self._path / "vectors.npy")
        os.replace(tmp_rows, self._path / "rows.json")
        self._matrix = np.load(self._path / "vectors.npy", mmap_mode="r")

    # -- writes ------------------------------------------------------------------------------------

    def upsert_sync(
        self, ids: Sequence[str], vectors: np.ndarray, metadata: Sequence[Mapping[str, str]] | None = None
    ) -> None:
        matrix = as_matrix(vectors, self.dim)
        metas = [dict(m) for m in metadata] if metadata is not None else [{} for _ in ids]
        with self._lock:
            current = np.array(self._matrix)  # writable copy
            new_rows: list[np.ndarray] = []
            for row, (id_, meta) in enumerate(zip(ids, metas, strict=True)):
                at = self._pos.get(id_)
                if at is None:
                    self._pos[id_] = len(self._ids)
                    self._ids.append(id_)
                    self._meta.append(meta)
                    new_rows.append(matrix[row])
                else:
                    current[at] = matrix[row]
                    self._meta[at] = meta
            self._matrix = np.vstack([current, *new_rows]) if new_rows else current
            self._postings.clear()
            self._save()

    def delete_sync(self, ids: Sequence[str] | None = None, *, filter: Filter | None = None) -> None:
        with self._lock:
            if ids is not None:
                drop = {self._pos[i] for i in ids if i in self._pos}
            elif filter:
                drop = {i for i, meta in enumerate(self._meta) if matches(meta, filter)}
            else:
                raise ValueError("delete needs ids or a filter")
            if not drop:
                return
            keep = [i for i in range(len(self._ids)) if i not in drop]
            self._matrix = np.array(self._matrix[keep]) if keep else np.zeros((0, self.dim), np.float32)
            self._ids = [self._ids[i] for i in keep]
            self._meta = [self._meta[i] for i in keep]
            self._pos = {id_: i for i, id_ in enumerate(self._ids)}
            self._postings.clear()
            self._save()

    # -- reads -------------------------------------------------------------------------------------

    def _rows_for(self, filter: Filter) -> np.ndarray:
        """Row numbers passing the filter, from per-field postings built on first use."""
        selected: np.ndarray | None = None
        for key, wanted in filter.items():
            postings = self._postings.get(key)
            if postings is None:
                grouped: dict[str, list[int]] = {}
                for i, meta in enumerate(self._meta):
                    if key in meta:
                        grouped.setdefault(meta[key], []).append(i)
                postings = {v: np.array(rows, dtype=np.int64) for v, rows in grouped.items()}
                self._postings[key] = postings
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            empty = np.zeros(0, dtype=np.int64)
            rows = np.unique(np.concatenate([postings.get(v, empty) for v in values] or [empty]))
            selected = rows if selected is None else np.intersect1d(selected, rows)
        return selected if selected is not None else np.arange(len(self._ids))

    def query_sync(self, vector: np.ndarray, k: int, filter: Filter | None = None) -> list[VectorHit]:
        matrix, ids, meta = self._matrix, self._ids, self._meta
        if k <= 0 or not ids:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if filter:
            rows = self._rows_for(filter)
            if rows.size == 0:
                return []
            scores = matrix[rows] @ query
        else:
            rows = None
            scores = matrix @ query
        k = min(k, scores.shape[0])
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.shape[0] else np.arange(scores.shape[0])
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = []
        for i in top:
            row = int(rows[i]) if rows is not None else int(i)
            hits.append(VectorHit(ids[row], float(scores[i]), meta[row]))
        return hits

    def scores_for(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of the query with every row (row order = `ids`)."""
        return self._matrix @ np.asarray(vector, dtype=np.float32).reshape(-1)

    @property
    def ids(self) -> list[str]:
        return self._ids

    # -- the async interface -----------------------------------------------------------------------

    async def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, metadata: Sequence[Mapping[str, str]] | None = None
    ) -> None:
        await asyncio.to_thread(self.upsert_sync, list(ids), vectors, metadata)

    async def query(self, vector: np.ndarray, k: int, filter: Filter | None = None) -> list[VectorHit]:
        return self.query_sync(vector, k, filter)

    async def delete(self, ids: Sequence[str] | None = None, *, filter: Filter | None = None) -> None:
        await asyncio.to_thread(self.delete_sync, list(ids) if ids is not None else None, filter=filter)

    async def count(self) -> int:
        return len(self._ids)

    async def close(self) -> None:
        return None
