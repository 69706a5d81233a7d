"""The graph's state for one turn. Everything is JSON-friendly so the checkpointer can keep it."""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["TurnInput", "TurnState", "fresh_turn"]


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

    # --- supervisor (route) ---
    intent: str
    """"question", or a template intent ("greeting", "help", "thanks")."""
    route: list[str]
    """Specialists chosen for this turn, e.g. ["knowledge"]."""

    # --- specialists ---
    passages: list[dict[str, Any]]
    """Retrieved passages (Passage as dict), best first."""
    figures: list[dict[str, Any]]
    """Computed tables (Figure as dict) from the portfolio, market and risk specialists."""
    facts: list[str]
    """Computed figures as sentences, given to the grounding check as context."""

    # --- compose ---
    draft: str
    citations: list[dict[str, Any]]
    strategy: str
    model: str
    tokens_in: int
    tokens_out: int
    failures: list[str]

    # --- check_grounding ---
    confidence: int
    unsupported: list[str]
    grounded: bool

    # --- decide / escalate ---
    escalate_reason: str
    """Set by the supervisor for an explicit ask for a human or a sensitive intent (core.escalation.intents)."""
    escalation: dict[str, Any] | None
    """The escalation this turn opened: {"id", "reason", "expected"} (becomes Reply.escalation)."""


def fresh_turn(turn_id: str, message: dict[str, Any]) -> TurnState:
    """The input of one turn: resets every per-turn field the checkpointer kept from the last turn."""
    return TurnState(
        turn_id=turn_id,
        message=message,
        history=[],
        memory_tiers=[],
        style="",
        intent="question",
        route=[],
        passages=[],
        figures=[],
        facts=[],
        draft="",
        citations=[],
        strategy="",
        model="",
        tokens_in=0,
        tokens_out=0,
        failures=[],
        confidence=0,
        unsupported=[],
        grounded=False,
        escalate_reason="",
        escalation=None,
    )
