"""The composition root: builds every service from Settings, once per process."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from adapters.base import Surface, SurfaceBuilder, SurfaceServices
from adapters.slack import surface as slack_surface
from adapters.teams import surface as teams_surface
from bot.config import Settings
from bot.data_keys import build_web_surface
from bot.kb_links import passage_links
from bot.knowledge_sync import KnowledgeSync
from bot.memory_wiring import make_memory
from bot.privacy import pii_redactor
from bot.prometheus import PrometheusMetrics
from bot.specialists import (
    build_jury,
    build_kafka_consumer,
    build_specialist_services,
    build_supervisor,
    load_sample_portfolio_if_empty,
)
from core.answering import AnswerChain, Assessor
from core.assistant import Assistant
from core.audit import AuditTrail
from core.audit.changes import record_configuration, record_knowledge
from core.audit.review import ReviewPolicy, ReviewQueue
from core.audit.versions import template_version
from core.compose.llm import LlmComposer
from core.confidence import load_default_model
from core.escalation import (
    BusinessHours,
    EscalationPolicy,
    EscalationService,
    EscalationStore,
    Holidays,
    NotifierRouter,
)
from core.graph import AnswerPolicy, GraphContext, build_graph
from core.grounding import GroundingChecker
from core.llm import make_chat_model
from core.market import DbMarketFeed, KafkaTickConsumer
from core.memory import MemoryService
from core.metrics import DashboardQuery, MetricsReports
from core.metrics.prices import PriceTable
from core.retrieval import DocumentStore, FusionConfig, HybridRetriever, Ingestor, make_embedder, make_vector_index
from core.retrieval.query_cache import QueryCache
from core.retrieval.rewrite import QueryRewriter
from core.specialists import SpecialistServices
from core.store import ConversationStore, Database, EventLog, Inbox, MetricsStore
from core.store.installations import InstallationStore
from core.store.models import utcnow

__all__ = ["Container", "SAMPLE_KNOWLEDGE", "SURFACES"]

log = logging.getLogger(__name__)

SAMPLE_KNOWLEDGE = Path(__file__).resolve().parent.parent / "examples" / "knowledge"
SAMPLE_VECTORS = SAMPLE_KNOWLEDGE / ".vectors"
"""Embeddings of the sample knowledge base's chunks, by content hash (so a first start embeds nothing)."""

SURFACES: tuple[SurfaceBuilder, ...] = (
    slack_surface.build,
    teams_surface.build,
    build_web_surface,
)
"""Where finbot lives (adapters.base): each builder returns its Surface when configured. A new platform is one
package with `build(services, settings)` and one line here. (`finbot chat` opens the terminal surface instead.)"""


