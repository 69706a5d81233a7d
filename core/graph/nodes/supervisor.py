"""route: the supervisor decides which specialists handle the turn.

Order: sensitive intents and asks for a human (straight to a person), fixed answers (greetings, help,
thanks), then the specialists: the router (core.routing) picks them, the thread's pinned route keeps
follow-ups on their subject, and high-stakes questions are flagged for the disclaimer and the jury.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.compose.templates import template_intent
from core.escalation import intents as escalation_intents
from core.graph.context import GraphContext
from core.graph.state import TurnState
from core.memory import memory_intent
from core.routing import OfflineClassifier, RouteRequest, Supervisor
from core.specialists import SpecialistServices

__all__ = ["route"]

_KEYWORDS_ONLY = Supervisor(OfflineClassifier())
"""Used when the context brings no supervisor (tests, tools): keywords, no embeddings, no LLM."""


async def route(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    text = state["message"]["text"]
    if sensitive := escalation_intents.detect(text):  # asks for a human, sensitive intents: straight to a person
        return {"intent": "escalate", "route": [], "escalate_reason": sensitive.reason}
    intent = template_intent(text)
    if intent:
        return {"intent": intent, "route": []}
    if memory := memory_intent(text):  # "what do you remember about me?", "forget that I ...": core.memory
        return {"intent": memory, "route": []}
    return await choose_specialists(state, runtime.context)


async def held_securities(services: SpecialistServices, person_id: str) -> dict[str, str]:
    """The person's own holdings (symbol -> name), or the demo portfolio they see: a held ticker or name is an
    ownership cue, and an unheld one gets its own quote, never the holdings'."""
    owner = await services.access.owner_for(person_id)
    if owner is None:
        return {}
    return {h.symbol: h.name for h in await services.holdings.holdings(owner.id)}


async def choose_specialists(state: TurnState, ctx: GraphContext | None) -> dict[str, Any]:
    """The specialists for a question, with the thread's pinned route for follow-ups."""
    supervisor = (ctx.supervisor if ctx is not None else None) or _KEYWORDS_ONLY
    services = ctx.specialists if ctx is not None else None
    request = RouteRequest(
        question=state["message"]["text"],
        history=[(turn["role"], turn["text"]) for turn in state.get("history", [])],
        pinned_route=list(state.get("pinned_route") or []),
        pinned_symbols=list(state.get("pinned_symbols") or []),
        known_symbols=await services.market.symbols() if services is not None else (),
        holdings=await held_securities(services, state["message"]["person"]["id"]) if services is not None else None,
    )
    routed = await supervisor.route(request)
    return {
        "intent": "question",
        "route": routed.route,
        "symbols": routed.symbols,
        "high_stakes": routed.high_stakes,
        "routed_by": routed.decided_by,
        "pinned_route": routed.route,
        "pinned_symbols": routed.symbols,
    }
