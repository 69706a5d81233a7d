"""Building the memory services from Settings: the context builder's service and the summarize job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.config import Settings
from bot.privacy import pii_redactor
from core.llm import make_chat_model
from core.memory import MemoryService, MemorySettings, SummaryJob, default_counter
from core.memory.extract import LlmFactExtractor, RuleFactExtractor
from core.memory.summarizer import ExtractiveSummarizer, LlmSummarizer, Summarizer
from core.memory.summary_store import SummaryStore
from core.store import ConversationStore, Database

__all__ = ["make_memory", "make_summary_job"]


def _memory_model(settings: Settings) -> Any | None:
    """The chat model for memory's small jobs (fact extraction, summaries) when an LLM is configured."""
    if not settings.llm_enabled or settings.openai_api_key is None:
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


def make_memory(
    settings: Settings, db: Database, conversations: ConversationStore, *, embedder: object | None
) -> MemoryService:
    model = _memory_model(settings)
    return MemoryService(
        db,
        conversations,
        extractor=LlmFactExtractor(model, timeout_s=settings.llm_timeout_s) if model else RuleFactExtractor(),
        embedder=embedder,
        counter=default_counter(),
        settings=MemorySettings(
            recent_turns=settings.recent_turns,
            context_budget=settings.context_token_budget,
            facts_k=settings.memory_facts_k,
        ),
    )


def make_summary_job(settings: Settings, db: Database, *, summarizer: Summarizer | None = None) -> SummaryJob:
    counter = default_counter()
    if summarizer is None:
        model = _memory_model(settings)
        summarizer = LlmSummarizer(model, counter) if model else ExtractiveSummarizer(counter)
    return SummaryJob(
        SummaryStore(db),
        summarizer,
        counter,
        idle=timedelta(minutes=settings.summary_idle_min),
        budget=settings.summary_token_budget,
    )