@dataclass(slots=True)
class Container:
    """Every long-lived service of one finbot process. Use `async with Container.open(settings)`."""

    settings: Settings
    db: Database
    conversations: ConversationStore
    events: EventLog
    metrics: MetricsStore
    documents: DocumentStore
    ingestor: Ingestor
    retriever: HybridRetriever
    assistant: Assistant
    _stack: AsyncExitStack
    prometheus: PrometheusMetrics | None = None
    """Counters and histograms behind GET /metrics (a registry per container)."""
    escalations: EscalationService | None = None
    """Hands conversations to advisors; each surface's desk and person channel are on `escalations.router`."""
    surfaces: list[Surface] = field(default_factory=list)
    """The configured surfaces (SURFACES): the server mounts and starts them, `close` stops them."""
    inbox: Inbox | None = None
    """The durable inbox: accepted messages until their reply is delivered (bot/inbox_sweep.py re-runs them)."""
    specialists: SpecialistServices | None = None
    """Holdings and market data (`specialists.holdings`, `specialists.market`) for the data specialists."""
    market_consumer: KafkaTickConsumer | None = None
    """The Kafka tick consumer when KAFKA_BOOTSTRAP_SERVERS is set (the server starts it)."""
    memory: MemoryService | None = None
    """Profiles, long-term facts, summaries (core.memory); the graph reads it through GraphContext.memory."""
    audit: AuditTrail | None = None
    """The books-and-records trail (core.audit); None when FINBOT_AUDIT=false."""
    review: ReviewQueue | None = None
    """The supervision queue over the trail (core.audit.review)."""
    knowledge: KnowledgeSync | None = None
    """The retriever as the graph sees it: `ensure_fresh()` picks up documents another process ingested."""

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        surfaces: Sequence[SurfaceBuilder] = SURFACES,
        clock: Callable[[], datetime] = utcnow,
    ) -> Container:
        """`surfaces`: the builders to try (SURFACES); `clock`: what escalations read the time from (tests)."""
        stack = AsyncExitStack()
        try:
            return await cls._build(settings, stack, surfaces, clock)
        except BaseException:
            await stack.aclose()
            raise

    def surface(self, name: str) -> Surface | None:
        return next((s for s in self.surfaces if s.name == name), None)

    @property
    def slack_app(self) -> Any:
        """The Slack surface's Bolt AsyncApp when Slack is configured (`slack_app.client` posts into Slack)."""
        return getattr(self.surface("slack"), "app", None)

    @property
    def teams_app(self) -> Any:
        """The Teams surface's adapters.teams.TeamsApp when Teams is on."""
        return getattr(self.surface("teams"), "app", None)

    @classmethod
    async def _build(
        cls,
        settings: Settings,
        stack: AsyncExitStack,
        builders: Sequence[SurfaceBuilder],
        clock: Callable[[], datetime],
    ) -> Container:
        db = Database(settings.resolved_database_url)
        stack.push_async_callback(db.dispose)
        await db.upgrade_schema()
        conversations = ConversationStore(db)
        metrics = MetricsStore(db)
        documents = DocumentStore(db, passage_link=passage_links(settings).href)  # citations -> /kb pages
        retriever = _retriever(settings, documents)
        stack.push_async_callback(retriever.close)
        knowledge = await KnowledgeSync.open(documents, retriever)  # refreshes whenever the documents change
        helper_llm = _helper_model(settings)
        memory = make_memory(settings, db, conversations, embedder=retriever.embedder)
        chain = AnswerChain.build(
            llm=_llm_composer(settings),
            jury=build_jury(settings),
            memory=memory,
            llm_timeout_s=settings.llm_timeout_s,
            offline_timeout_s=settings.extractive_timeout_s,
        )
        specialists = build_specialist_services(settings, db)
        await load_sample_portfolio_if_empty(settings, specialists)
        audit = _audit(settings, db, clock)
        escalations = _escalations(settings, db, conversations, clock, audit)
        policy = AnswerPolicy(top_k=settings.top_k, recent_turns=settings.recent_turns)
        context = GraphContext(
            conversations=conversations,
            retriever=knowledge,
            chain=chain,
            assessor=Assessor(
                model=load_default_model(),
                threshold=settings.confidence_threshold,
                top_k=settings.top_k,
                disclaimer=settings.disclaimer,
                no_recommendation=settings.no_recommendation,
                grounder=GroundingChecker.with_embedder(
                    retriever.embedder, judge=helper_llm if settings.grounding_judge else None
                ),
            ),
            policy=policy,
            rewriter=None
            if settings.query_rewrite == "off"
            else QueryRewriter(helper_llm if settings.query_rewrite == "llm" else None),
            escalations=escalations,
            supervisor=build_supervisor(settings, retriever.embedder),
            specialists=specialists,
            memory=memory,
            audit=audit,
        )
        if audit is not None:  # the change log: what shapes answers, now and whenever documents change
            await record_configuration(audit, _answer_settings(settings))
            await record_knowledge(audit)
            knowledge.on_refresh = lambda: _documents_changed(audit)
        assert isinstance(specialists.market, DbMarketFeed)
        market_consumer = build_kafka_consumer(settings, specialists.market)
        if market_consumer is not None:
            stack.push_async_callback(market_consumer.stop)
        prometheus = PrometheusMetrics()
        assistant = Assistant(
            graph=build_graph(),
            context=context,
            metrics=metrics,
            observers=[prometheus],
            prices=PriceTable.from_settings(settings.prices),
        )
        stack.push_async_callback(assistant.drain)
        events = EventLog(db)
        inbox = Inbox(
            db, lease_s=settings.inbox_lease_s, max_attempts=settings.inbox_max_attempts,
            batch_window_s=settings.ack_batch_ms / 1000, batch_max=settings.ack_batch_max,
        )
        services = SurfaceServices(
            assistant=assistant,
            conversations=conversations,
            events=events,
            inbox=inbox,
            escalations=escalations,
            metrics=_metrics_reports(settings, db),
            memory=memory,
            installations=InstallationStore(db),
            review=ReviewQueue(audit, reviewers=frozenset(settings.reviewers)) if audit is not None else None,
        )
        surfaces = _surfaces(builders, services, settings, escalations, stack)
        return cls(
            settings=settings,
            db=db,
            conversations=conversations,
            events=events,
            metrics=metrics,
            documents=documents,
            ingestor=Ingestor(documents, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap,
                              flagged=settings.ingest_flagged),
            retriever=retriever,
            assistant=assistant,
            _stack=stack,
            prometheus=prometheus,
            escalations=escalations,
            surfaces=surfaces,
            inbox=inbox,
            specialists=specialists,
            market_consumer=market_consumer,
            memory=context.memory,
            knowledge=knowledge,
            audit=audit,
            review=services.review,
        )

    async def ingest_sample_if_empty(self) -> None:
        """First start on the embedded default: index the bundled sample knowledge base."""
        if self.settings.sample_knowledge and await self.documents.count_documents() == 0:
            report = await self.ingestor.ingest_path(SAMPLE_KNOWLEDGE)
            log.info("indexed the sample knowledge base: %d documents", len(report.added))
            await (self.knowledge or self.retriever).refresh()

    async def close(self) -> None:
        await self._stack.aclose()


