"""compose: write the answer through the fallback chain, streaming it as it comes."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.compose.disclaimer import closing_note
from core.compose.figures import compose_with_figures
from core.graph.context import GraphContext
from core.graph.nodes.memory_answer import answer_from_memory
from core.graph.state import TurnState
from core.memory import is_memory_intent
from core.retrieval.types import Passage

__all__ = ["compose"]


async def compose(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    runtime.stream_writer({"status": "writing an answer..."})

    async def on_delta(text: str) -> None:
        runtime.stream_writer({"delta": text})

    if is_memory_intent(state.get("intent")) and ctx.memory is not None:  # answered from memory, no documents
        return await answer_from_memory(state, ctx, on_delta)
    passages = [Passage(**p) for p in state.get("passages", [])]
    history = [(turn["role"], turn["text"]) for turn in state.get("history", [])]
    question = state["message"]["text"]
    if state.get("summary"):  # the data specialists computed figures: explain them (core.compose.figures)
        draft = await compose_with_figures(
            ctx.chain, question, summary=state["summary"], facts=state.get("facts", []), passages=passages,
            history=history, on_delta=on_delta, style=state.get("style", ""), memory=state.get("memory_prompt", ""),
        )
    else:
        draft = await ctx.chain.compose(
            question, passages, history, on_delta=on_delta, style=state.get("style", ""),
            memory=state.get("memory_prompt", ""), name=state.get("person_name", ""),
        )
    update: dict[str, Any] = {
        "draft": draft.text,
        "citations": [c.model_dump() for c in draft.citations],
        "strategy": draft.strategy,
        "model": draft.model,
        "tokens_in": draft.tokens_in,
        "tokens_out": draft.tokens_out,
        "failures": draft.failures,
    }
    note = closing_note(  # the disclaimer, or the no-recommendation line (core.compose.disclaimer)
        disclaimer=ctx.policy.disclaimer, no_recommendation=ctx.policy.no_recommendation,
        asked=bool(state.get("high_stakes")), illustrated=bool(state.get("advice")), strategy=draft.strategy,
    )
    if note:  # firm text, so the grounding check gets it too
        await on_delta("\n\n" + note)
        update["draft"] = f"{draft.text}\n\n{note}"
        update["facts"] = [*state.get("facts", []), note]
    return update
