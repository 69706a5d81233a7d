"""Edge functions: given the state, which node runs next."""

from __future__ import annotations

from typing import Literal

from core.escalation.policy import escalation_reason
from core.graph.state import TurnState

__all__ = ["after_route", "decide"]


def after_route(state: TurnState) -> Literal["specialists", "compose", "escalate"]:
    """Questions go to their specialists; greetings and help go straight to compose."""
    if state.get("escalate_reason"):  # an ask for a human or a sensitive intent: straight to a person
        return "escalate"
    return "specialists" if state.get("route") else "compose"


def decide(state: TurnState) -> Literal["escalate", "save"]:
    """After grounding: an unsupported answer or an empty fallback chain goes to a person (core.escalation.policy)."""
    return "escalate" if escalation_reason(state) else "save"
