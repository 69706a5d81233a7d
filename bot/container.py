"""The composition root: builds every service from Settings, once per process."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver

from bot.config import Settings
from bot.kb_links import passage_links
from bot.knowledge_sync import KnowledgeSync
from bot.memory_wiring import make_memory
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
from core.compose.llm import LlmComposer
from core.confidence import load_default_model
from core.escalation import BusinessHours, EscalationPolicy, EscalationService, EscalationStore, NotifierRouter
from core.graph import AnswerPolicy, GraphContext, build_graph
from core.grounding import GroundingChecker
from core.llm import make_chat_model
from core.market import DbMarketFeed, KafkaTickConsumer
from core.memory import MemoryService
from core.metrics import DashboardQuery, MetricsReports
from core.metrics.prices import PriceTable
from core.retrieval import DocumentStore, FusionConfig, HybridRetriever, Ingestor, make_embedder, make_vector_index
from core.retrieval.rewrite import QueryRewriter
from core.specialists import SpecialistServices
from core.store import ConversationStore, Database, EventLog, MetricsStore

__all__ = ["Container", "SAMPLE_KNOWLEDGE"]

log = logging.getLogger(__name__)

SAMPLE_KNOWLEDGE = Path(__file__).resolve().parent.parent / "examples" / "knowledge"
SAMPLE_VECTORS = SAMPLE_KNOWLEDGE / ".vectors"
"""Embeddings of the sample knowledge base's chunks, by content hash (so a first start embeds nothing)."""


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
    """Hands conversations to advisors; adapters register their desks on `escalations.router`."""
    slack_app: Any = None
    """The Slack adapter's Bolt AsyncApp when Slack is configured (`slack_app.client` posts into Slack)."""
    specialists: SpecialistServices | None = None
    """Holdings and market data (`specialists.holdings`, `specialists.market`) for the data specialists."""
    market_consumer: KafkaTickConsumer | None = None
    """The Kafka tick consumer when KAFKA_BOOTSTRAP_SERVERS is set (the server starts it)."""
    memory: MemoryService | None = None
    """Profiles, long-term facts, summaries (core.memory); the graph reads it through GraphContext.memory."""
    teams_app: Any = None
    """The Teams adapter (adapters.teams.TeamsApp) when Teams is on (bot.config Settings.teams_enabled)."""
    knowledge: KnowledgeSync | None = None
    """The retriever as the graph sees it: `ensure_fresh()` picks up documents another process ingested."""

    @classmethod
    async def open(cls, settings: Settings) -> Container:
        stack = AsyncExitStack()
        try:
            return await cls._build(settings, stack)
        except BaseException:
            await stack.aclose()
            raise

    @classmethod
    async def _build(cls, settings: Settings, stack: AsyncExitStack) -> Container:
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
        escalations = _escalations(settings, db, conversations)
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
        )
        assert isinstance(specialists.market, DbMarketFeed)
        market_consumer = build_kafka_consumer(settings, specialists.market)
        if market_consumer is not None:
            stack.push_async_callback(market_consumer.stop)
        checkpointer = await _checkpointer(db, stack)
        prometheus = PrometheusMetrics()
        assistant = Assistant(
            graph=build_graph(checkpointer=checkpointer),
            context=context,
            metrics=metrics,
            observers=[prometheus],
            prices=PriceTable.from_settings(settings.prices),
        )
        stack.push_async_callback(assistant.drain)
        teams_app = _teams_app(settings, assistant=assistant, db=db, conversations=conversations)
        if teams_app is not None:  # relays to Teams people; the advisor desk on TEAMS_ADVISOR_CHANNEL
            from adapters.teams import escalation as teams_escalation

            teams_escalation.register(teams_app, escalations, advisor_channel=settings.teams_advisor_channel)
        if teams_app is not None:
            stack.push_async_callback(teams_app.drain)  # runs before assistant.drain (LIFO)
        return cls(
            settings=settings,
            db=db,
            conversations=conversations,
            events=EventLog(db),
            metrics=metrics,
            documents=documents,
            ingestor=Ingestor(documents, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap),
            retriever=retriever,
            assistant=assistant,
            _stack=stack,
            prometheus=prometheus,
            escalations=escalations,
            slack_app=_slack_app(
                settings, assistant=assistant, db=db, conversations=conversations, escalations=escalations
            ),
            specialists=specialists,
            market_consumer=market_consumer,
            memory=context.memory,
            teams_app=teams_app,
            knowledge=knowledge,
        )

    async def ingest_sample_if_empty(self) -> None:
        """First start on the embedded default: index the bundled sample knowledge base."""
        if self.settings.sample_knowledge and await self.documents.count_documents() == 0:
            report = await self.ingestor.ingest_path(SAMPLE_KNOWLEDGE)
            log.info("indexed the sample knowledge base: %d documents", len(report.added))
            await (self.knowledge or self.retriever).refresh()

    async def close(self) -> None:
        await self._stack.aclose()


