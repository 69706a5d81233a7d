"""compose: the answer chain writes the draft (a model streams it as it writes; core.answering.chain), through
the answer guard's sentence gate (core.answering.guard.GuardedStream): what the guard would block never streams."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from langgraph.runtime import Runtime

from core.answering.guard import GuardedStream
from core.graph.context import GraphContext
from core.graph.nodes.answer_request import answer_request
from core.graph.state import TurnState

__all__ = ["compose"]


async def compose(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    runtime.stream_writer({"status": "writing an answer..."})

    async def on_delta(text: str) -> None:
        runtime.stream_writer({"delta": text})

    guarded = GuardedStream(on_delta, approved=runtime.context.assessor.approved)
    draft = await runtime.context.chain.answer(answer_request(state, guarded))
    if draft.streamed:  # the last sentence, held until the model was done
        await guarded.flush()
    record = asdict(draft)
    record["citations"] = [c.model_dump() for c in draft.citations]
    return {"draft_record": record}
