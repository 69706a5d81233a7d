"""Fusing keyword (BM25) and semantic (dense cosine) scores into one ranking.

Methods (FINBOT_FUSION), all over the candidate union (top `depth` of each side, each candidate
scored by both sides):
- "dense-boost" (default): cosine + 0.15 * bm25 / max(bm25). The dense model keeps the order unless exact
  terms give strong evidence; the cosine stays absolute, so a query the dense model cannot place
  ("verbal callback") is decided by its keywords instead of by min-max-stretched noise. Every candidate
  gets the bonus of its own BM25 score, also one past BM25's top `depth` (HybridIndex passes them all).
- "convex": 0.8 * minmax(cosine) + 0.2 * minmax(bm25) (the best min-max weighting on dev).
- "rrf": plain reciprocal-rank fusion, 0.5 / (60 + rank) from each side.
- "weighted": the seed's 0.6 semantic / 0.4 keyword over min-max normalised scores.
Weights were chosen on the FiQA subset's dev judgements only (bench/retrieval.py); nDCG@10 on dev /
held-out half: dense-boost 0.759 / 0.760 (0.753 / 0.757 before every candidate got its own BM25
bonus), convex 0.756 / 0.754, dense alone 0.732 / 0.736,
BM25 0.545 / 0.619, plain RRF 0.680 / 0.727, seed weighted 0.725 / 0.750. Plain RRF loses to dense
there because it gives the much weaker BM25 ranking an equal vote.

Also measured against dense-boost, paired per query over the 220 FiQA queries and MTRAG-UN's fiqa,
clapnq and ibmcloud collections (417 queries): z-score fusion, BM25 over its theoretical maximum,
dense pseudo-relevance feedback (Rocchio), BM25 k1/b and BM25+/BM25L, IDF-weighted query pooling,
documents embedded at 512 tokens, and max-sim over 500-character sentence windows or 800/1200-character
chunks. None moved pooled nDCG@10 by more than +0.004 (standard error about 0.003), and PRF, BM25+/L
and query pooling lost; so the default stays (bench/fusion_alternatives.py reproduces the table).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FUSION_METHODS", "FusionConfig", "fuse"]

FUSION_METHODS = ("dense-boost", "convex", "rrf", "weighted")


@dataclass(frozen=True, slots=True)
class FusionConfig:
    method: str = "dense-boost"
    keyword_weight: float = 0.15
    """Weight of the keyword side (the semantic side gets 1 - this, or 1 for dense-boost)."""
    depth: int = 100
    """Candidates taken from each side before fusing."""
    rrf_k: int = 60

    def __post_init__(self) -> None:
        if self.method not in FUSION_METHODS:
            raise ValueError(f"unknown fusion {self.method!r}; valid: {', '.join(FUSION_METHODS)}")

    @classmethod
    def named(cls, method: str) -> FusionConfig:
        """The tuned defaults of each method."""
        weights = {"dense-boost": 0.15, "convex": 0.2, "rrf": 0.5, "weighted": 0.4}
        if method not in weights:
            raise ValueError(f"unknown fusion {method!r}; valid: {', '.join(FUSION_METHODS)}")
        return cls(method=method, keyword_weight=weights[method])


def _ranks(scores: np.ndarray, present: np.ndarray) -> np.ndarray:
    """1-based rank of each candidate by score (absent ones get no rank: inf)."""
    order = np.argsort(-np.where(present, scores, -np.inf), kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return np.where(present, ranks, np.inf)


def _minmax(scores: np.ndarray, present: np.ndarray) -> np.ndarray:
    if not present.any():
        return np.zeros(len(scores))
    lo, hi = scores[present].min(), scores[present].max()
    span = hi - lo
    out = (scores - lo) / span if span > 0 else np.ones(len(scores))
    return np.where(present, out, 0.0)


def fuse(
    dense: np.ndarray,
    keyword: np.ndarray,
    config: FusionConfig,
    *,
    dense_present: np.ndarray | None = None,
    keyword_present: np.ndarray | None = None,
) -> np.ndarray:
    """Fused score of each candidate (higher is better), from aligned dense and keyword score arrays.

    `*_present` mark which candidates the side actually retrieved (rank fusion ignores the others).
    """
    dense = np.asarray(dense, dtype=np.float64)
    keyword = np.asarray(keyword, dtype=np.float64)
    dense_present = np.ones(len(dense), bool) if dense_present is None else dense_present
    keyword_present = (keyword > 0) if keyword_present is None else keyword_present & (keyword > 0)
    w = config.keyword_weight
    if config.method == "rrf":
        d = 1.0 / (config.rrf_k + _ranks(dense, dense_present))
        k = 1.0 / (config.rrf_k + _ranks(keyword, keyword_present))
        return (1 - w) * d + w * k
    if config.method in ("convex", "weighted"):
        return (1 - w) * _minmax(dense, dense_present) + w * _minmax(keyword, keyword_present)
    top = keyword[keyword_present].max() if keyword_present.any() else 0.0
    bonus = np.where(keyword_present, keyword / top, 0.0) if top > 0 else np.zeros(len(keyword))
    return dense + w * bonus
