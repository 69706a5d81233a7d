"""After the answer chain: how sure finbot is, and what the person finally reads.

1. Confidence, computed once here. An answer drafted from documents gets the calibrated probability that
   it is right (core.confidence: signals -> logistic model); a model-written one is also fact-checked
   claim by claim against its sources (core.grounding: an invented number scores 0), and the two multiply.
   Figures answers are checked against the computed facts; fixed answers (greetings, memory) are certain.
2. Below the threshold, the doubtful answer is withheld: an honest refusal takes its place, naming the
   nearest sources (core.answering.refusal). It keeps the withheld answer's confidence.
3. The firm's closing text, once (core.compose.disclaimer.closing_note): the disclaimer on an answer that
   contains a recommendation, the no-recommendation line on an answer to a request for one that gives none.
4. The answer guard (core.answering.guard): an answer from documents (or a refusal naming documents) that
   carries account numbers, payment instructions, off-channel requests or promissory terms is blocked and
   replaced by a refusal naming no source (a model's stream never showed it: compose streams through
   `GuardedStream`); triage then hands the turn to an advisor (reason `answer_guard:<kind>`,
   core.escalation.policy) and the turn's metrics row counts it (`guard_blocked`).
5. Whatever has not been streamed yet is streamed now (a model streams as it writes; the rest is sent whole).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.answering.guard import guard_hits
from core.answering.refusal import OFFER, UNSURE, refusal
from core.answering.request import AnswerRequest
from core.compose.disclaimer import DEFAULT_DISCLAIMER, DEFAULT_NO_RECOMMENDATION, closing_note
from core.compose.draft import Draft, stream_text
from core.confidence import ConfidenceModel, answer_signals
from core.grounding import GroundingChecker, GroundingResult
from core.grounding import check_grounding as lexical_check
from core.retrieval.types import Passage

__all__ = ["Assessment", "Assessor"]

log = logging.getLogger(__name__)

CERTAIN_STEPS = frozenset({"template", "memory"})
WRONG_PERIOD_CAP = 0.05
"""The most an answer can be trusted when the question names a period none of its sources covers: such an
answer quotes another year's figures (on the development sets 9 of 9 were wrong)."""
FROM_DOCUMENTS = frozenset({"extractive", "llm", "jury"})
GUARDED = FROM_DOCUMENTS | {"refusal"}
"""What the answer guard checks: answers drafted from documents, and refusals (they name the nearest documents)."""


@dataclass(slots=True)
class Assessment:
    draft: Draft
    """What the person reads: the answer, or the refusal that replaced it."""
    confidence: int
    grounded: bool
    unsupported: list[str] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)
    withheld: bool = False
    """The answer was below the threshold and replaced by a refusal."""
    blocked: list[str] = field(default_factory=list)
    """What the answer guard found (the answer was replaced by a refusal); empty: nothing."""


@dataclass(slots=True)
class Assessor:
    model: ConfidenceModel
    threshold: int = 55
    top_k: int = 4
    disclaimer: str = DEFAULT_DISCLAIMER
    """FINBOT_DISCLAIMER: on answers that contain a recommendation."""
    no_recommendation: str = DEFAULT_NO_RECOMMENDATION
    """FINBOT_NO_RECOMMENDATION: on answers to a request for a recommendation that give none."""
    grounder: GroundingChecker | None = None

    @property
    def approved(self) -> tuple[str, str]:
        """The firm's own wording: the answer guard does not count what is inside it."""
        return self.disclaimer, self.no_recommendation

    async def assess(self, request: AnswerRequest, draft: Draft, *, retrieved: Sequence[Passage]) -> Assessment:
        result = await self._score(request, draft, retrieved)
        final = result.draft
        if final.step in FROM_DOCUMENTS and result.confidence < self.threshold:
            final = refusal(request, withheld=draft)
            final.failures, final.model = draft.failures, draft.model
            final.tokens_in, final.tokens_out = draft.tokens_in, draft.tokens_out
            result.withheld = True
        hits = guard_hits(final.text, approved=self.approved) if final.step in GUARDED else []
        if hits:
            log.warning("answer guard blocked an answer (%s)", ", ".join(hits))
            final = Draft(f"{UNSURE} {OFFER}", "refusal", step="refusal")  # no nearest sources: they are suspect
            final.failures, final.model = draft.failures, draft.model
            final.tokens_in, final.tokens_out = draft.tokens_in, draft.tokens_out
            result.withheld, result.blocked, result.confidence = True, hits, 0
        note = closing_note(
            disclaimer=self.disclaimer, no_recommendation=self.no_recommendation, asked=request.high_stakes,
            illustrated=request.advice, strategy=final.strategy,
        )
        if note and final.step not in CERTAIN_STEPS:
            if final.step == "refusal":  # the firm's line carries its own offer of an advisor: say it once
                final.text = final.text.replace(OFFER, "").rstrip()
            final.text = f"{final.text}\n\n{note}"
        await self._deliver(request, draft, final)
        result.draft = final
        return result

    async def _score(self, request: AnswerRequest, draft: Draft, retrieved: Sequence[Passage]) -> Assessment:
        if draft.step in CERTAIN_STEPS:
            return Assessment(draft, 100, True)
        if draft.step == "refusal":
            return Assessment(draft, 0, False)
        grounding = None
        if draft.step != "extractive":  # copied sentences are grounded by construction: check the rest
            grounding = await self._ground(draft.text, self._context(request, draft))
        if draft.step not in FROM_DOCUMENTS or not retrieved:
            # Figures, or a model's answer about the person from memory: the fact check decides alone.
            confidence = grounding.confidence if grounding else 0
            return Assessment(draft, max(0, confidence - draft.penalty), confidence >= self.threshold,
                              grounding.unsupported if grounding else [])
        signals = answer_signals(
            question=request.question, query=request.query, retrieved=retrieved, relevant=len(request.passages),
            answer=draft.text, sources=draft.sources, top_k=self.top_k,
        )
        probability = self.model.probability(signals)
        if signals["period_missing"]:
            probability = min(probability, WRONG_PERIOD_CAP)
        if grounding is not None:
            probability *= grounding.confidence / 100
        confidence = max(0, round(100 * probability) - draft.penalty)
        unsupported = grounding.unsupported if grounding else []
        return Assessment(draft, confidence, confidence >= self.threshold, unsupported, signals)

    def _context(self, request: AnswerRequest, draft: Draft) -> list[str]:
        context = [f"{p.title}\n{p.text}" for p in request.passages] + list(request.facts)
        if request.intent == "memory_question":
            context += request.memory_facts
        return context

    async def _ground(self, text: str, context: list[str]) -> GroundingResult:
        if self.grounder is not None:
            return await self.grounder.check(text, context)
        return lexical_check(text, context)

    async def _deliver(self, request: AnswerRequest, draft: Draft, final: Draft) -> None:
        """Stream what the person has not seen yet; a replaced stream is corrected by the final reply."""
        if not draft.streamed:
            await stream_text(final.text, request.on_delta)
        elif final.text.startswith(draft.text) and len(final.text) > len(draft.text):
            await request.on_delta(final.text[len(draft.text) :])
