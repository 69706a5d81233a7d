"""deliberate: the jury writes a high-stakes answer (N drafts, a critique, a choice); compose if it can't."""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from core.compose.disclaimer import disclaimer_note
from core.compose.figures import figures_passage
from core.compose.llm import _renumber_citations as renumber_citations
from core.compose.prompts import format_context
from core.errors import ProviderError
from core.fallback import stream_text
from core.graph.context import GraphContext
from core.graph.nodes.compose import compose
from core.graph.state import TurnState
from core.retrieval.types import Passage

__all__ = ["deliberate"]

log = logging.getLogger(__name__)


async def deliberate(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    composer = ctx.chain.llm
    if ctx.jury is None or composer is None:
        return await compose(state, runtime)
    runtime.stream_writer({"status": f"weighing {ctx.jury.size} drafts..."})
    question = state["message"]["text"]
    facts = list(state.get("facts", []))
    passages = [Passage(**p) for p in state.get("passages", [])]
    if facts:
        passages = [figures_passage(facts), *passages]
    history = [(turn["role"], turn["text"]) for turn in state.get("history", [])]
    messages = composer.build_messages(question, passages, history, style=state.get("style", ""))
    try:
        outcome = await ctx.jury.deliberate(
            messages, question=question, context=format_context([(p.title, p.text) for p in passages])
        )
    except (ProviderError, TimeoutError, ValueError) as exc:
        log.warning("the jury could not sit, composing one answer: %s", exc.__class__.__name__)
        update = await compose(state, runtime)
        update["failures"] = [f"jury: {exc.__class__.__name__}", *update.get("failures", [])]
        return update
    text, citations = renumber_citations(outcome.text, passages)
    note = disclaimer_note(ctx.policy.disclaimer)
    text = f"{text}\n\n{note}"

    async def on_delta(piece: str) -> None:
        runtime.stream_writer({"delta": piece})

    await stream_text(text, on_delta)
    return {
        "draft": text,
        "citations": [c.model_dump() for c in citations],
        "strategy": "llm",
        "model": ctx.jury.model_name,
        "tokens_in": outcome.tokens_in,
        "tokens_out": outcome.tokens_out,
        "failures": [],
        "facts": [*facts, note],
        "jury": outcome.record(),
        "confidence_penalty": outcome.penalty,
    }
