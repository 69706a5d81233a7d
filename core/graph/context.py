"""What every node may use: the services of this process, handed in at run time (LangGraph runtime context)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.answering import AnswerChain, Assessor
from core.audit import AuditTrail
from core.confidence import load_default_model
from core.escalation.service import EscalationService
from core.memory import MemoryService
from core.retrieval.rewrite import QueryRewriter
from core.retrieval.types import KnowledgeRetriever
from core.routing import Supervisor
from core.specialists import SpecialistServices
from core.store.conversations import ConversationStore

__all__ = ["AnswerPolicy", "GraphContext"]


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    """How much the turn looks at; how sure an answer must be, and the firm's wording, are the Assessor's."""

    top_k: int = 4
    recent_turns: int = 5
    min_relevance: float = 0.4
    """A passage less relevant than this (0..1: dense cosine and term coverage, see core.retrieval.hybrid)
    does not count as an answer. Unrelated questions score ~0.0-0.1 on the sample knowledge base."""


@dataclass(slots=True)
class GraphContext:
    conversations: ConversationStore
    retriever: KnowledgeRetriever
    chain: AnswerChain = field(default_factory=AnswerChain.build)
    """Writes every answer: template, memory, jury, llm, figures, extractive, refusal (core.answering)."""
    assessor: Assessor = field(default_factory=lambda: Assessor(model=load_default_model()))
    """The confidence (grounding + the calibrated model), the refusal below the threshold, the disclaimer."""
    policy: AnswerPolicy = field(default_factory=AnswerPolicy)
    rewriter: QueryRewriter | None = None
    """Turns follow-up questions into standalone search queries from the recent turns; None: as asked."""
    escalations: EscalationService | None = None
    """Hands conversations to advisors (core.escalation); None: escalation is off (a fixed note instead)."""
    supervisor: Supervisor | None = None
    """Chooses the specialists (core.routing); None: the offline keyword classifier."""
    specialists: SpecialistServices | None = None
    """Holdings and market data for the portfolio, market and risk specialists; None: they are unavailable."""
    memory: MemoryService | None = None
    """Profiles, long-term facts and summaries (core.memory); None: the recent window alone."""
    audit: AuditTrail | None = None
    """The books-and-records trail (core.audit): one row per answered turn; None: not kept."""
