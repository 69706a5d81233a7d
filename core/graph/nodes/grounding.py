"""check_grounding: score the draft against what was retrieved and computed."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.state import TurnState
from core.grounding import check_grounding as score_draft

__all__ = ["check_grounding"]


async def check_grounding(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    strategy = state.get("strategy", "")
    if strategy == "template":
        return {"confidence": 100, "grounded": True, "unsupported": []}
    if strategy == "human":
        return {"confidence": 0, "grounded": False, "unsupported": []}
    context = [f"{p['title']}\n{p['text']}" for p in state.get("passages", [])] + state.get("facts", [])
    grounder = runtime.context.grounder
    draft = state.get("draft", "")
    result = await grounder.check(draft, context) if grounder is not None else score_draft(draft, context)
    threshold = runtime.context.policy.confidence_threshold
    confidence = max(0, result.confidence - int(state.get("confidence_penalty") or 0))  # the jury's disagreement
    return {
        "confidence": confidence,
        "unsupported": result.unsupported,
        "grounded": confidence >= threshold,
    }