def _escalations(settings: Settings, db: Database, conversations: ConversationStore) -> EscalationService:
    """Escalation to advisors; the desks and person channels are registered by the adapters when mounted."""
    policy = EscalationPolicy(
        hours=BusinessHours.parse(settings.business_hours),
        remind_after=timedelta(minutes=settings.escalation_remind_min),
        expire_after=timedelta(hours=settings.escalation_expire_hours),
        on_low_confidence=settings.escalate_low_confidence,
        on_no_answer=settings.escalate_no_answer,
    )
    return EscalationService(
        store=EscalationStore(db),
        conversations=conversations,
        router=NotifierRouter(preferred=settings.advisor_desk),
        policy=policy,
    )


def _slack_app(
    settings: Settings,
    *,
    assistant: Assistant,
    db: Database,
    conversations: ConversationStore,
    escalations: EscalationService | None = None,
) -> Any:
    """The Slack adapter's Bolt app, when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set."""
    if settings.slack_bot_token is None or settings.slack_signing_secret is None:
        return None
    from adapters.slack import DEFAULT_PROMPTS, SlackDeps, build_slack_app

    deps = SlackDeps(
        assistant=assistant,
        events=EventLog(db),
        conversations=conversations,
        suggested_prompts=tuple(settings.suggested_prompts) or DEFAULT_PROMPTS,
        ignored_channels=frozenset({settings.slack_advisor_channel} if settings.slack_advisor_channel else ()),
        streaming=settings.slack_streaming,
        stream_buffer_chars=settings.slack_stream_buffer,
        metrics=_metrics_reports(settings, db),
        escalations=escalations,
        advisor_channel=settings.slack_advisor_channel,
    )
    return build_slack_app(
        deps,
        token=settings.slack_bot_token.get_secret_value(),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        base_url=settings.slack_api_base_url,
    )


def _teams_app(settings: Settings, *, assistant: Assistant, db: Database, conversations: ConversationStore) -> Any:
    """The Teams adapter: on with MicrosoftAppId; FINBOT_TEAMS=true runs it anonymously (Emulator-style)."""
    if not settings.teams_enabled:
        return None
    from adapters.teams import TeamsApp, TeamsConfig

    config = TeamsConfig(
        app_id=settings.microsoft_app_id,
        app_password=settings.microsoft_app_password.get_secret_value() if settings.microsoft_app_password else "",
        app_tenant_id=settings.microsoft_app_tenant_id,
        app_type=settings.microsoft_app_type,
        stream_interval_s=settings.teams_stream_interval_s,
        openid_metadata_url=settings.teams_openid_metadata_url,
        token_issuer=settings.teams_token_issuer,
    )
    app = TeamsApp(config, assistant=assistant, conversations=conversations, events=EventLog(db))
    from adapters.teams import metrics_command  # `metrics [period]` for FINBOT_ADMINS

    app.commands.register(metrics_command.COMMAND, metrics_command.metrics_handler(_metrics_reports(settings, db)))
    return app


def _metrics_reports(settings: Settings, db: Database) -> MetricsReports:
    """The admin dashboard behind `/finbot-metrics` (Slack) and `metrics` (Teams)."""
    return MetricsReports(DashboardQuery(db), admins=settings.admins)


def _retriever(settings: Settings, documents: DocumentStore) -> HybridRetriever:
    """Hybrid retrieval; embeddings and vectors come from factories (FINBOT_EMBEDDINGS, FINBOT_VECTOR_BACKEND)."""
    api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    embedder = make_embedder(
        settings.embeddings, api_key=api_key, model=settings.embeddings_model, base_url=settings.openai_base_url
    )
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
    )
    return LlmComposer(model, model_name=settings.chat_model)


async def _checkpointer(db: Database, stack: AsyncExitStack) -> BaseCheckpointSaver:
    """LangGraph's checkpointer on the same database as everything else."""
    if db.is_sqlite:
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        path = db.sqlite_path or ":memory:"
        saver = await stack.enter_async_context(AsyncSqliteSaver.from_conn_string(path))
    else:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        assert db.libpq_url is not None
        saver = await stack.enter_async_context(AsyncPostgresSaver.from_conn_string(db.libpq_url))
    await saver.setup()
    return saver
