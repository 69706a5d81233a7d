"""The composition root: builds every service from Settings, once per process."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from bot.config import Settings
from core.assistant import Assistant
from core.compose.llm import LlmComposer
from core.fallback import FallbackChain
from core.graph import AnswerPolicy, GraphContext, build_graph
from core.llm import make_chat_model
from core.retrieval import Bm25Retriever, DocumentStore, Ingestor
from core.store import ConversationStore, Database, EventLog, MetricsStore

__all__ = ["Container", "SAMPLE_KNOWLEDGE"]

log = logging.getLogger(__name__)

SAMPLE_KNOWLEDGE = Path(__file__).resolve().parent.parent / "examples" / "knowledge"


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
    retriever: Bm25Retriever
    assistant: Assistant
    _stack: AsyncExitStack

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
        await db.create_all()
        conversations = ConversationStore(db)
        metrics = MetricsStore(db)
        documents = DocumentStore(db)
        retriever = Bm25Retriever(documents)
        await retriever.refresh()
        chain = FallbackChain(llm=_llm_composer(settings), llm_timeout_s=settings.llm_timeout_s)
        context = GraphContext(
            conversations=conversations,
            retriever=retriever,
            chain=chain,
            policy=AnswerPolicy(
                top_k=settings.top_k,
                recent_turns=settings.recent_turns,
                confidence_threshold=settings.confidence_threshold,
            ),
        )
        checkpointer = await _checkpointer(db, stack)
        assistant = Assistant(graph=build_graph(checkpointer=checkpointer), context=context, metrics=metrics)
        stack.push_async_callback(assistant.drain)
        return cls(
            settings=settings,
            db=db,
            conversations=conversations,
            events=EventLog(db),
            metrics=metrics,
            documents=documents,
            ingestor=Ingestor(documents),
            retriever=retriever,
            assistant=assistant,
            _stack=stack,
        )

    async def ingest_sample_if_empty(self) -> None:
        """First start on the embedded default: index the bundled sample knowledge base."""
        if self.settings.sample_knowledge and await self.documents.count_documents() == 0:
            report = await self.ingestor.ingest_path(SAMPLE_KNOWLEDGE)
            log.info("indexed the sample knowledge base: %d documents", len(report.added))
            await self.retriever.refresh()

    async def close(self) -> None:
        await self._stack.aclose()


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
