"""triage: after the grounding check, the escalation policy decides: answer, offer an advisor, or hand over.

An offer stays open in the thread (`offer`, kept by the checkpointer) so that a "yes" or the offer's button
next turn hands over with the question it was about.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.escalation import EscalationPolicy
from core.escalation.summary import source_list
from core.graph.context import GraphContext
from core.graph.state import TurnState

__all__ = ["triage"]

_DEFAULT_POLICY = EscalationPolicy()


async def triage(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    service = runtime.context.escalations
    decision = (service.policy if service is not None else _DEFAULT_POLICY).after_answer(state)
    if decision.action == "handover":
        return {"escalate_reason": decision.reason}
    if decision.action == "offer":
        platform = str(state["message"]["conversation"]["platform"])
        return {
            "offer": {
                "turn_id": state["turn_id"],
                "reason": decision.reason,
                "question": state["message"]["text"],
                "confidence": int(state.get("confidence", 0)),
                "sources": source_list(state.get("passages", [])),
                # No advisor desk for this surface: no button promising one; a "yes" gets the contact line.
                "deliverable": service is not None and service.can_deliver(platform),
            }
        }
    return {}
