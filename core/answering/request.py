"""What the answer chain is asked: the question with everything the turn found for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.compose.draft import DeltaSink
from core.retrieval.types import Passage

__all__ = ["AnswerRequest"]


async def _discard(_text: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class AnswerRequest:
    question: str
    """As the person asked it."""
    user_id: str = ""
    conversation_key: str = ""
    intent: str = "question"
    """"question", a template intent ("greeting", "help", "thanks") or a memory intent (core.memory)."""
    query: str = ""
    """The standalone search query the passages were found with ("" = the question itself)."""
    passages: list[Passage] = field(default_factory=list)
    """Passages relevant enough to answer from (relevance >= AnswerPolicy.min_relevance), best first."""
    nearby: list[Passage] = field(default_factory=list)
    """Less relevant passages: only shown as "the nearest documents" of a refusal."""
    history: list[tuple[str, str]] = field(default_factory=list)
    """Recent (role, text) turns, oldest first."""
    summary: list[str] = field(default_factory=list)
    """Headline sentences of the data specialists (portfolio, market, risk): the offline figures answer."""
    facts: list[str] = field(default_factory=list)
    """Every computed figure as a sentence: the model's "Computed figures" passage and the grounding context."""
    memory_prompt: str = ""
    """Profile, facts and summary as text for the model's system prompt."""
    memory_facts: list[str] = field(default_factory=list)
    style: str = ""
    name: str = ""
    high_stakes: bool = False
    """A recommendation or an allocation change was asked for (the disclaimer, the jury)."""
    advice: bool = False
    """A specialist illustrated a change (rebalancing trades)."""
    on_delta: DeltaSink = _discard

    @property
    def search_query(self) -> str:
        return self.query or self.question
