"""compose: write the answer through the fallback chain, streaming it as it comes."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.state import TurnState
from core.retrieval.types import Passage

__all__ = ["compose"]


async def compose(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    runtime.stream_writer({"status": "writing an answer..."})

    async def on_delta(text: str) -> None:
        runtime.stream_writer({"delta": text})

    passages = [Passage(**p) for p in state.get("passages", [])]
    history = [(turn["role"], turn["text"]) for turn in state.get("history", [])]
    draft = await ctx.chain.compose(
        state["message"]["text"], passages, history, on_delta=on_delta, style=state.get("style", "")
    )
    return {
        "draft": draft.text,
        "citations": [c.model_dump() for c in draft.citations],
        "strategy": draft.strategy,
        "model": draft.model,
        "tokens_in": draft.tokens_in,
        "tokens_out": draft.tokens_out,
        "failures": draft.failures,
    }
