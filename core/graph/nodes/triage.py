"""triage: after the grounding check, the escalation policy decides: answer, offer an advisor, or hand over.

An offer stays open in the thread (`offer`, kept by the checkpointer) so that a "yes" or the offer's button
next turn hands over with the question it was about.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.answering.refusal import OFFER
from core.escalation import EscalationPolicy
from core.escalation.summary import source_list
from core.graph.context import GraphContext
from core.graph.state import TurnState

__all__ = ["triage"]

_DEFAULT_POLICY = EscalationPolicy()


def _offer_sentence(state: TurnState, text: str) -> dict[str, Any]:
    """A refusal ends with the offer of an advisor (core.answering.refusal.OFFER); say `text` instead."""
    draft = state.draft
    if OFFER not in draft:
        return {}
    return {"draft": draft.replace(OFFER, text).replace("  ", " ").strip()}


async def triage(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    service = runtime.context.escalations
    policy = service.policy if service is not None else _DEFAULT_POLICY
    decision = policy.after_answer(state)
    if decision.action == "handover":
        return {"escalate_reason": decision.reason}
    if decision.action != "offer":
        return _offer_sentence(state, "")  # no offer made: none promised either
    platform = str(state.message.conversation.platform)
    deliverable = service is not None and service.can_deliver(platform)
    # No advisor desk for this surface: no offer promising one, the firm's contact line instead.
    text_update = {} if deliverable else _offer_sentence(state, policy.contact_line)
    offer = {
        "turn_id": state.turn_id,
        "reason": decision.reason,
        "question": state.message.text,
        "confidence": int(state.confidence),
        "sources": source_list(state.passages),
        "deliverable": deliverable,  # False: no button; a "yes" gets the contact line
    }
    return text_update | {"offer": offer}