def _escalations(
    settings: Settings, db: Database, conversations: ConversationStore, clock: Callable[[], datetime],
    audit: AuditTrail | None = None,
) -> EscalationService:
    """Escalation to advisors; each surface's desk and person channel are added by `_surfaces`."""
    policy = EscalationPolicy(
        hours=BusinessHours.parse(
            settings.business_hours, holidays=Holidays.parse(settings.holiday_calendar, settings.holidays)
        ),
        remind_after=timedelta(minutes=settings.escalation_remind_min),
        expire_after=timedelta(hours=settings.escalation_expire_hours),
        on_low_confidence=settings.escalate_low_confidence,
        on_no_answer=settings.escalate_no_answer,
        handover_topics=frozenset(settings.handover_topics),
        high_stakes_topics=tuple(settings.high_stakes_topics),
        contact_line=settings.contact_line,
    )
    return EscalationService(
        store=EscalationStore(db),
        conversations=conversations,
        router=NotifierRouter(preferred=settings.advisor_desk),
        policy=policy,
        clock=clock,
        audit=audit,
    )


async def _documents_changed(audit: AuditTrail) -> None:
    audit.forget_versions()
    await record_knowledge(audit)


def _answer_settings(settings: Settings) -> dict[str, Any]:
    """The settings an answer depends on, for the audit trail's change log."""
    return {
        "model": settings.chat_model if settings.llm_enabled else "offline", "template_version": template_version(),
        "confidence_threshold": settings.confidence_threshold, "top_k": settings.top_k, "router": settings.router,
        "jury": settings.jury, "query_rewrite": settings.query_rewrite, "grounding_judge": settings.grounding_judge,
        "disclaimer": settings.disclaimer, "no_recommendation": settings.no_recommendation,
        "pii_entities": list(settings.pii_entities), "embeddings": settings.embeddings,
    }


