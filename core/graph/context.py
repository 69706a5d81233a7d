"""What every node may use: the services of this process, handed in at run time (LangGraph runtime context)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.compose.disclaimer import DEFAULT_DISCLAIMER, DEFAULT_NO_RECOMMENDATION
from core.escalation.service import EscalationService
from core.fallback import FallbackChain
from core.grounding import GroundingChecker
from core.jury import Jury
from core.memory import MemoryService
from core.retrieval.rewrite import QueryRewriter
from core.retrieval.types import KnowledgeRetriever
from core.routing import Supervisor
from core.specialists import SpecialistServices
from core.store.conversations import ConversationStore

__all__ = ["AnswerPolicy", "GraphContext"]


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    top_k: int = 4
    recent_turns: int = 5
    confidence_threshold: int = 70
    min_relevance: float = 0.4
    """A passage less relevant than this (0..1: dense cosine and term coverage, see core.retrieval.hybrid)
    does not count as an answer. Unrelated questions score ~0.0-0.1 on the sample knowledge base."""
    disclaimer: str = DEFAULT_DISCLAIMER
    """The firm's disclaimer, carried by every answer that contains a recommendation (FINBOT_DISCLAIMER)."""
    no_recommendation: str = DEFAULT_NO_RECOMMENDATION
    """The firm's line for a request for a recommendation that the answer does not give
    (FINBOT_NO_RECOMMENDATION)."""


@dataclass(slots=True)
class GraphContext:
    conversations: ConversationStore
    retriever: KnowledgeRetriever
    chain: FallbackChain
    policy: AnswerPolicy = field(default_factory=AnswerPolicy)
    grounder: GroundingChecker | None = None
    """The grounding check with its embedder / LLM judge; None: the lexical check alone."""
    rewriter: QueryRewriter | None = None
    """Turns follow-up questions into standalone search queries from the recent turns; None: as asked."""
    escalations: EscalationService | None = None
    """Hands conversations to advisors (core.escalation); None: escalation is off (a fixed note instead)."""
    supervisor: Supervisor | None = None
    """Chooses the specialists (core.routing); None: the offline keyword classifier."""
    specialists: SpecialistServices | None = None
    """Holdings and market data for the portfolio, market and risk specialists; None: they are unavailable."""
    jury: Jury | None = None
    """Drafts, critiques and picks high-stakes answers (FINBOT_JURY); None: off."""
    memory: MemoryService | None = None
    """Profiles, long-term facts and summaries (core.memory); None: the recent window alone."""
