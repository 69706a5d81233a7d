"""escalate: hand the conversation to an advisor and tell the person, in the same thread, when to expect one.

No promise that cannot be kept: when no advisor desk can take requests from the person's surface, nothing is
opened; the person gets the firm's contact line and the request is recorded as unrouted.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.answering.refusal import OFFER
from core.escalation import EscalationPolicy, no_desk_text, notice_text
from core.graph.context import GraphContext
from core.graph.state import TurnState

__all__ = ["escalate"]

_DEFAULT_POLICY = EscalationPolicy()


async def escalate(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    reason = state.escalate_reason
    if not reason:
        return {}
    service = runtime.context.escalations
    accepted = state.accepted_offer or None
    drafted = reason == "low_confidence" and accepted is None  # the unsure answer stays, the notice follows it
    message = state.message
    details: dict[str, Any] = {
        "reason": reason,
        "confidence": _confidence(state, accepted, drafted),
        "history": state.history,
        "passages": (accepted or {}).get("sources") or state.passages,
        "turn_id": state.turn_id,
        "question": (accepted or {}).get("question"),
    }
    if service is None or not service.can_deliver(message.conversation.platform):
        if service is not None:
            await service.record_unrouted(message, **details)
        policy = service.policy if service is not None else _DEFAULT_POLICY
        return _say(state, runtime, no_desk_text(reason, policy.contact_line), drafted, handover="unrouted",
                    strategy="template")
    runtime.stream_writer({"status": "asking an advisor..."})
    opened = await service.open(message, **details)
    notice = notice_text(reason, opened.expected, accepted=accepted is not None)
    update = _say(state, runtime, notice, drafted, handover="opened", strategy="human")
    update["escalation"] = {"id": opened.escalation.id, "reason": reason, "expected": opened.expected}
    return update


def _confidence(state: TurnState, accepted: dict[str, Any] | None, drafted: bool) -> int | None:
    if accepted is not None:
        return int(accepted.get("confidence") or 0)
    return int(state.confidence) if drafted else None


def _say(
    state: TurnState, runtime: Runtime[GraphContext], text: str, drafted: bool, *, handover: str, strategy: str
) -> dict[str, Any]:
    """The notice after the drafted answer, or instead of any answer."""
    runtime.stream_writer({"delta": ("\n\n" if drafted else "") + text})
    update: dict[str, Any] = {"handover": handover, "offer": None}
    if drafted:  # a refusal's offer of an advisor is moot once one is asked (core.answering.refusal.OFFER)
        update["draft"] = f"{state.draft.replace(OFFER, '').rstrip()}\n\n{text}"
        return update
    update.update(draft=text, strategy=strategy, citations=[], confidence=100)
    return update
