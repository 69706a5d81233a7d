"""The offline router: evidence from the words first, an embedding nearest-example vote when they say too little.

Keywords are precise when they fire ("volatility of my holdings", "price of AAPL"); paraphrases ("how
bumpy has the ride been for my investments?") have none, so a question that has a data subject (see
core/routing/evidence.py) but no ask is compared with example questions per specialist
(core/routing/prototypes.py) using the retrieval engine's embedder, when the process has one. The vote
never gives a specialist a question without its subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from core.routing.evidence import Evidence, gather, keyword_route, supported
from core.routing.keywords import is_follow_up, mentions_own_portfolio
from core.routing.prototypes import PROTOTYPES
from core.routing.securities import SecurityNames
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
        names: SecurityNames | None = None,
    ) -> None:
        self._embedder = embedder
        self._prototypes = prototypes
        self._min_similarity = min_similarity
        self._names = names or SecurityNames()
        self._matrix: np.ndarray | None = None
        self._labels: list[str] = []

    @property
    def uses_embeddings(self) -> bool:
        return self._embedder is not None

    def evidence(self, request: RouteRequest) -> Evidence:
        return gather(request, self._names)

    async def decide(self, request: RouteRequest) -> RouteDecision:
        return (await self.assess(request))[0]

    async def assess(self, request: RouteRequest) -> tuple[RouteDecision, Evidence]:
        """The decision and the evidence it rests on (the supervisor checks an LLM's route against it)."""
        evidence = self.evidence(request)
        labels = keyword_route(evidence)
        if not labels and evidence.subject and evidence.request and not evidence.firm:
            labels = ["portfolio"] if mentions_own_portfolio(request.question) else []
            if self._embedder is not None:
                nearest = await self.nearest(request.question)
                if nearest is not None:
                    labels = supported([nearest], evidence) or labels
        decision = RouteDecision(
            specialists=labels,
            high_stakes=evidence.high_stakes,
            symbols=list(evidence.securities),
            follow_up=is_follow_up(request.question),
        )
        return decision, evidence

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
