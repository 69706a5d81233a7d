"""smalltalk: "hello hello", "cool!!", "testing123", a "no thanks" to the offer of an advisor: answered as small
talk (core.smalltalk), with nothing searched and nobody called."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.compose.draft import stream_text
from core.graph.context import GraphContext
from core.graph.state import TurnState
from core.smalltalk import smalltalk_answer

__all__ = ["smalltalk"]


async def smalltalk(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    text = smalltalk_answer(str(state.intent), name=state.person_name)

    async def on_delta(piece: str) -> None:
        runtime.stream_writer({"delta": piece})

    await stream_text(text, on_delta)
    return {"draft": text, "citations": [], "strategy": "template", "confidence": 100, "grounded": True}
