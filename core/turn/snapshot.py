"""What one turn reads, once, at its start: the person, the conversation and what crosses turns.

Before this, a turn opened ~11 transactions (profile twice, touch, the hold, facts, summary, recent messages,
holdings...) and LangGraph wrote ~16 checkpoints. Now `TurnStore.open` reads all of it in one transaction into
a `TurnSnapshot`, and the nodes read the snapshot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.escalation.record import Escalation
from core.memory.types import Profile
from core.portfolio.access import Owner
from core.portfolio.holdings import Holding
from core.store.conversations import StoredMessage
from core.store.models import UserFactRow

__all__ = ["ThreadState", "TurnSnapshot"]


@dataclass(slots=True)
class ThreadState:
    """The only state that crosses turns, kept as JSON on the conversation row (`conversations.thread_state`)."""

    pinned_route: list[str] = field(default_factory=list)
    """The thread's last specialist route, so follow-ups ("and the risk?") keep their subject."""
    pinned_symbols: list[str] = field(default_factory=list)
    """The symbols that route was about."""
    offer: dict[str, Any] | None = None
    """The offer of an advisor still open in this thread (core.graph.nodes.triage); a "yes" accepts it."""

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ThreadState:
        data = data or {}
        return cls(
            pinned_route=[str(r) for r in data.get("pinned_route") or []],
            pinned_symbols=[str(s) for s in data.get("pinned_symbols") or []],
            offer=data.get("offer") or None,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class TurnSnapshot:
    """Everything a turn needs from the database, read in one transaction (`TurnStore.open`)."""

    person_id: str
    conversation_key: str
    thread: ThreadState = field(default_factory=ThreadState)
    active: Escalation | None = None
    """The escalation holding this conversation, if any (EscalationService.intercept)."""
    profile: Profile | None = None
    fact_rows: list[UserFactRow] = field(default_factory=list)
    """The person's long-term facts (ranked for the question by core.memory)."""
    summary: str = ""
    recent: list[StoredMessage] = field(default_factory=list)
    """The conversation's last messages, oldest first."""
    holdings: list[Holding] | None = None
    """The holdings the person may see (their own, or the demo's); None: no portfolio services here."""
    owner: Owner | None = None
    """Whose those holdings are (the person, or the demo owner); None: nobody's."""
    documents_version: tuple[int, str] | None = None
    """The knowledge base's fingerprint (core.retrieval.documents), so retrieval need not read it again."""
    new_person: bool = False
    new_conversation: bool = False
