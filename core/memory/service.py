"""MemoryService: the one object the graph uses for memory (build the context, learn after a turn,
answer memory questions)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from core.memory.answers import acknowledge, answer_question, recall_text
from core.memory.context import ContextBuilder
from core.memory.extract import FactExtractor, RuleFactExtractor
from core.memory.forget import Forgetter
from core.memory.intents import forget_target
from core.memory.profiles import update_profile
from core.memory.similarity import FactSimilarity
from core.memory.store import MemoryStore
from core.memory.summary_store import SummaryStore
from core.memory.tokens import TokenCounter, default_counter
from core.memory.types import Fact, MemoryContext, Profile
from core.store.conversations import ConversationStore
from core.store.db import Database
from core.store.models import utcnow

if TYPE_CHECKING:
    from core.turn.snapshot import TurnSnapshot

__all__ = ["MemoryService", "MemorySettings"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MemorySettings:
    recent_turns: int = 5
    context_budget: int = 3000
    facts_k: int = 5
    min_importance: float = 0.3


class MemoryService:
    def __init__(
        self,
        db: Database,
        conversations: ConversationStore,
        *,
        extractor: FactExtractor | None = None,
        embedder: object | None = None,
        counter: TokenCounter | None = None,
        settings: MemorySettings = MemorySettings(),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.counter = counter or default_counter()
        self.store = MemoryStore(db, FactSimilarity(embedder))
        self.summaries = SummaryStore(db)
        self.extractor = extractor or RuleFactExtractor()
        self.settings = settings
        self.builder = ContextBuilder(
            store=self.store,
            summaries=self.summaries,
            conversations=conversations,
            counter=self.counter,
            recent_turns=settings.recent_turns,
            budget=settings.context_budget,
            facts_k=settings.facts_k,
        )
        self._forgetter = Forgetter(db, self.store)
        self._clock = clock

    async def build_context(self, *, user_id: str, conversation_key: str, query: str) -> MemoryContext:
        return await self.builder.build(user_id=user_id, conversation_key=conversation_key, query=query)

    async def context_from(self, snapshot: TurnSnapshot, query: str) -> MemoryContext:
        """The context from the turn's snapshot (core.turn): no database read; the facts ranked for `query`."""
        facts = await self.store.rank_facts(snapshot.fact_rows, query, self.settings.facts_k)
        return self.builder.assemble(
            profile=snapshot.profile, facts=facts, summary=snapshot.summary, messages=snapshot.recent
        )

    def updated_profile(self, profile: Profile | None, *, user_id: str, text: str, route: list[str]) -> Profile:
        """The profile after this message (written with the turn, core.turn.TurnStore.close)."""
        return update_profile(profile or Profile(user_id=user_id), text, route=route, now=self._clock())

    async def learn(self, *, user_id: str, text: str, message_id: int | None = None) -> None:
        """Keep the facts the message states: after the reply is delivered (the extractor may call a model)."""
        candidates = [c for c in await self.extractor.extract(text) if c.importance >= self.settings.min_importance]
        if candidates:
            await self.store.remember(user_id, candidates, source_message_id=message_id, now=self._clock())

    async def after_turn(
        self, *, user_id: str, text: str, route: list[str], learn: bool = True, message_id: int | None = None
    ) -> None:
        """Update the profile from the message and keep the facts it states (`learn=False`: profile only)."""
        now = self._clock()
        profile = await self.store.get_profile(user_id) or Profile(user_id=user_id)
        await self.store.save_profile(update_profile(profile, text, route=route, now=now))
        if not learn:
            return
        candidates = [c for c in await self.extractor.extract(text) if c.importance >= self.settings.min_importance]
        if candidates:
            await self.store.remember(user_id, candidates, source_message_id=message_id, now=now)

    async def recall(self, user_id: str) -> str:
        return recall_text(await self.store.get_profile(user_id), await self.store.facts(user_id))

    async def forget(self, user_id: str, text: str) -> str:
        return await self._forgetter.forget(user_id, forget_target(text) or text)

    async def shown(self, user_id: str) -> tuple[Profile | None, list[Fact]]:
        """What finbot keeps about the person, as they may see it (Slack's Home tab)."""
        return await self.store.get_profile(user_id), await self.store.facts(user_id)

    async def forget_fact(self, user_id: str, fact_id: int) -> Fact | None:
        """Forget one of the person's facts by id (a Forget button), scrubbed from their messages too;
        None when it is not theirs or already gone."""
        fact = next((f for f in await self.store.facts(user_id) if f.id == fact_id), None)
        if fact is not None:
            await self._forgetter.delete(user_id, [fact])
        return fact

    def acknowledge(self, text: str) -> str:
        return acknowledge(text)

    def answer_question(self, question: str, context: MemoryContext) -> str:
        return answer_question(question, context)