def _audit(settings: Settings, db: Database, clock: Callable[[], datetime]) -> AuditTrail | None:
    """The books-and-records trail (core.audit), signed with FINBOT_AUDIT_KEY when set."""
    if not settings.audit_enabled:
        return None
    key = settings.audit_key.get_secret_value().encode() if settings.audit_key else b""
    return AuditTrail(db, signing_key=key, clock=clock, review=ReviewPolicy(sample=settings.review_sample))


def _surfaces(
    builders: Sequence[SurfaceBuilder],
    services: SurfaceServices,
    settings: Settings,
    escalations: EscalationService,
    stack: AsyncExitStack,
) -> list[Surface]:
    """Build the configured surfaces; their advisor desks and person channels go on the escalation router."""
    surfaces: list[Surface] = []
    for build in builders:
        surface = build(services, settings)
        if surface is None:
            continue
        surfaces.append(surface)
        stack.push_async_callback(surface.stop)  # before assistant.drain (LIFO): turns in flight finish first
        if surface.desk is not None:
            escalations.router.add_desk(surface.desk)
        if surface.person_channel is not None:
            escalations.router.add_person_channel(surface.person_channel)
    return surfaces


def _metrics_reports(settings: Settings, db: Database) -> MetricsReports:
    """The admin dashboard behind `/finbot-metrics` (Slack) and `metrics` (Teams)."""
    return MetricsReports(DashboardQuery(db), admins=settings.admins)


def _retriever(settings: Settings, documents: DocumentStore) -> HybridRetriever:
    """Hybrid retrieval; embeddings and vectors come from factories (FINBOT_EMBEDDINGS, FINBOT_VECTOR_BACKEND)."""
    api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    embedder = QueryCache(make_embedder(
        settings.embeddings, api_key=api_key, model=settings.embeddings_model, base_url=settings.openai_base_url,
        threads=settings.onnx_threads, spinning=settings.onnx_spinning, memory_arena=settings.onnx_memory_arena,
    ))  # each question embedded once per turn: the router, retrieval and memory share its vector
    pg_url = settings.pgvector_url or (
        settings.database_url if settings.database_url and settings.database_url.startswith("postgres") else None
    )
    vectors = None
    if settings.vector_backend != "local":
        vectors = make_vector_index(
            settings.vector_backend,
            dim=embedder.dim,
            pinecone_api_key=settings.pinecone_api_key.get_secret_value() if settings.pinecone_api_key else None,
            pinecone_host=settings.pinecone_host,
            pinecone_index=settings.pinecone_index,
            pg_conninfo=pg_url.replace("+asyncpg", "").replace("+psycopg", "") if pg_url else None,
        )
    return HybridRetriever(
        documents,
        embedder,
        vectors=vectors,
        data_dir=settings.data_dir,
        fusion=FusionConfig.named(settings.fusion),
        backend_name=settings.vector_backend,
        seed_embeddings=(SAMPLE_VECTORS,),
        precision=settings.vector_precision,
    )


def _helper_model(settings: Settings) -> BaseChatModel | None:
    """The chat model for small jobs (grounding judge, query rewrite), when they are switched on."""
    if not settings.llm_enabled or settings.openai_api_key is None:
        return None
    if not settings.grounding_judge and settings.query_rewrite != "llm":
        return None
    return make_chat_model(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.chat_model,
        base_url=settings.openai_base_url,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        redactor=pii_redactor(settings),
        temperature=0.0,
    )


def _llm_composer(settings: Settings) -> LlmComposer | None:
    if not settings.llm_enabled or settings.openai_api_key is None:
        return None
    model = make_chat_model(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.chat_model,
        base_url=settings.openai_base_url,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        redactor=pii_redactor(settings),
    )
    return LlmComposer(model, model_name=settings.chat_model)
