"""The context builder: profile, long-term facts, summary, recent turns, in that order, within one budget.

Earlier tiers are small and say the most per token, so they are taken first; the recent window
gets what is left (its newest turns first). Which tiers made it in is recorded for the turn's metrics.
"""

from __future__ import annotations

from core.memory.render import profile_lines
from core.memory.store import MemoryStore
from core.memory.summary_store import SummaryStore
from core.memory.tokens import TokenCounter, fit_to_budget
from core.memory.types import Fact, MemoryContext, Profile
from core.store.conversations import ConversationStore, StoredMessage

__all__ = ["ContextBuilder"]


class ContextBuilder:
    def __init__(
        self,
        *,
        store: MemoryStore,
        summaries: SummaryStore,
        conversations: ConversationStore,
        counter: TokenCounter,
        recent_turns: int = 5,
        budget: int = 3000,
        facts_k: int = 5,
    ) -> None:
        self._store = store
        self._summaries = summaries
        self._conversations = conversations
        self._counter = counter
        self.recent_turns = recent_turns
        self.budget = budget
        self.facts_k = facts_k

    async def build(self, *, user_id: str, conversation_key: str, query: str) -> MemoryContext:
        """What finbot remembers for this person in this conversation; facts only ever of `user_id`."""
        return self.assemble(
            profile=await self._store.get_profile(user_id),
            facts=await self._store.search_facts(user_id, query, self.facts_k),
            summary=await self._summaries.summary(conversation_key),
            messages=await self._conversations.recent_messages(conversation_key, self.recent_turns * 2),
        )

    def assemble(
        self, *, profile: Profile | None, facts: list[Fact], summary: str, messages: list[StoredMessage]
    ) -> MemoryContext:
        """The tiers, in order, within the budget, from what was read (by `build`, or the turn's snapshot)."""
        count = self._counter.count
        context = MemoryContext()
        left = self.budget

        if profile is not None and not profile.is_empty():
            cost = count("\n".join(profile_lines(profile)))
            if cost <= left:
                context.profile, left = profile, left - cost
                context.tiers.append("profile")

        for fact in facts:
            cost = count(fact.text) + 1
            if cost > left:
                break
            context.facts.append(fact)
            left -= cost
        if context.facts:
            context.tiers.append("facts")

        if summary and left > 0:
            kept = fit_to_budget(summary.splitlines(), left, self._counter)
            if kept:
                context.summary = "\n".join(kept)
                left -= count(context.summary)
                context.tiers.append("summary")

        # Two stored messages per turn (question and answer), newest kept first.
        recent: list[dict[str, str]] = []
        for message in reversed(messages):
            cost = count(message.text) + 2
            if cost > left:
                break
            recent.append({"role": message.role, "text": message.text})
            left -= cost
        context.recent = list(reversed(recent))
        if context.recent:
            context.tiers.append("recent")
        context.tokens = self.budget - left
        return context
