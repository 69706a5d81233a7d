"""Retrieval evaluation on BEIR-format folders: corpus.jsonl, queries.jsonl, qrels (tsv).

Metrics (binary or graded judgements): nDCG@10, Recall@10, Recall@100, MRR@10.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.retrieval.bm25 import Bm25Index
from core.retrieval.embeddings import Embedder
from core.retrieval.fusion import FusionConfig
from core.retrieval.hybrid import HybridIndex
from core.retrieval.vectors import LocalVectorIndex

__all__ = ["BeirDataset", "evaluate_dataset", "evaluate_run", "latency_summary", "load_beir", "mean_metrics"]


@dataclass(slots=True)
class BeirDataset:
    corpus: dict[str, tuple[str, str]]
    """doc id -> (title, text)."""
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    """query id -> {doc id: relevance grade}; only judged queries are evaluated."""


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) < 3 or (line_no == 0 and not parts[-1].strip().lstrip("-").isdigit()):
            continue  # header
        query_id, doc_id, grade = parts[0], parts[-2], int(parts[-1])
        if grade > 0:
            qrels.setdefault(query_id, {})[doc_id] = grade
    return qrels


def load_beir(folder: Path, qrels_file: Path | None = None) -> BeirDataset:
    """Read a BEIR folder; qrels from `qrels_file`, else qrels/test.tsv, qrels/dev.tsv or qrels*.tsv."""
    corpus = {str(d["_id"]): (d.get("title") or "", d.get("text") or "") for d in _read_jsonl(folder / "corpus.jsonl")}
    queries = {str(q["_id"]): q.get("text") or "" for q in _read_jsonl(folder / "queries.jsonl")}
    if qrels_file is None:
        candidates = [folder / "qrels" / "test.tsv", folder / "qrels" / "dev.tsv", *sorted(folder.glob("qrels*.tsv"))]
        qrels_file = next((c for c in candidates if c.exists()), None)
        if qrels_file is None:
            raise FileNotFoundError(f"no qrels file in {folder}; pass --qrels")
    qrels = {q: rel for q, rel in read_qrels(qrels_file).items() if q in queries}
    return BeirDataset(corpus, queries, qrels)


def evaluate_run(ranking: Sequence[str], relevant: Mapping[str, int]) -> dict[str, float]:
    """Metrics of one query's ranking (doc ids, best first) against its judgements."""
    gains = [relevant.get(d, 0) for d in ranking]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    first = next((i for i, g in enumerate(gains[:10]) if g > 0), None)
    n_rel = len(relevant)
    return {
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "recall@10": sum(1 for g in gains[:10] if g > 0) / n_rel if n_rel else 0.0,
        "recall@100": sum(1 for g in gains[:100] if g > 0) / n_rel if n_rel else 0.0,
        "mrr@10": 1.0 / (first + 1) if first is not None else 0.0,
    }


def mean_metrics(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    if not rows:
        return {}
    return {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50 / p95 in milliseconds and queries per second (one at a time)."""
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "qps": 0.0}
    ms = np.asarray(seconds) * 1000
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "qps": float(len(seconds) / max(sum(seconds), 1e-9)),
    }


async def evaluate_dataset(
    dataset: BeirDataset,
    embedder: Embedder,
    *,
    fusion: FusionConfig | None = None,
    modes: Sequence[str] = ("bm25", "dense", "hybrid"),
    cache_dir: Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    """Index the corpus (BM25 + embeddings), run every judged query in each mode, and measure.

    Returns {"corpus": n, "queries": n, "index_s": {...}, "modes": {mode: {metrics..., p50_ms, p95_ms, qps}}}.
    Query latency includes embedding the query for the dense and hybrid modes.
    """
    ids = list(dataset.corpus)
    texts = [f"{title}\n{text}" if title else text for title, text in dataset.corpus.values()]
    started = time.perf_counter()
    bm25 = await asyncio.to_thread(Bm25Index.build, texts)
    bm25_s = time.perf_counter() - started
    started = time.perf_counter()
    matrix = await _embed_cached(embedder, texts, cache_dir, progress)
    embed_s = time.perf_counter() - started
    vectors = LocalVectorIndex(embedder.dim)
    vectors.upsert_sync(ids, matrix)
    engine = HybridIndex(ids=ids, texts=texts, bm25=bm25, vectors=vectors, fusion=fusion)
    judged = [q for q in dataset.qrels if q in dataset.queries]
    report: dict[str, Any] = {
        "corpus": len(ids),
        "queries": len(judged),
        "fusion": (engine.fusion.method, engine.fusion.keyword_weight),
        "index_s": {"bm25": bm25_s, "embeddings": embed_s, "passages_per_s": len(ids) / max(embed_s, 1e-9)},
        "modes": {},
    }
    for mode in modes:
        rows, seconds = [], []
        for done, query_id in enumerate(judged, start=1):
            text = dataset.queries[query_id]
            t0 = time.perf_counter()
            vector = None if mode == "bm25" else embedder.embed_sync([text])[0]
            hits = await engine.search(text, vector, 100, mode=mode)
            seconds.append(time.perf_counter() - t0)
            rows.append(evaluate_run([ids[h.row] for h in hits], dataset.qrels[query_id]))
            if progress:
                progress(done, len(judged), f"queries ({mode})")
        report["modes"][mode] = {**mean_metrics(rows), **latency_summary(seconds)}
    return report


async def _embed_cached(
    embedder: Embedder, texts: list[str], cache_dir: Path | None, progress: Callable[[int, int, str], None] | None
) -> np.ndarray:
    """Embed in batches with progress; with `cache_dir`, vectors are kept by text hash for the next run."""
    from core.retrieval.retriever import EmbeddingCache

    cache = EmbeddingCache(cache_dir, embedder.model_id, embedder.dim)
    digests = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    missing = [i for i, d in enumerate(digests) if cache.get(d) is None]
    batch = 32
    if progress and missing:
        progress(0, len(missing), "embedding")  # the bar starts with its total, so its ETA comes early
    for start in range(0, len(missing), batch):
        rows = missing[start : start + batch]
        for i, vector in zip(rows, await embedder.embed([texts[i] for i in rows]), strict=True):
            cache.put(digests[i], vector)
        if progress:
            progress(min(start + batch, len(missing)), len(missing), "embedding")
    if missing and cache_dir:
        cache.save()
    return np.stack([cache.get(d) for d in digests]) if texts else np.zeros((0, embedder.dim), np.float32)  # type: ignore[misc]
