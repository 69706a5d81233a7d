"""The context builder on a real SQLite file: tier order, the budget, and facts filtered by person."""

from __future__ import annotations

from pathlib import Path

from core.memory import MemoryService, MemorySettings
from core.memory.types import CandidateFact, Profile
from core.store import ConversationStore, Database
from core.store.models import ConversationSummaryRow
from core.types import Conversation, Person


async def _setup(tmp_path: Path, budget: int) -> tuple[Database, MemoryService, str]:
    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    await db.upgrade_schema()
    conversations = ConversationStore(db)
    memory = MemoryService(db, conversations, settings=MemorySettings(recent_turns=3, context_budget=budget))
    conversation = Conversation(platform="web", tenant="local", channel_id="c")
    await conversations.touch(Person.of("web", "local", "ann"), conversation)
    for i in range(5):
        await conversations.add_message(conversation.key, role="user", text=f"question {i} " * 10, user_id="x")
        await conversations.add_message(conversation.key, role="assistant", text=f"answer {i} " * 10)
    async with db.session() as session:
        session.add(ConversationSummaryRow(conversation_key=conversation.key, text="- Client: asked about fees"))
    await memory.store.save_profile(Profile(user_id="ann", name="Ann", topics={"fees": 2}))
    await memory.store.remember("ann", [CandidateFact("prefers bonds", 0.7), CandidateFact("has a dog", 0.5)])
    await memory.store.remember("ben", [CandidateFact("prefers crypto", 0.9)])
    return db, memory, conversation.key


async def test_tiers_in_order_with_facts_of_this_person_only(tmp_path: Path) -> None:
    db, memory, key = await _setup(tmp_path, budget=3000)
    try:
        context = await memory.build_context(user_id="ann", conversation_key=key, query="bonds")
    finally:
        await db.dispose()
    assert context.tiers == ["profile", "facts", "summary", "recent"]
    assert [f.text for f in context.facts] == ["prefers bonds", "has a dog"]
    assert len(context.recent) == 6 and context.recent[-1]["text"].startswith("answer 4")
    block = context.prompt_block()
    assert block.index("Name: Ann") < block.index("prefers bonds") < block.index("asked about fees")
    assert "crypto" not in block


async def test_a_small_budget_drops_the_last_tiers_first(tmp_path: Path) -> None:
    db, memory, key = await _setup(tmp_path, budget=40)
    try:
        context = await memory.build_context(user_id="ann", conversation_key=key, query="bonds")
    finally:
        await db.dispose()
    assert context.tiers[:2] == ["profile", "facts"] and context.tokens <= 40
    assert len(context.recent) < 6


async def test_duplicates_refresh_and_slots_replace(tmp_path: Path) -> None:
    db, memory, _key = await _setup(tmp_path, budget=3000)
    try:
        await memory.store.remember("ann", [CandidateFact("Prefers bonds.", 0.9)])
        await memory.store.remember("ann", [CandidateFact("is retiring in 2031", 0.8, "retirement")])
        await memory.store.remember("ann", [CandidateFact("is retiring in 2033", 0.8, "retirement")])
        facts = {f.text: f.importance for f in await memory.store.facts("ann")}
    finally:
        await db.dispose()
    assert facts == {"prefers bonds": 0.9, "has a dog": 0.5, "is retiring in 2033": 0.8}
