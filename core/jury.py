"""The jury for high-stakes answers: N independent drafts, a critique round, a final choice.

Jurors are the same model at different temperatures (or different models). A critic reads every draft
against the context, says whether each one's numbers are supported and sums up its position
("rebalance gradually", "hold"...), and names the best one. Code, not the model, turns that into the
outcome: the agreement is the share of drafts that hold the majority position and are consistent with
the figures; disagreement costs confidence points (and a low enough confidence escalates the turn).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from core.llm import provider_errors

__all__ = ["DraftReview", "Jury", "JuryCritique", "JuryOutcome", "jury_record_fields"]

CRITIC_SYSTEM = """You review draft answers of a financial-advice firm's assistant before a client sees one. \
For each numbered draft: is every number it states supported by the context (consistent)? What is its \
position, in two to four words (for example "rebalance gradually", "hold", "sell part")? Then name the best \
draft: correct, grounded in the context, cautious, and clear."""


class DraftReview(BaseModel):
    draft: int = Field(description="The draft's number (1-based).")
    consistent: bool = Field(description="True when every number in the draft is supported by the context.")
    position: str = Field(description="The draft's recommendation or stance in two to four words.")


class JuryCritique(BaseModel):
    reviews: list[DraftReview]
    best: int = Field(description="The number (1-based) of the best draft.")
    critique: str = Field(default="", description="One or two sentences on where the drafts differ.")


@dataclass(frozen=True, slots=True)
class JuryOutcome:
    text: str
    chosen: int
    """0-based index of the chosen draft."""
    drafts: list[str]
    positions: list[str]
    agreement: float
    """Share of drafts (0..1) holding the majority position while consistent with the figures."""
    penalty: int
    """Confidence points the answer loses for the disagreement."""
    critique: str
    latency_ms: float
    tokens_in: int
    tokens_out: int
    calls: int

    def record(self) -> dict[str, Any]:
        """JSON-friendly, for the graph state and the turn's metrics."""
        return {**asdict(self), "size": len(self.drafts)}


class Jury:
    def __init__(
        self,
        jurors: Sequence[BaseChatModel],
        critic: BaseChatModel,
        *,
        model_name: str,
        penalty_scale: int = 100,
        timeout_s: float = 60.0,
    ) -> None:
        if len(jurors) < 2:
            raise ValueError("a jury needs at least two jurors")
        self._jurors = list(jurors)
        self._critic = critic.with_structured_output(JuryCritique, method="function_calling", include_raw=True)
        self.model_name = model_name
        self._penalty_scale = penalty_scale
        self._timeout_s = timeout_s

    @property
    def size(self) -> int:
        return len(self._jurors)

    async def deliberate(self, messages: list[BaseMessage], *, question: str, context: str) -> JuryOutcome:
        """Provider failures raise ProviderError, a critique that does not parse raises ValueError."""
        started = time.perf_counter()
        async with asyncio.timeout(self._timeout_s):
            with provider_errors():
                answers = await asyncio.gather(*(juror.ainvoke(messages) for juror in self._jurors))
                drafts = [_text(a) for a in answers]
                result = await self._critic.ainvoke(_critique_messages(question, context, drafts))
        critique = result.get("parsed") if isinstance(result, Mapping) else None
        if not isinstance(critique, JuryCritique):
            raise ValueError("the critic did not return a JuryCritique")
        tokens_in, tokens_out = _usage([*answers, result.get("raw") if isinstance(result, Mapping) else None])
        chosen, positions, agreement = choose(critique, len(drafts))
        return JuryOutcome(
            text=drafts[chosen],
            chosen=chosen,
            drafts=drafts,
            positions=positions,
            agreement=agreement,
            penalty=round((1 - agreement) * self._penalty_scale),
            critique=critique.critique,
            latency_ms=(time.perf_counter() - started) * 1000,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            calls=len(drafts) + 1,
        )


def choose(critique: JuryCritique, size: int) -> tuple[int, list[str], float]:
    """(chosen index, position per draft, agreement): the critic's pick when it holds the majority
    position and is consistent, else the first draft that does."""
    reviews = {r.draft - 1: r for r in critique.reviews if 1 <= r.draft <= size}
    positions = [_normal(reviews[i].position) if i in reviews else "" for i in range(size)]
    consistent = [i in reviews and reviews[i].consistent for i in range(size)]
    votes = Counter(p for p, ok in zip(positions, consistent, strict=True) if ok and p)
    if not votes:
        return max(0, min(size - 1, critique.best - 1)), positions, 0.0
    majority, count = votes.most_common(1)[0]
    in_majority = [i for i in range(size) if consistent[i] and positions[i] == majority]
    best = critique.best - 1
    chosen = best if best in in_majority else in_majority[0]
    return chosen, positions, count / size


def _normal(position: str) -> str:
    return " ".join(position.lower().replace("-", " ").split())


def _text(message: Any) -> str:
    content = getattr(message, "content", "")
    return content.strip() if isinstance(content, str) else ""


def _usage(messages: Sequence[Any]) -> tuple[int, int]:
    tokens_in = tokens_out = 0
    for message in messages:
        usage = getattr(message, "usage_metadata", None) if isinstance(message, AIMessage) else None
        if usage:
            tokens_in += int(usage.get("input_tokens", 0))
            tokens_out += int(usage.get("output_tokens", 0))
    return tokens_in, tokens_out


def _critique_messages(question: str, context: str, drafts: list[str]) -> list[BaseMessage]:
    numbered = "\n\n".join(f"Draft {i}:\n{text}" for i, text in enumerate(drafts, start=1))
    return [
        SystemMessage(CRITIC_SYSTEM),
        HumanMessage(f"Context:\n{context}\n\nClient's question: {question}\n\n{numbered}"),
    ]


def jury_record_fields(state: Mapping[str, Any], cost: Any = None) -> dict[str, Any]:
    """The turn record's jury columns from the graph state (zeros when the jury did not sit).

    `cost(model, tokens_in=, tokens_out=)` prices the jury's tokens (core.metrics.prices.PriceTable.cost).
    """
    jury = state.get("jury") or None
    if not jury:
        return {}
    tokens_in, tokens_out = int(jury.get("tokens_in", 0)), int(jury.get("tokens_out", 0))
    model = str(state.get("model") or "")
    return {
        "jury_size": int(jury.get("size", 0)),
        "jury_agreement": float(jury.get("agreement", 0.0)),
        "jury_latency_ms": float(jury.get("latency_ms", 0.0)),
        "jury_tokens_in": tokens_in,
        "jury_tokens_out": tokens_out,
        "jury_cost_usd": cost(model, tokens_in=tokens_in, tokens_out=tokens_out) if cost and model else 0.0,
    }
