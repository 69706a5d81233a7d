"""escalate: hand the conversation to an advisor and tell the person, in the same thread, when to expect one."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.answering.refusal import OFFER
from core.escalation.policy import escalation_reason, notice_text
from core.graph.context import GraphContext
from core.graph.state import TurnState
from core.types import IncomingMessage

__all__ = ["NO_DESK", "escalate"]

NO_DESK = (
    "This is something a person at the firm should handle, and I can't reach an advisor from here right now. "
    "Please contact your advisor directly."
)
_AFTER_A_DRAFT = ("low_confidence", "no_answer")


async def escalate(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    reason = escalation_reason(state)
    service = ctx.escalations
    drafted = reason in _AFTER_A_DRAFT
    high_stakes = bool(state.get("high_stakes"))
    if reason is None or (service is not None and not service.policy.allows(reason, high_stakes=high_stakes)):
        return {}
    if service is None:
        return {} if drafted else {"draft": NO_DESK, "strategy": "template", "confidence": 100}
    runtime.stream_writer({"status": "asking an advisor..."})
    opened = await service.open(
        IncomingMessage.model_validate(state["message"]),
        reason=reason,
        confidence=int(state.get("confidence", 0)) if drafted else None,
        history=state.get("history", []),
        passages=state.get("passages", []),
        turn_id=state["turn_id"],
    )
    notice = notice_text(reason, opened.expected)
    runtime.stream_writer({"delta": ("\n\n" if drafted else "") + notice})
    update: dict[str, Any] = {
        "escalation": {"id": opened.escalation.id, "reason": reason, "expected": opened.expected},
    }
    if drafted:  # the refusal (what was not found, the nearest sources) stays; the advisor is asked, not offered
        update["draft"] = f"{state.get('draft', '').replace(OFFER, '').rstrip()}\n\n{notice}"
    else:
        update["draft"] = notice
        update["strategy"] = "human"
        update["citations"] = []
        if not drafted:
            update["confidence"] = 100
    return update
