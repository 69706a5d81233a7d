"""What the memory tiers hand the rest of the core: a profile, facts, and the built context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["CandidateFact", "Fact", "MemoryContext", "Profile", "TIERS"]

TIERS = ("profile", "facts", "summary", "recent")
"""The context's tiers, in the fixed order they are put together (and cut, last first, to the budget)."""


@dataclass(slots=True)
class Profile:
    user_id: str
    name: str = ""
    style: str = ""
    """"brief" | "detailed" | "" (no preference known)."""
    style_source: str = ""
    """"set" when the person asked for it, "inferred" from how they write, "" unknown."""
    topics: dict[str, int] = field(default_factory=dict)
    interaction_count: int = 0
    avg_words: float = 0.0
    last_interaction: datetime | None = None

    @property
    def favourite_topics(self) -> list[str]:
        ranked = sorted(self.topics.items(), key=lambda item: (-item[1], item[0]))
        return [topic for topic, _count in ranked[:3]]

    def is_empty(self) -> bool:
        return not (self.name or self.style or self.topics)


@dataclass(frozen=True, slots=True)
class CandidateFact:
    """A statement about the person found in a message, before it is stored."""

    text: str
    """Without its subject, third person: "has two children", "prefers growth stocks"."""
    importance: float = 0.5
    slot: str = ""
    """A single-valued subject ("age", "retirement", "my:risk tolerance"): a newer fact replaces an older one."""


@dataclass(frozen=True, slots=True)
class Fact:
    id: int
    user_id: str
    text: str
    importance: float
    slot: str = ""
    created_at: datetime | None = None
    score: float = 0.0
    """Relevance to the question it was retrieved for (0..1); 0 when not retrieved by similarity."""


@dataclass(slots=True)
class MemoryContext:
    """The tiers put together for one turn, in order, within the token budget."""

    profile: Profile | None = None
    facts: list[Fact] = field(default_factory=list)
    summary: str = ""
    recent: list[dict[str, str]] = field(default_factory=list)
    """Recent turns, oldest first: {"role", "text"}."""
    tiers: list[str] = field(default_factory=list)
    tokens: int = 0

    def prompt_block(self) -> str:
        """Profile, facts and summary as plain text for a system prompt ('' when there is nothing)."""
        from core.memory.render import render_prompt_block

        return render_prompt_block(self)

    def statements(self) -> list[str]:
        """What finbot knows, as sentences: context for the grounding check of answers from memory."""
        from core.memory.render import render_statements

        return render_statements(self)
