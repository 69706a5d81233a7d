"""route: the supervisor decides which specialists handle the turn."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.compose.templates import template_intent
from core.escalation import intents as escalation_intents
from core.graph.context import GraphContext
from core.graph.state import TurnState

__all__ = ["route"]


async def route(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    text = state["message"]["text"]
    if sensitive := escalation_intents.detect(text):  # asks for a human, sensitive intents: straight to a person
        return {"intent": "escalate", "route": [], "escalate_reason": sensitive.reason}
    intent = template_intent(text)
    if intent:
        return {"intent": intent, "route": []}
    return {"intent": "question", "route": ["knowledge"]}
