"""Memory and personalization: recent window, conversation summaries, long-term facts, profiles.

Tiers, in the order the context builder puts them together (see docs/architecture.md, Memory):
profile (`user_profiles`), long-term facts (`user_facts`, always filtered by the person's id),
the conversation's summary (`conversation_summaries`, written by the scheduled summarize job),
and the recent window (the last N turns from `messages`).
"""

from core.memory.intents import MEMORY_INTENTS, is_memory_intent, memory_intent
from core.memory.service import MemoryService, MemorySettings
from core.memory.summary_job import SummaryJob, SummaryRun
from core.memory.tokens import TokenCounter, default_counter
from core.memory.types import Fact, MemoryContext, Profile

__all__ = [
    "MEMORY_INTENTS",
    "Fact",
    "MemoryContext",
    "MemoryService",
    "MemorySettings",
    "Profile",
    "SummaryJob",
    "SummaryRun",
    "TokenCounter",
    "default_counter",
    "is_memory_intent",
    "memory_intent",
]
