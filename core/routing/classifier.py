"""The offline router: keywords first, an embedding nearest-example vote when keywords say too little.

Keywords are precise when they fire ("volatility", "allocation", "price of"); paraphrases ("how bumpy
has the ride been?") have none, so the question is compared with example questions per specialist
(core/routing/prototypes.py) using the retrieval engine's embedder, when the process has one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from core.routing.keywords import (
    find_symbols,
    is_follow_up,
    is_high_stakes,
    keyword_labels,
    only_portfolio_subject,
)
from core.routing.prototypes import PROTOTYPES
from core.routing.types import RouteDecision, RouteRequest

__all__ = ["OfflineClassifier", "TextEmbedder"]


class TextEmbedder(Protocol):
    """What the classifier needs of an embedder (core.retrieval's Embedder satisfies it)."""

    async def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class OfflineClassifier:
    def __init__(
        self,
        embedder: TextEmbedder | None = None,
        *,
        prototypes: Mapping[str, Sequence[str]] = PROTOTYPES,
        min_similarity: float = 0.45,
    ) -> None:
        self._embedder = embedder
        self._prototypes = prototypes
        self._min_similarity = min_similarity
        self._matrix: np.ndarray | None = None
        self._labels: list[str] = []

    @property
    def uses_embeddings(self) -> bool:
        return self._embedder is not None

    async def decide(self, request: RouteRequest) -> RouteDecision:
        text = request.question
        labels = keyword_labels(text)
        if (not labels or only_portfolio_subject(text, labels)) and self._embedder is not None:
            nearest = await self.nearest(text)
            if nearest is not None:
                labels = [nearest]
        return RouteDecision(
            specialists=labels,  # type: ignore[arg-type]
            high_stakes=is_high_stakes(text),
            symbols=find_symbols(text, request.known_symbols),
            follow_up=is_follow_up(text),
        )

    async def nearest(self, text: str) -> str | None:
        """The specialist whose example questions are most similar, if similar enough."""
        assert self._embedder is not None
        if self._matrix is None:
            examples = [(label, q) for label, qs in self._prototypes.items() for q in qs]
            self._labels = [label for label, _ in examples]
            self._matrix = np.asarray(await self._embedder.embed([q for _, q in examples]), dtype=np.float32)
        query = np.asarray(await self._embedder.embed([text]), dtype=np.float32)[0]
        scores = self._matrix @ query
        best = int(np.argmax(scores))
        return self._labels[best] if float(scores[best]) >= self._min_similarity else None
