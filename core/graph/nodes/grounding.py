"""check_grounding: how sure finbot is of the draft; a doubtful one becomes a refusal (core.answering.assess)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.compose.draft import Draft
from core.graph.context import GraphContext
from core.graph.nodes.answer_request import answer_request
from core.graph.state import TurnState
from core.types import Citation

__all__ = ["check_grounding"]


async def check_grounding(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    record = dict(state.draft_record or {})
    record["citations"] = [Citation(**c) for c in record.get("citations", [])]
    draft = Draft(**record)

    async def on_delta(text: str) -> None:
        runtime.stream_writer({"delta": text})

    request = answer_request(state, on_delta)
    retrieved = sorted([*request.passages, *request.nearby], key=lambda p: -p.score)
    result = await runtime.context.assessor.assess(request, draft, retrieved=retrieved)
    final = result.draft
    return {
        "draft": final.text,
        "citations": [c.model_dump() for c in final.citations],
        "strategy": final.strategy,
        "step": final.step,
        "model": final.model,
        "tokens_in": final.tokens_in,
        "tokens_out": final.tokens_out,
        "failures": final.failures,
        "jury": draft.jury,
        "confidence": result.confidence,
        "unsupported": result.unsupported,
        "grounded": result.grounded,
        "signals": result.signals,
        "withheld": result.withheld,
        "blocked": result.blocked,
    }
