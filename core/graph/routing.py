"""Edge functions: given the state, which node runs next."""

from __future__ import annotations

from typing import Literal

from core.graph.state import TurnState
from core.smalltalk import SMALLTALK_INTENTS

__all__ = ["after_route", "decide"]


def after_route(state: TurnState) -> Literal["specialists", "compose", "smalltalk", "escalate"]:
    """Questions go to their specialists; greetings and help straight to compose; small talk is answered."""
    if state.escalate_reason:  # an ask for a person, a sensitive intent, an accepted offer: to a person
        return "escalate"
    if state.intent in SMALLTALK_INTENTS:
        return "smalltalk"
    return "specialists" if state.route else "compose"


def decide(state: TurnState) -> Literal["escalate", "__end__"]:
    """After triage (core.escalation.policy): a hand-over goes to a person; everything else is done (the turn's
    one write follows the graph, core.turn)."""
    return "escalate" if state.escalate_reason else "__end__"
