"""The grounding check: is each claim of a draft supported by the retrieved context and computed figures?

A draft is split into claims (sentences that say something). Each claim gets a support score 0..1:
- numbers first: a claim stating a number that appears nowhere in the context is unsupported (0);
- offline: the stronger of lexical overlap (share of the claim's key terms found in the context) and
  embedding similarity (best cosine between the claim and a context sentence, calibrated);
- with a language model (FINBOT_GROUNDING_JUDGE): also a verdict per claim, SUPPORTED, NOT SUPPORTED or
  CONTRADICTED by the context; a supported or unsupported verdict is averaged with the offline score, a
  contradiction (a negated or reversed fact: "there is no fee" against "the fee is $25") scores the claim 0.
Confidence 0-100 is the mean support; claims under `claim_threshold` are listed as unsupported.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.retrieval.text import content_terms, sentences, stems

__all__ = ["GroundingChecker", "GroundingResult", "check_grounding", "split_claims"]

log = logging.getLogger(__name__)

_CITATION = re.compile(r"\s*\[\d{1,2}\]")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")

Similarity = Callable[[list[str], list[str]], np.ndarray]
"""(claims, context sentences) -> cosine matrix, claims x sentences."""

# all-MiniLM-L6-v2 cosine of a claim with the sentence it restates is ~0.7-1.0; unrelated ~0.1-0.3.
_SIM_FLOOR = 0.35
_SIM_FULL = 0.8

JUDGE_PROMPT = (
    "Context:\n{context}\n\nClaim: {claim}\n\n"
    "Compare the claim with the context above. Answer with one word: SUPPORTED if the context fully supports "
    "the claim, CONTRADICTED if the context says the opposite or something incompatible (a negation, a "
    "different number, date or party), NOT_SUPPORTED otherwise."
)
CONTRADICTED = -1.0
"""The judge's verdict for a claim the context contradicts: the claim scores 0, whatever else agreed."""


@dataclass(frozen=True, slots=True)
class GroundingResult:
    confidence: int
    supported: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    """Support of each claim (supported and unsupported, in draft order)."""


def split_claims(draft: str) -> list[str]:
    return [c for c in (_CITATION.sub("", s).strip() for s in sentences(draft)) if len(content_terms(c)) >= 2]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def _lexical(claim: str, context_stems: set[str]) -> float:
    claim_stems = stems(claim)
    return len(claim_stems & context_stems) / len(claim_stems) if claim_stems else 1.0


def _calibrate(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - _SIM_FLOOR) / (_SIM_FULL - _SIM_FLOOR)))


def _offline_supports(claims: list[str], context: Sequence[str], similarity: Similarity | None) -> list[float]:
    joined = "\n".join(context)
    context_stems, context_numbers = stems(joined), _numbers(joined)
    supports: list[float] = []
    needs_semantic: list[int] = []
    for index, claim in enumerate(claims):
        if not _numbers(claim) <= context_numbers:
            supports.append(0.0)  # a figure that is not in the context is never grounded
            continue
        supports.append(_lexical(claim, context_stems))
        if supports[-1] < 1.0:
            needs_semantic.append(index)
    # Embedding is the expensive part: only claims not already fully supported word for word need it
    # (support is the stronger of the two scores, so the result is the same).
    context_sentences = [s for text in context for s in sentences(text)] or list(context)
    if similarity is not None and needs_semantic and context_sentences:
        matrix = np.atleast_2d(similarity([claims[i] for i in needs_semantic], context_sentences))
        for index, row in zip(needs_semantic, matrix, strict=True):
            supports[index] = max(supports[index], _calibrate(float(row.max())))
    return supports


def _result(claims: list[str], supports: list[float], claim_threshold: float) -> GroundingResult:
    if not claims:
        return GroundingResult(confidence=0)
    supported = [c for c, s in zip(claims, supports, strict=True) if s >= claim_threshold]
    unsupported = [c for c, s in zip(claims, supports, strict=True) if s < claim_threshold]
    return GroundingResult(round(100 * sum(supports) / len(claims)), supported, unsupported, supports)


