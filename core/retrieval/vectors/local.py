"""The embedded default: a quantized in-memory scan (faiss) re-ranked against float32 rows kept on disk.

Files in `path`: `vectors.f32` (raw float32 rows, memory-mapped: a restart reads nothing it does not touch) and
`rows.jsonl` (one `{"i", "id", "meta"}` line per write, later lines win). Upserts append to both files and to
the quantized codes (amortised growth, no whole-matrix copy); deletes compact (rare). The older
`vectors.npy` + `rows.json` pair is converted on first load.

Search: `precision="int8"` (default) scans 8-bit codes (a quarter of float32's memory traffic) for the best
`max(k, refine)` rows, then re-scores those exactly from the float32 rows, so the top 10 matches exact search
(recall@10 >= 0.99, tests/unit/retrieval/test_quantized_recall.py). `"float16"` scans half-precision codes;
`"float32"` is the exact numpy scan. Indexes smaller than `exact_below` rows always scan exactly.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from core.retrieval.vectors.base import Filter, VectorHit, as_matrix, matches

__all__ = ["LocalVectorIndex", "Precision"]

Precision = Literal["int8", "float16", "float32"]

EXACT_BELOW = 4096
REFINE = 64
"""Quantized candidates re-scored exactly per query (>= k)."""


class _Rows:
    """float32 rows with amortised appends: a growing memory buffer, or a memory-mapped file appended to."""

    def __init__(self, dim: int, file: Path | None) -> None:
        self.dim, self.file, self.n = dim, file, 0
        self._fd: int | None = None
        self._buf = np.zeros((0, dim), dtype=np.float32)
        if file is not None and file.exists():
            self.n = file.stat().st_size // (4 * dim)
            self._map()

    def _map(self) -> None:
        """Memory-map the file for the rare full scans (a rebuild of the codes, deletes, filtered or exact
        search); the hot path reads its few rows with `take`."""
        assert self.file is not None
        if self._fd is not None:
            os.close(self._fd)
        self._fd = os.open(self.file, os.O_RDONLY) if self.file.exists() else None
        if self.n:
            self._buf = np.memmap(self.file, dtype=np.float32, mode="r", shape=(self.n, self.dim))
        else:
            self._buf = np.zeros((0, self.dim), dtype=np.float32)

    def __del__(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def take(self, at: np.ndarray) -> np.ndarray:
        """The rows at the given positions, read with one pread each (from a file): touching them through the
        map would make whole page-cache folios resident around each row, ~0.5 MB of RSS per row read."""
        if self.file is None or self._fd is None:
            return np.asarray(self._buf[at])
        out = np.empty((len(at), self.dim), dtype=np.float32)
        size = 4 * self.dim
        for i, position in enumerate(np.asarray(at).tolist()):
            os.preadv(self._fd, [memoryview(out[i])], position * size)
        return out

    @property
    def matrix(self) -> np.ndarray:
        return self._buf[: self.n]

    def append(self, rows: np.ndarray) -> None:
        if not len(rows):
            return
        if self.file is not None:
            with self.file.open("ab") as out:
                out.write(np.ascontiguousarray(rows, dtype=np.float32).tobytes())
            self.n += len(rows)
            self._map()
            return
        if self.n + len(rows) > self._buf.shape[0]:
            grown = np.zeros((max(2 * self._buf.shape[0], self.n + len(rows), 64), self.dim), dtype=np.float32)
            grown[: self.n] = self._buf[: self.n]
            self._buf = grown
        self._buf[self.n : self.n + len(rows)] = rows
        self.n += len(rows)

    def overwrite(self, at: Sequence[int], rows: np.ndarray) -> None:
        if not len(at):
            return
        if self.file is None:
            self._buf[np.asarray(at)] = rows
            return
        with self.file.open("r+b") as out:
            for position, row in zip(at, rows, strict=True):
                out.seek(int(position) * 4 * self.dim)
                out.write(np.ascontiguousarray(row, dtype=np.float32).tobytes())
        self._map()

    def replace(self, rows: np.ndarray) -> None:
        """Whole rewrite (deletes): to a temporary file renamed into place."""
        if self.file is None:
            self._buf, self.n = np.array(rows, dtype=np.float32).reshape(-1, self.dim), len(rows)
            return
        tmp = self.file.with_suffix(".tmp")
        tmp.write_bytes(np.ascontiguousarray(rows, dtype=np.float32).tobytes())
        os.replace(tmp, self.file)
        self.n = len(rows)
        self._map()


class _Codes:
    """Quantized copy of the rows in a faiss scalar-quantizer index (imported on first use)."""

    def __init__(self, dim: int, precision: Precision) -> None:
        import faiss  # ~0.2 s to import: only when an index is large enough to quantize

        faiss.omp_set_num_threads(1)
        self._faiss = faiss
        kind = faiss.ScalarQuantizer.QT_8bit if precision == "int8" else faiss.ScalarQuantizer.QT_fp16
        self.index = faiss.IndexScalarQuantizer(dim, kind, faiss.METRIC_INNER_PRODUCT)
        self.trained_on = 0

    def rebuild(self, matrix: np.ndarray) -> None:
        self.index.reset()
        data = np.ascontiguousarray(matrix, dtype=np.float32)
        self.index.train(data)
        self.index.add(data)
        self.trained_on = len(data)

    def append(self, rows: np.ndarray) -> None:
        self.index.add(np.ascontiguousarray(rows, dtype=np.float32))

    def overwrite(self, at: Sequence[int], rows: np.ndarray) -> None:
        codes = self.index.sa_encode(np.ascontiguousarray(rows, dtype=np.float32))
        size = self.index.code_size
        view = self._faiss.rev_swig_ptr(self.index.codes.data(), self.index.ntotal * size)
        view = view.reshape(self.index.ntotal, size)
        view[np.asarray(at)] = codes

    def save(self, path: Path, stamp: dict[str, Any]) -> None:
        """Write the codes and, last, the stamp saying which files they were built from (bot restarts read them
        instead of re-quantizing every row, which also kept the whole float32 file in memory)."""
        stamp_file = path / "codes.json"
        stamp_file.unlink(missing_ok=True)
        tmp = path / "codes.faiss.tmp"
        self._faiss.write_index(self.index, str(tmp))
        os.replace(tmp, path / "codes.faiss")
        stamp_file.write_text(json.dumps({**stamp, "trained_on": self.trained_on}), encoding="utf-8")

    def load(self, path: Path, stamp: dict[str, Any]) -> bool:
        """Read saved codes when their stamp matches the files as they are now."""
        try:
            saved = json.loads((path / "codes.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if {k: saved.get(k) for k in stamp} != stamp:
            return False
        index = self._faiss.read_index(str(path / "codes.faiss"))
        expected = (stamp["n"], self.index.d)
        if not isinstance(index, self._faiss.IndexScalarQuantizer) or (index.ntotal, index.d) != expected:
            return False
        self.index, self.trained_on = index, int(saved["trained_on"])
        return True

    def search(self, query: np.ndarray, k: int) -> np.ndarray:
        _, rows = self.index.search(query[None, :], k)
        found: np.ndarray = rows[0]
        return found[found >= 0]


class LocalVectorIndex:
    def __init__(
        self,
        dim: int,
        path: Path | None = None,
        *,
        precision: Precision = "int8",
        exact_below: int = EXACT_BELOW,
        refine: int = REFINE,
    ) -> None:
        self.dim, self.precision, self.exact_below, self.refine = dim, precision, exact_below, refine
        self._path = path
        self._ids: list[str] = []
        self._meta: list[dict[str, str]] = []
        self._pos: dict[str, int] = {}
        self._lock = threading.Lock()
        self._postings: dict[str, dict[str, np.ndarray]] = {}
        self._codes: _Codes | None = None
        self._codes_saved = False
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            self._convert_legacy(path)
        self._rows = _Rows(dim, path / "vectors.f32" if path is not None else None)
        if path is not None:
            self._load(path)
        self._load_codes()
        self._sync_codes()
        self.flush()

    # -- persistence -------------------------------------------------------------------------------

    def _convert_legacy(self, path: Path) -> None:
        vectors, rows = path / "vectors.npy", path / "rows.json"
        if (path / "vectors.f32").exists() or not (vectors.exists() and rows.exists()):
            return
        data = json.loads(rows.read_text(encoding="utf-8"))
        matrix = np.load(vectors)
        if data.get("dim") == self.dim and matrix.shape == (len(data["ids"]), self.dim):
            (path / "vectors.f32").write_bytes(np.ascontiguousarray(matrix, dtype=np.float32).tobytes())
            lines = (
                json.dumps({"i": i, "id": id_, "meta": meta})
                for i, (id_, meta) in enumerate(zip(data["ids"], data["meta"], strict=True))
            )
            (path / "rows.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            (path / "dim").write_text(str(self.dim))
        vectors.unlink()
        rows.unlink()

    def _load(self, path: Path) -> None:
        rows_file = path / "rows.jsonl"
        dim_file = path / "dim"
        if not rows_file.exists() or not dim_file.exists() or dim_file.read_text().strip() != str(self.dim):
            self._reset_files(path)
            return
        ids: dict[int, str] = {}
        meta: dict[int, dict[str, str]] = {}
        shared: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}  # equal metadata (a document's) held once
        with rows_file.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    row = json.loads(line)
                    fields = row["meta"]
                    ids[row["i"]] = row["id"]
                    meta[row["i"]] = shared.setdefault(tuple(sorted(fields.items())), fields)
        if len(ids) != self._rows.n or set(ids) != set(range(self._rows.n)):
            self._reset_files(path)  # torn write: start empty, the caller re-embeds
            return
        self._ids = [ids[i] for i in range(self._rows.n)]
        self._meta = [meta[i] for i in range(self._rows.n)]
        self._pos = {id_: i for i, id_ in enumerate(self._ids)}

    def _reset_files(self, path: Path) -> None:
        (path / "dim").write_text(str(self.dim))
        (path / "rows.jsonl").write_text("")
        self._rows.replace(np.zeros((0, self.dim), dtype=np.float32))

    def _append_rows_file(self, entries: list[dict[str, Any]]) -> None:
        if self._path is None or not entries:
            return
        with (self._path / "rows.jsonl").open("a", encoding="utf-8") as out:
            out.write("".join(json.dumps(entry) + "\n" for entry in entries))

    def _rewrite_rows_file(self) -> None:
        if self._path is None:
            return
        tmp = self._path / "rows.jsonl.tmp"
        pairs = enumerate(zip(self._ids, self._meta, strict=True))
        lines = (json.dumps({"i": i, "id": id_, "meta": m}) for i, (id_, m) in pairs)
        tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        os.replace(tmp, self._path / "rows.jsonl")

    # -- the quantized copy ------------------------------------------------------------------------

    def _stamp(self) -> dict[str, Any]:
        """What the codes were built from: the precision, the row count and the two files' sizes (every write
        appends to rows.jsonl, so a write the codes missed changes its size)."""
        assert self._path is not None
        sizes = [f.stat().st_size if f.exists() else 0 for f in (self._path / "rows.jsonl", self._path / "vectors.f32")]
        return {"precision": self.precision, "n": self._rows.n, "rows_bytes": sizes[0], "vectors_bytes": sizes[1]}

    def _load_codes(self) -> None:
        if self._path is None or self.precision == "float32" or self._rows.n < max(1, self.exact_below):
            return
        codes = _Codes(self.dim, self.precision)
        if codes.load(self._path, self._stamp()):
            self._codes, self._codes_saved = codes, True

    def flush(self) -> None:
        """Save the quantized codes if they changed since last saved (at close; after a rebuild at load)."""
        with self._lock:
            if self._path is None or self._codes is None or self._codes_saved:
                return
            self._codes.save(self._path, self._stamp())
            self._codes_saved = True

    def _sync_codes(self) -> None:
        """Build the codes once the index is large enough; retrain when it has doubled since (amortised)."""
        n = self._rows.n
        if self.precision == "float32" or n < max(1, self.exact_below):
            self._codes = None
            return
        if self._codes is None:
            self._codes = _Codes(self.dim, self.precision)
        if self._codes.trained_on == 0 or n >= 2 * self._codes.trained_on or self._codes.index.ntotal != n:
            self._codes.rebuild(self._rows.matrix)
            self._codes_saved = False

    # -- writes ------------------------------------------------------------------------------------

    def upsert_sync(
        self, ids: Sequence[str], vectors: np.ndarray, metadata: Sequence[Mapping[str, str]] | None = None
    ) -> None:
        matrix = as_matrix(vectors, self.dim)
        metas = [dict(m) for m in metadata] if metadata is not None else [{} for _ in ids]
        with self._lock:
            fresh: list[int] = []
            updated: dict[int, int] = {}
            entries: list[dict[str, Any]] = []
            for row, (id_, meta) in enumerate(zip(ids, metas, strict=True)):
                at = self._pos.get(id_)
                if at is None:
                    at = self._pos[id_] = len(self._ids)
                    self._ids.append(id_)
                    self._meta.append(meta)
                    fresh.append(row)
                else:
                    self._meta[at] = meta
                    updated[at] = row
                entries.append({"i": at, "id": id_, "meta": meta})
            positions = sorted(updated)
            self._rows.overwrite(positions, matrix[[updated[p] for p in positions]])
            self._rows.append(matrix[fresh])
            self._append_rows_file(entries)
            if self._codes is not None and positions:
                self._codes.overwrite(positions, matrix[[updated[p] for p in positions]])
            if self._codes is not None and fresh and self._rows.n < 2 * self._codes.trained_on:
                self._codes.append(matrix[fresh])
            self._codes_saved = False
            self._sync_codes()
            self._postings.clear()

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
            self._rows.replace(np.array(self._rows.matrix[keep]).reshape(-1, self.dim))
            self._ids = [self._ids[i] for i in keep]
            self._meta = [self._meta[i] for i in keep]
            self._pos = {id_: i for i, id_ in enumerate(self._ids)}
            self._rewrite_rows_file()
            if self._codes is not None:
                self._codes.trained_on = 0
            self._codes_saved = False
            self._sync_codes()
            self._postings.clear()

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

    def top_rows(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The best k row numbers (best first) and their exact cosines: quantized scan + exact re-score."""
        n = self._rows.n
        if k <= 0 or n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        codes = self._codes
        if codes is None or codes.index.ntotal != n:
            scores = self._rows.matrix @ query
            candidates = np.arange(n)
        else:
            candidates = np.sort(codes.search(query, min(n, max(k, self.refine))))
            scores = self._rows.take(candidates) @ query
        k = min(k, len(candidates))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(candidates) else np.arange(len(candidates))
        top = top[np.argsort(-scores[top], kind="stable")]
        return candidates[top].astype(np.int64), scores[top].astype(np.float32)

    def scores_at(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosines of the given row numbers."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if not len(rows):
            return np.zeros(0, dtype=np.float32)
        order = np.argsort(rows)
        scores = np.empty(len(rows), dtype=np.float32)
        scores[order] = self._rows.take(np.asarray(rows)[order]) @ query
        return scores

    def query_sync(self, vector: np.ndarray, k: int, filter: Filter | None = None) -> list[VectorHit]:
        ids, meta = self._ids, self._meta
        if k <= 0 or not ids:
            return []
        if filter:
            rows = self._rows_for(filter)
            if rows.size == 0:
                return []
            scores = self.scores_at(vector, rows)
            k = min(k, scores.shape[0])
            top = np.argpartition(-scores, k - 1)[:k] if k < scores.shape[0] else np.arange(scores.shape[0])
            top = top[np.argsort(-scores[top], kind="stable")]
            return [VectorHit(ids[int(rows[i])], float(scores[i]), meta[int(rows[i])]) for i in top]
        found, cosines = self.top_rows(vector, k)
        return [VectorHit(ids[int(r)], float(s), meta[int(r)]) for r, s in zip(found, cosines, strict=True)]

    def scores_for(self, vector: np.ndarray) -> np.ndarray:
        """Exact cosine of the query with every row (row order = `ids`): a full float32 scan."""
        return self._rows.matrix @ np.asarray(vector, dtype=np.float32).reshape(-1)

    @property
    def ids(self) -> list[str]:
        return self._ids

    @property
    def quantized(self) -> bool:
        return self._codes is not None

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
        await asyncio.to_thread(self.flush)
