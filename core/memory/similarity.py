"""How close a fact is to a question: the retrieval embedder when there is one, else shared word stems."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.retrieval.text import stems

__all__ = ["FactSimilarity", "coverage", "jaccard", "normalise"]

log = logging.getLogger(__name__)


def normalise(text: str) -> str:
    """The de-duplication key of a fact: lower case, words only."""
    return " ".join("".join(c if c.isalnum() or c in "-'" else " " for c in text.lower()).split())[:300]


def jaccard(a: str, b: str) -> float:
    sa, sb = stems(a), stems(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def coverage(query: str, text: str) -> float:
    """Share of the query's content stems that the text has (0..1)."""
    sq = stems(query)
    return len(sq & stems(text)) / len(sq) if sq else 0.0


class FactSimilarity:
    """Embeds facts and questions with an Embedder (core.retrieval.embeddings) when given one.

    `model_id` is stored with each fact's vector so that a change of embedder falls back to the
    lexical score instead of comparing vectors of different models.
    """

    def __init__(self, embedder: Any | None = None) -> None:
        self._embedder = embedder
        self.model_id: str = getattr(embedder, "model_id", "") if embedder is not None else ""

    async def embed(self, texts: Sequence[str]) -> np.ndarray | None:
        if self._embedder is None or not texts:
            return None
        try:
            return np.asarray(await self._embedder.embed(list(texts)), dtype=np.float32)
        except Exception as exc:  # a failing embedder degrades to lexical similarity, never fails a turn
            log.info("fact embedding failed (%s); using word overlap", exc.__class__.__name__)
            return None

    def scores(
        self, query: str, query_vector: np.ndarray | None, texts: Sequence[str], vectors: Sequence[np.ndarray | None]
    ) -> list[float]:
        """0..1 per text: the larger of cosine similarity (when both vectors exist) and stem coverage.
        The cosines come from one matrix product over the texts that have vectors."""
        dense = np.zeros(len(texts), dtype=np.float32)
        if query_vector is not None:
            have = [i for i, v in enumerate(vectors) if v is not None and v.shape == query_vector.shape]
            if have:
                matrix = np.stack([vectors[i] for i in have])  # type: ignore[misc]
                dense[np.asarray(have)] = matrix @ np.asarray(query_vector, dtype=np.float32)
        return [
            max(coverage(query, text), jaccard(query, text), float(dense[i])) for i, text in enumerate(texts)
        ]


def to_bytes(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes | None, dim: int | None = None) -> np.ndarray | None:
    if not blob:
        return None
    vector = np.frombuffer(blob, dtype="<f4")
    return vector if dim is None or vector.shape[0] == dim else None