def check_grounding(
    draft: str, context: list[str], *, claim_threshold: float = 0.6, similarity: Similarity | None = None
) -> GroundingResult:
    """Confidence 0-100 = mean support of the draft's claims against the context (offline, synchronous)."""
    claims = split_claims(draft)
    return _result(claims, _offline_supports(claims, context, similarity) if claims else [], claim_threshold)


class GroundingChecker:
    """The grounding check with its optional helpers: an embedder (offline) and a chat model (the judge)."""

    def __init__(
        self,
        *,
        similarity: Similarity | None = None,
        judge: object | None = None,
        claim_threshold: float = 0.6,
        judge_timeout_s: float = 10.0,
    ) -> None:
        self._similarity = similarity
        self._judge = judge
        self._threshold = claim_threshold
        self._judge_timeout = judge_timeout_s

    @classmethod
    def with_embedder(cls, embedder: object, **kwargs: object) -> GroundingChecker:
        """Similarity from any embedder with `embed_sync(texts) -> unit vectors`; the context's sentences (the
        knowledge base's, repeated across turns) are embedded once and kept, so a turn embeds only its claims."""
        return cls(similarity=_CachedSimilarity(embedder), **kwargs)  # type: ignore[arg-type]

    async def check(self, draft: str, context: list[str]) -> GroundingResult:
        claims = split_claims(draft)
        if not claims:
            return GroundingResult(confidence=0)
        supports = await asyncio.to_thread(_offline_supports, claims, context, self._similarity)
        if self._judge is not None:
            verdicts = await asyncio.gather(*(self._verdict(c, context) for c in claims))
            supports = [_combine(s, v) for s, v in zip(supports, verdicts, strict=True)]
        return _result(claims, supports, self._threshold)

    async def _verdict(self, claim: str, context: list[str]) -> float | None:
        """1.0 supported, 0.0 not supported, CONTRADICTED, or None when the model fails or answers none of them."""
        from langchain_core.messages import HumanMessage

        from core.errors import ProviderError
        from core.llm import provider_errors

        judge: Any = self._judge  # a LangChain chat model (no shared type with the offline helpers)
        prompt = JUDGE_PROMPT.format(context="\n\n".join(context)[:8000], claim=claim)
        try:
            async with asyncio.timeout(self._judge_timeout):
                with provider_errors():
                    answer = await judge.ainvoke([HumanMessage(prompt)])
        except (ProviderError, TimeoutError) as exc:
            log.info("grounding judge unavailable: %s", exc.__class__.__name__)
            return None
        text = str(getattr(answer, "content", "")).strip().upper().replace(" ", "_")
        if text.startswith("CONTRADICT"):
            return CONTRADICTED
        if text.startswith(("SUPPORTED", "YES")):
            return 1.0
        if text.startswith(("NOT_SUPPORTED", "UNSUPPORTED", "NO")):
            return 0.0
        return None


def _combine(offline: float, verdict: float | None) -> float:
    """A claim's support once the judge has spoken (an offline 0, an invented number, stays 0)."""
    if verdict == CONTRADICTED:
        return 0.0
    if verdict is None or offline == 0.0:
        return offline
    return (offline + verdict) / 2


class _CachedSimilarity:
    """Claims x context-sentence cosines; sentence vectors kept in an LRU (they were 2 s per turn under load)."""

    def __init__(self, embedder: object, size: int = 8192) -> None:
        self._embedder = embedder
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # called from worker threads (asyncio.to_thread)

    def __call__(self, claims: list[str], context: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(s for s in context if s not in self._vectors))
        vectors = self._embedder.embed_sync(claims + missing)  # type: ignore[attr-defined]
        claim_vectors = vectors[: len(claims)]
        with self._lock:
            for sentence, vector in zip(missing, vectors[len(claims) :], strict=True):
                self._vectors[sentence] = vector
            for sentence in context:
                self._vectors.move_to_end(sentence)
            context_vectors = np.stack([self._vectors[s] for s in context])
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        cosines: np.ndarray = claim_vectors @ context_vectors.T
        return cosines
