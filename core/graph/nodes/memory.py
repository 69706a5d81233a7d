"""load_memory: what finbot remembers of this conversation before it answers."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.state import TurnState, conversation_key

__all__ = ["load_memory"]


async def load_memory(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    key = conversation_key(state)
    if ctx.memory is not None:  # the tiers: profile, facts, summary, recent window (core.memory.context)
        memory = await ctx.memory.build_context(
            user_id=state["message"]["person"]["id"], conversation_key=key, query=state["message"]["text"]
        )
        return {
            "history": memory.recent,
            "memory_tiers": memory.tiers,
            "style": memory.profile.style if memory.profile else "",
            "person_name": memory.profile.name if memory.profile else "",
            "memory_prompt": memory.prompt_block(),
            "memory_facts": memory.statements(),
        }
    # Two stored messages per turn (question and answer).
    recent = await ctx.conversations.recent_messages(key, ctx.policy.recent_turns * 2)
    history = [{"role": m.role, "text": m.text} for m in recent]
    return {"history": history, "memory_tiers": ["recent"] if history else []}

