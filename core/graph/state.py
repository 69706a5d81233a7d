"""The graph's state for one turn. Everything is JSON-friendly so the checkpointer can keep it."""

from __future__ import annotations

from typing import Any, TypedDict

from core.types import Conversation

__all__ = ["TurnInput", "TurnState", "conversation_key", "fresh_turn"]


class TurnInput(TypedDict):
    turn_id: str
    """Id of this turn (feedback and metrics refer to it)."""
    message: dict[str, Any]
    """The IncomingMessage as JSON."""


class TurnState(TurnInput, total=False):
    # --- memory (load_memory) ---
    history: list[dict[str, str]]
    """Recent turns of this conversation, oldest first: {"role": "user"|"assistant"|"advisor", "text"}."""
    memory_tiers: list[str]
    """Which memory tiers went into the context (for metrics)."""
    style: str
    """The person's preferred answer style ("brief" / "detailed"), or ""."""
    memory_prompt: str
    """Profile, long-term facts and the conversation's summary as text for the system prompt (core.memory)."""
    memory_facts: list[str]
    """What finbot remembers, as sentences: the grounding context of answers given from memory."""
    person_name: str
    """The name the person asked to be called, or "" (greetings use it)."""

    # --- supervisor (route) ---
    intent: str
    """"question", or a template intent ("greeting", "help", "thanks")."""
    route: list[str]
    """Specialists chosen for this turn, e.g. ["knowledge"] or ["portfolio", "risk"]."""
    symbols: list[str]
    """Ticker symbols the turn is about (named, or kept from the thread); [] = the person's own holdings."""
    high_stakes: bool
    """A recommendation or an allocation change: the answer carries the disclaimer (and the jury, when on)."""
    routed_by: str
    """"offline" or "llm": who chose the route."""
    pinned_route: list[str]
    """NOT reset per turn: the thread's last specialist route, so follow-ups ("and the risk?") keep their subject."""
    pinned_symbols: list[str]
    """NOT reset per turn: the symbols that route was about."""

    # --- specialists ---
    passages: list[dict[str, Any]]
    """Retrieved passages relevant enough to answer from (Passage as dict), best first."""
    nearby: list[dict[str, Any]]
    """The other retrieved passages (below the relevance floor): confidence signals, a refusal's nearest sources."""
    query: str
    """The standalone search query when the question was rewritten (a follow-up), else ""."""
    figures: list[dict[str, Any]]
    """Computed tables (Figure as dict) from the portfolio, market and risk specialists."""
    facts: list[str]
    """Computed figures as sentences, given to the grounding check as context."""
    summary: list[str]
    """Headline sentences of the data specialists: the offline answer is written from these."""
    advice: bool
    """A specialist illustrated a change (rebalancing trades): the answer carries the disclaimer."""

    # --- compose (the answer chain) ---
    draft_record: dict[str, Any]
    """The chain's draft (core.compose.draft.Draft as a dict), before the assessment."""

    # --- check_grounding (the assessment: what the person reads) ---
    draft: str
    citations: list[dict[str, Any]]
    strategy: str
    step: str
    """The answer chain's step that wrote the answer (template, memory, jury, llm, figures, extractive, refusal)."""
    model: str
    tokens_in: int
    tokens_out: int
    failures: list[str]
    jury: dict[str, Any] | None
    """The jury's record when it wrote the answer: size, agreement, latency, tokens, chosen draft."""
    confidence: int
    """The probability (0-100) that the answer is right (core.answering.assess)."""
    unsupported: list[str]
    grounded: bool
    signals: dict[str, float]
    """The confidence model's inputs for an answer drafted from documents (core.confidence.signals)."""
    withheld: bool
    """The draft was below the threshold and a refusal replaced it."""

    # --- privacy (core.privacy: filled from the turn's ledger for the audit row and metrics) ---
    model_inputs: list[Any]
    """What each language-model request of the turn sent, after redaction (placeholders, not values)."""
    pii_counts: dict[str, int]
    """Values kept from the model per presidio kind."""

    # --- triage / escalate (core.escalation.policy decides) ---
    escalate_reason: str
    """Hand over this turn: set by the supervisor (an ask for a person, a sensitive intent the firm hands over,
    an accepted offer) or by triage (an unsure answer on a high-stakes topic)."""
    offer_reason: str
    """A sensitive intent the firm does not hand over at once: answered, with the offer of an advisor."""
    accepted_offer: dict[str, Any] | None
    """The offer the person accepted this turn (its question, reason, confidence, sources)."""
    handover: str
    """What happened to this turn's hand-over: "" (none), "opened", or "unrouted" (no advisor desk)."""
    escalation: dict[str, Any] | None
    """The escalation this turn opened: {"id", "reason", "expected"} (becomes Reply.escalation)."""
    offer: dict[str, Any] | None
    """NOT reset per turn: the offer of an advisor still open in this thread ({"turn_id", "reason", "question",
    "confidence", "sources"}); a "yes" next turn accepts it, anything else drops it. Made this turn when its
    turn_id is this turn's (Reply.offer_advisor)."""


def fresh_turn(turn_id: str, message: dict[str, Any]) -> TurnState:
    """The input of one turn: resets every per-turn field the checkpointer kept from the last turn."""
    return TurnState(
        turn_id=turn_id,
        message=message,
        history=[],
        memory_tiers=[],
        style="",
        memory_prompt="",
        memory_facts=[],
        person_name="",
        intent="question",
        route=[],
        symbols=[],
        high_stakes=False,
        routed_by="",
        passages=[],
        nearby=[],
        query="",
        figures=[],
        facts=[],
        summary=[],
        advice=False,
        draft_record={},
        draft="",
        citations=[],
        strategy="",
        step="",
        model="",
        tokens_in=0,
        tokens_out=0,
        failures=[],
        jury=None,
        confidence=0,
        unsupported=[],
        grounded=False,
        signals={},
        withheld=False,
        escalate_reason="",
        offer_reason="",
        accepted_offer=None,
        handover="",
        escalation=None,
    )


def conversation_key(state: TurnState) -> str:
    """The turn's conversation key, defined once by `core.types.Conversation.key`."""
    return Conversation.model_validate(state["message"]["conversation"]).key
