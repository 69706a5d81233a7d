"""The graph's state for one turn: typed, in memory only (no checkpointer; what crosses turns is the
conversation's ThreadState, read and written by core.turn)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.turn.snapshot import TurnSnapshot
from core.types import IncomingMessage

__all__ = ["TurnState"]


@dataclass(slots=True)
class TurnState:
    """Every field but `turn_id` and `message` starts at its default each turn; nodes return updates as dicts."""

    turn_id: str
    """Id of this turn (feedback and metrics refer to it)."""
    message: IncomingMessage
    """The person's message, as the adapter gave it."""
    snapshot: TurnSnapshot | None = None
    """What the turn read from the database at its start (core.turn); None: a graph run without one (tests)."""

    # --- memory (load_memory) ---
    history: list[dict[str, str]] = field(default_factory=list)
    """Recent turns of this conversation, oldest first: {"role": "user"|"assistant"|"advisor", "text"}."""
    memory_tiers: list[str] = field(default_factory=list)
    """Which memory tiers went into the context (for metrics)."""
    style: str = ""
    """The person's preferred answer style ("brief" / "detailed"), or ""."""
    memory_prompt: str = ""
    """Profile, long-term facts and the conversation's summary as text for the system prompt (core.memory)."""
    memory_facts: list[str] = field(default_factory=list)
    """What finbot remembers, as sentences: the grounding context of answers given from memory."""
    person_name: str = ""
    """The name the person asked to be called, or "" (greetings use it)."""

    # --- supervisor (route) ---
    intent: str = "question"
    """"question", or a template intent ("greeting", "help", "thanks")."""
    route: list[str] = field(default_factory=list)
    """Specialists chosen for this turn, e.g. ["knowledge"] or ["portfolio", "risk"]."""
    symbols: list[str] = field(default_factory=list)
    """Ticker symbols the turn is about (named, or kept from the thread); [] = the person's own holdings."""
    high_stakes: bool = False
    """A recommendation or an allocation change: the answer carries the disclaimer (and the jury, when on)."""
    routed_by: str = ""
    """"offline" or "llm": who chose the route."""
    pinned_route: list[str] = field(default_factory=list)
    """Crosses turns (ThreadState, on the conversation row): the thread's last specialist route, so
    follow-ups ("and the risk?") keep their subject."""
    pinned_symbols: list[str] = field(default_factory=list)
    """Crosses turns (ThreadState, on the conversation row): the symbols that route was about."""

    # --- specialists ---
    passages: list[dict[str, Any]] = field(default_factory=list)
    """Retrieved passages relevant enough to answer from (Passage as dict), best first."""
    nearby: list[dict[str, Any]] = field(default_factory=list)
    """The other retrieved passages (below the relevance floor): confidence signals, a refusal's nearest sources."""
    query: str = ""
    """The standalone search query when the question was rewritten (a follow-up), else ""."""
    figures: list[dict[str, Any]] = field(default_factory=list)
    """Computed tables (Figure as dict) from the portfolio, market and risk specialists."""
    facts: list[str] = field(default_factory=list)
    """Computed figures as sentences, given to the grounding check as context."""
    summary: list[str] = field(default_factory=list)
    """Headline sentences of the data specialists: the offline answer is written from these."""
    advice: bool = False
    """A specialist illustrated a change (rebalancing trades): the answer carries the disclaimer."""

    # --- compose (the answer chain) ---
    draft_record: dict[str, Any] = field(default_factory=dict)
    """The chain's draft (core.compose.draft.Draft as a dict), before the assessment."""

    # --- check_grounding (the assessment: what the person reads) ---
    draft: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    strategy: str = ""
    step: str = ""
    """The answer chain's step that wrote the answer (template, memory, jury, llm, figures, extractive, refusal)."""
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    failures: list[str] = field(default_factory=list)
    jury: dict[str, Any] | None = None
    """The jury's record when it wrote the answer: size, agreement, latency, tokens, chosen draft."""
    confidence: int = 0
    """The probability (0-100) that the answer is right (core.answering.assess)."""
    unsupported: list[str] = field(default_factory=list)
    grounded: bool = False
    signals: dict[str, float] = field(default_factory=dict)
    """The confidence model's inputs for an answer drafted from documents (core.confidence.signals)."""
    withheld: bool = False
    """The draft was below the threshold and a refusal replaced it."""
    blocked: list[str] = field(default_factory=list)
    """What the answer guard found in the draft (core.answering.guard): the refusal replaced it and the turn is
    handed to an advisor (reason `answer_guard:<kind>`); empty: nothing."""

    # --- privacy (core.privacy: filled from the turn's ledger for the audit row and metrics) ---
    model_inputs: list[Any] = field(default_factory=list)
    """What each language-model request of the turn sent, after redaction (placeholders, not values)."""
    pii_counts: dict[str, int] = field(default_factory=dict)
    """Values kept from the model per presidio kind."""

    # --- triage / escalate (core.escalation.policy decides) ---
    escalate_reason: str = ""
    """Hand over this turn: set by the supervisor (an ask for a person, a sensitive intent the firm hands over,
    an accepted offer) or by triage (an unsure answer on a high-stakes topic)."""
    offer_reason: str = ""
    """A sensitive intent the firm does not hand over at once: answered, with the offer of an advisor."""
    accepted_offer: dict[str, Any] | None = None
    """The offer the person accepted this turn (its question, reason, confidence, sources)."""
    handover: str = ""
    """What happened to this turn's hand-over: "" (none), "opened", or "unrouted" (no advisor desk)."""
    escalation: dict[str, Any] | None = None
    """The escalation this turn opened: {"id", "reason", "expected"} (becomes Reply.escalation)."""
    offer: dict[str, Any] | None = None
    """Crosses turns (ThreadState, on the conversation row): the offer of an advisor still open in this
    thread ({"turn_id", "reason", "question",
    "confidence", "sources"}); a "yes" next turn accepts it, anything else drops it. Made this turn when its
    turn_id is this turn's (Reply.offer_advisor)."""


    @property
    def conversation_key(self) -> str:
        """The turn's conversation key, defined once by `core.types.Conversation.key`."""
        return self.message.conversation.key
