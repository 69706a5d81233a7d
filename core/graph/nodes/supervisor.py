"""route: the supervisor decides what handles the turn.

Order: an answer to the offer of an advisor (yes: hand over with that question; no: small talk), sensitive
intents and asks for a person (handed over when the escalation policy says so, else answered with an offer),
fixed answers (greetings, help, thanks), small talk, memory intents, then the specialists: the router
(core.routing) picks them, the thread's pinned route keeps follow-ups on their subject, and high-stakes
questions are flagged for the disclaimer and the jury.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.compose.templates import template_intent
from core.escalation import ACCEPT_OFFER, EscalationPolicy, accepts_offer, declines_offer
from core.escalation import intents as escalation_intents
from core.graph.context import GraphContext
from core.graph.state import TurnState
from core.memory import memory_intent
from core.routing import OfflineClassifier, RouteRequest, Supervisor
from core.smalltalk import DECLINED_OFFER, smalltalk_intent
from core.specialists import SpecialistServices

__all__ = ["route"]

_KEYWORDS_ONLY = Supervisor(OfflineClassifier())
"""Used when the context brings no supervisor (tests, tools): keywords, no embeddings, no LLM."""
_DEFAULT_POLICY = EscalationPolicy()


async def route(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    text = state.message.text
    service = ctx.escalations if ctx is not None else None
    policy = service.policy if service is not None else _DEFAULT_POLICY
    sensitive = escalation_intents.detect(text)
    answered = _answer_to_offer(text, state.offer, asked_for_person=sensitive is not None and
                                sensitive.reason == "asked_for_human")
    if answered is not None:
        return answered
    if sensitive and policy.hands_over(sensitive.reason):  # straight to a person
        return _handover(sensitive.reason)
    decided = await _what_it_is(state, ctx, text)
    return {**decided, "offer": None, "offer_reason": sensitive.reason if sensitive else ""}


def _handover(reason: str, accepted: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"intent": "escalate", "route": [], "escalate_reason": reason, "accepted_offer": accepted, "offer": None}


def _answer_to_offer(text: str, offer: dict[str, Any] | None, *, asked_for_person: bool) -> dict[str, Any] | None:
    """Yes (typed, or the offer's button) hands over with the offered question; no is small talk."""
    if offer and (accepts_offer(text) or asked_for_person):
        return _handover(str(offer.get("reason") or "asked_for_human"), accepted=offer)
    if text.strip() == ACCEPT_OFFER:  # a button pressed after the offer lapsed: still a request for a person
        return _handover("asked_for_human")
    if offer and declines_offer(text):
        return {"intent": DECLINED_OFFER, "route": [], "offer": None}
    return None


async def _what_it_is(state: TurnState, ctx: GraphContext, text: str) -> dict[str, Any]:
    if intent := template_intent(text):
        return {"intent": intent, "route": []}
    if chat := smalltalk_intent(text):  # "hello hello", "cool!!", "testing123": answered as small talk
        return {"intent": chat, "route": []}
    if memory := memory_intent(text):  # "what do you remember about me?", "forget that I ...": core.memory
        return {"intent": memory, "route": []}
    return await choose_specialists(state, ctx)


async def held_securities(services: SpecialistServices, person_id: str) -> dict[str, str]:
    """The person's own holdings (symbol -> name), or the demo portfolio they see: a held ticker or name is an
    ownership cue, and an unheld one gets its own quote, never the holdings'."""
    owner = await services.access.owner_for(person_id)
    if owner is None:
        return {}
    return {h.symbol: h.name for h in await services.holdings.holdings(owner.id)}


async def _holdings(state: TurnState, services: SpecialistServices | None) -> dict[str, str] | None:
    if services is None:
        return None
    if state.snapshot is not None and state.snapshot.holdings is not None:  # read with the turn (core.turn)
        return {h.symbol: h.name for h in state.snapshot.holdings}
    return await held_securities(services, state.message.person.id)


async def choose_specialists(state: TurnState, ctx: GraphContext | None) -> dict[str, Any]:
    """The specialists for a question, with the thread's pinned route for follow-ups."""
    supervisor = (ctx.supervisor if ctx is not None else None) or _KEYWORDS_ONLY
    services = ctx.specialists if ctx is not None else None
    request = RouteRequest(
        question=state.message.text,
        history=[(turn["role"], turn["text"]) for turn in state.history],
        pinned_route=list(state.pinned_route or []),
        pinned_symbols=list(state.pinned_symbols or []),
        known_symbols=await services.market.symbols() if services is not None else (),
        holdings=await _holdings(state, services),
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
