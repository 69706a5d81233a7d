"""Hybrid search: BM25 and dense vectors over the same rows, fused into one ranking.

`HybridIndex` is the engine over rows held in memory (used by the retriever, `finbot eval` and the
benchmarks); `core.retrieval.retriever.HybridRetriever` keeps it in step with the knowledge base.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.retrieval.bm25 import Bm25Index, coverage, top_k
from core.retrieval.fusion import FusionConfig, fuse
from core.retrieval.vectors import Filter, LocalVectorIndex, VectorIndex, matches

__all__ = ["HybridHit", "HybridIndex", "calibrated_relevance"]

# Cosine of all-MiniLM-L6-v2 between a question and a passage: ~0.1 for unrelated text,
# ~0.5 and above for a passage that answers it (measured on the sample knowledge base).
COSINE_FLOOR = 0.2
COSINE_FULL = 0.6


def calibrated_relevance(cosine: float, lexical: float) -> float:
    """0..1: how well a passage matches a question, from dense cosine and IDF-weighted term coverage.

    The stronger of the two signals decides, so a paraphrase (high cosine, low coverage) and an exact
    keyword question (high coverage) both count, and an unrelated question scores low on both.
    """
    semantic = min(1.0, max(0.0, (cosine - COSINE_FLOOR) / (COSINE_FULL - COSINE_FLOOR)))
    return max(semantic, 0.5 * lexical + 0.5 * semantic)


@dataclass(frozen=True, slots=True)
class HybridHit:
    row: int
    score: float
    dense: float
    keyword: float
    dense_rank: int = 0
    """1-based rank among the dense side's candidates (0: not one of them)."""
    keyword_rank: int = 0
    """1-based rank among the BM25 side's candidates (0: not one of them)."""


class HybridIndex:
    """BM25 over `texts` and a vector index keyed by `ids` (same rows), fused by `fusion`."""

    def __init__(
        self,
        *,
        ids: Sequence[str],
        texts: Sequence[str],
        bm25: Bm25Index,
        vectors: VectorIndex,
        fusion: FusionConfig | None = None,
        metadata: Sequence[Mapping[str, str]] | None = None,
    ) -> None:
        self.ids = list(ids)
        self.texts = list(texts)
        self.bm25 = bm25
        self.vectors = vectors
        self.fusion = fusion or FusionConfig()
        self.metadata = list(metadata) if metadata is not None else [{} for _ in self.ids]
        self._row = {id_: i for i, id_ in enumerate(self.ids)}
        self._perm: np.ndarray | None = None
        if isinstance(vectors, LocalVectorIndex):
            positions = {id_: i for i, id_ in enumerate(vectors.ids)}
            if all(id_ in positions for id_ in self.ids):
                self._perm = np.array([positions[id_] for id_ in self.ids], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    def _mask(self, filter: Filter | None) -> np.ndarray | None:
        if not filter:
            return None
        return np.array([matches(m, filter) for m in self.metadata], dtype=bool)

    async def _dense_scores(self, vector: np.ndarray, mask: np.ndarray | None, filter: Filter | None) -> np.ndarray:
        """Cosine per row: exact for every row with the local index, else the backend's top `depth`."""
        if self._perm is not None:
            assert isinstance(self.vectors, LocalVectorIndex)
            return self.vectors.scores_for(vector)[self._perm]
        hits = await self.vectors.query(vector, self.fusion.depth, filter)
        scores = np.full(len(self.ids), np.nan, dtype=np.float32)
        for hit in hits:
            row = self._row.get(hit.id)
            if row is not None:
                scores[row] = hit.score
        return scores

    async def search(
        self, query: str, vector: np.ndarray | None, k: int, *, filter: Filter | None = None, mode: str = "hybrid"
    ) -> list[HybridHit]:
        """Best k rows for the query; mode "hybrid", "bm25" or "dense" (the latter two for comparisons)."""
        if not self.ids or k <= 0:
            return []
        mask = self._mask(filter)
        keyword = self.bm25.scores(query) if mode != "dense" else np.zeros(len(self.ids), np.float32)
        if mode == "bm25" or vector is None:
            dense = np.zeros(len(self.ids), np.float32)
        else:
            dense = await self._dense_scores(vector, mask, filter)
        if mask is not None:
            keyword = np.where(mask, keyword, 0.0)
            dense = np.where(mask, dense, np.nan)
        depth = max(self.fusion.depth, k)
        dense_known = ~np.isnan(dense)
        dense_filled = np.where(dense_known, dense, np.nanmin(dense) if dense_known.any() else 0.0)
        if mode == "bm25" or vector is None:
            rows, _ = top_k(keyword, k, positive=True)
            return [HybridHit(int(r), float(keyword[r]), 0.0, float(keyword[r])) for r in rows]
        if mode == "dense":
            rows, _ = top_k(np.where(dense_known, dense_filled, -np.inf), k)
            return [HybridHit(int(r), float(dense[r]), float(dense[r]), 0.0) for r in rows if dense_known[r]]
        dense_rows, _ = top_k(np.where(dense_known, dense_filled, -np.inf), depth)
        keyword_rows, _ = top_k(keyword, depth, positive=True)
        in_dense = np.zeros(len(self.ids), dtype=bool)
        in_dense[dense_rows[dense_known[dense_rows]]] = True
        in_keyword = np.zeros(len(self.ids), dtype=bool)
        in_keyword[keyword_rows] = True
        candidates = np.flatnonzero(in_dense | in_keyword)
        if candidates.size == 0:
            return []
        fused = fuse(
            dense_filled[candidates],
            keyword[candidates],
            self.fusion,
            dense_present=in_dense[candidates],
            keyword_present=in_keyword[candidates],
        )
        order = np.argsort(-fused, kind="stable")[:k]
        dense_rank = {int(r): n for n, r in enumerate(dense_rows[dense_known[dense_rows]], start=1)}
        keyword_rank = {int(r): n for n, r in enumerate(keyword_rows, start=1)}
        return [
            HybridHit(
                int(candidates[i]),
                float(fused[i]),
                float(dense_filled[candidates[i]]),
                float(keyword[candidates[i]]),
                dense_rank.get(int(candidates[i]), 0),
                keyword_rank.get(int(candidates[i]), 0),
            )
            for i in order
        ]

    def coverage(self, query: str, hit: HybridHit) -> float:
        """IDF-weighted share of the query's terms in the hit's text (0..1)."""
        return coverage(query, self.texts[hit.row], self.bm25.idf)

    def relevance(self, query: str, hit: HybridHit) -> float:
        return calibrated_relevance(hit.dense, self.coverage(query, hit))
