"""What every node may use: the services of this process, handed in at run time (LangGraph runtime context)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.fallback import FallbackChain
from core.retrieval.types import KnowledgeRetriever
from core.store.conversations import ConversationStore

__all__ = ["AnswerPolicy", "GraphContext"]


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    top_k: int = 4
    recent_turns: int = 5
    confidence_threshold: int = 70
    min_relevance: float = 0.5
    """A passage covering less than this share of the question's terms does not count as an answer."""


@dataclass(slots=True)
class GraphContext:
    conversations: ConversationStore
    retriever: KnowledgeRetriever
    chain: FallbackChain
    policy: AnswerPolicy = field(default_factory=AnswerPolicy)
