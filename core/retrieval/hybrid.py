"""Hybrid search: BM25 and dense vectors over the same rows, fused into one ranking.

`HybridIndex` is the engine over rows held in memory (used by the retriever, `finbot eval` and the
benchmarks); `core.retrieval.retriever.HybridRetriever` keeps it in step with the knowledge base.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.retrieval.bm25 import Bm25Index, coverage, rarest_missing, top_k
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
    """One result row with the signals of each side (see `Passage` for their meaning)."""

    row: int
    score: float
    dense: float
    """Cosine (for a remote backend's row outside its top `depth`: the lowest cosine it returned)."""
    keyword: float
    """Raw BM25 score."""
    keyword_norm: float = 0.0
    """BM25 score / the best BM25 score among the candidates (0..1)."""
    dense_rank: int | None = None
    keyword_rank: int | None = None
    dense_known: bool = True
    """Whether `dense` is this row's own cosine."""


def _rank_of(rows: np.ndarray, size: int) -> np.ndarray:
    """1-based rank per row for rows listed best first; 0 for rows not listed."""
    ranks = np.zeros(size, dtype=np.int64)
    ranks[rows] = np.arange(1, len(rows) + 1)
    return ranks


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
        self.texts = texts  # not copied: the retriever passes a view of its chunks (the text held once)
        self.bm25 = bm25
        self.vectors = vectors
        self.fusion = fusion or FusionConfig()
        self.metadata = list(metadata) if metadata is not None else [{} for _ in self.ids]
        self._row = {id_: i for i, id_ in enumerate(self.ids)}
        self._perm: np.ndarray | None = None
        self._inverse: np.ndarray | None = None
        if isinstance(vectors, LocalVectorIndex):
            positions = {id_: i for i, id_ in enumerate(vectors.ids)}
            if all(id_ in positions for id_ in self.ids):
                self._perm = np.array([positions[id_] for id_ in self.ids], dtype=np.int64)
                self._inverse = np.full(len(vectors.ids), -1, dtype=np.int64)
                self._inverse[self._perm] = np.arange(len(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def _mask(self, filter: Filter | None) -> np.ndarray | None:
        if not filter:
            return None
        return np.array([matches(m, filter) for m in self.metadata], dtype=bool)

    async def _dense_scores(
        self,
        vector: np.ndarray,
        mask: np.ndarray | None,
        filter: Filter | None,
        also: np.ndarray | None = None,
        depth: int = 0,
    ) -> np.ndarray:
        """Cosine per row: with the local index, exact for its top `depth` and for `also` (the keyword
        candidates), NaN for the rest (every row when filtered); else the backend's top `depth`."""
        if self._perm is not None and self._inverse is not None:
            assert isinstance(self.vectors, LocalVectorIndex)
            if mask is not None or not self.vectors.quantized:
                full: np.ndarray = self.vectors.scores_for(vector)[self._perm]
                return full
            scores = np.full(len(self.ids), np.nan, dtype=np.float32)
            found, cosines = self.vectors.top_rows(vector, max(self.fusion.depth, depth))
            rows = self._inverse[found]
            scores[rows[rows >= 0]] = cosines[rows >= 0]
            if also is not None and len(also):
                scores[also] = self.vectors.scores_at(vector, self._perm[also])
            return scores
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
            also = top_k(keyword, max(self.fusion.depth, k), positive=True)[0] if mode != "dense" else None
            dense = await self._dense_scores(vector, mask, filter, also, k)
        if mask is not None:
            keyword = np.where(mask, keyword, 0.0)
            dense = np.where(mask, dense, np.nan)
        depth = max(self.fusion.depth, k)
        dense_known = ~np.isnan(dense)
        dense_filled = np.where(dense_known, dense, np.nanmin(dense) if dense_known.any() else 0.0)
        if mode == "bm25" or vector is None:
            rows, _ = top_k(keyword, k, positive=True)
            top = float(keyword[rows[0]]) if len(rows) else 0.0
            return [
                HybridHit(int(r), float(keyword[r]), 0.0, float(keyword[r]), float(keyword[r]) / top, None, i + 1)
                for i, r in enumerate(rows)
            ]
        if mode == "dense":
            rows, _ = top_k(np.where(dense_known, dense_filled, -np.inf), k)
            return [
                HybridHit(int(r), float(dense[r]), float(dense[r]), 0.0, 0.0, i + 1, None)
                for i, r in enumerate(rows)
                if dense_known[r]
            ]
        dense_rows, _ = top_k(np.where(dense_known, dense_filled, -np.inf), depth)
        dense_rows = dense_rows[dense_known[dense_rows]]
        keyword_rows, _ = top_k(keyword, depth, positive=True)
        dense_rank = _rank_of(dense_rows, len(self.ids))
        keyword_rank = _rank_of(keyword_rows, len(self.ids))
        candidates = np.flatnonzero((dense_rank > 0) | (keyword_rank > 0))
        if candidates.size == 0:
            return []
        # dense-boost gives every candidate the bonus of its own BM25 score (computed for all rows anyway),
        # also a dense candidate past BM25's top `depth`: the bonus is relative to the best score, which
        # does not change. Rank fusion and min-max methods keep to the retrieved lists (which set the ranks
        # and the minimum they normalise by).
        by_list = self.fusion.method != "dense-boost"
        fused = fuse(
            dense_filled[candidates],
            keyword[candidates],
            self.fusion,
            dense_present=dense_rank[candidates] > 0,
            keyword_present=keyword_rank[candidates] > 0 if by_list else keyword[candidates] > 0,
        )
        top = float(keyword[keyword_rows[0]]) if len(keyword_rows) else 0.0
        order = np.argsort(-fused, kind="stable")[:k]
        rows = candidates[order]
        columns = zip(
            rows.tolist(),
            fused[order].tolist(),
            dense_filled[rows].tolist(),
            dense_known[rows].tolist(),
            keyword[rows].tolist(),
            dense_rank[rows].tolist(),
            keyword_rank[rows].tolist(),
            strict=True,
        )
        return [
            HybridHit(row, score, d, kw, kw / top if top > 0 else 0.0, dr or None, kr or None, known)
            for row, score, d, known, kw, dr, kr in columns
        ]

    def coverage(self, query: str, hit: HybridHit) -> float:
        """IDF-weighted share of the query's stems in the hit's text (0..1)."""
        return coverage(query, self.texts[hit.row], self.bm25.idf)

    def rarest_missing(self, query: str, hit: HybridHit) -> float:
        """The rarity (0..1) of the rarest question term the hit's text lacks (core.retrieval.bm25)."""
        return rarest_missing(query, self.texts[hit.row], self.bm25.idf, len(self.texts))

    def relevance(self, query: str, hit: HybridHit, lexical: float | None = None) -> float:
        """calibrated_relevance of the hit (pass `lexical`, its coverage, when already computed)."""
        return calibrated_relevance(hit.dense, self.coverage(query, hit) if lexical is None else lexical)
