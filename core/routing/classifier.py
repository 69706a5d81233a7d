"""The offline router: evidence from the words first, an embedding nearest-example vote when they say too little.

Keywords are precise when they fire ("volatility of my holdings", "price of AAPL"); paraphrases ("how
bumpy has the ride been for my investments?") have none, so a question that has a data subject (see
core/routing/evidence.py) but no ask is compared with example questions per specialist
(core/routing/prototypes.py) using the retrieval engine's embedder, when the process has one. The vote
never gives a specialist a question without its subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.routing.evidence import Evidence, gather, keyword_route, supported
from core.routing.keywords import is_follow_up, mentions_own_portfolio
from core.routing.prototypes import PROTOTYPES
from core.routing.securities import SecurityNames
from core.routing.types import RouteDecision, RouteRequest

__all__ = ["Assessed", "OfflineClassifier", "TextEmbedder"]


class TextEmbedder(Protocol):
    """What the classifier needs of an embedder (core.retrieval's Embedder satisfies it)."""

    async def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Assessed:
    """The offline decision, the evidence it rests on, and whether the words alone decided it."""

    decision: RouteDecision
    evidence: Evidence
    confident: bool
    """The words decided: a data route the keywords called for, or no data question at all (no subject, no
    thread). Unsure: a data subject the keywords found no ask for (the embedding vote or a guess), or a
    follow-up in a data thread that names no specialist of its own (the pin would decide)."""


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
        return (await self.assess(request)).decision

    async def assess(self, request: RouteRequest) -> Assessed:
        """The decision, the evidence it rests on (the supervisor checks an LLM's route against it), and
        whether the words alone were enough to decide (the supervisor asks a model only when they were not)."""
        evidence = self.evidence(request)
        worded = keyword_route(evidence)
        labels = worded
        voted = not worded and evidence.subject and evidence.request and not evidence.firm
        if voted:
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
        spoke = any(label != "knowledge" for label in worded)
        return Assessed(decision, evidence, confident=spoke or not (voted or evidence.thread))

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
