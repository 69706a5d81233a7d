"""load_memory: what finbot remembers of this conversation before it answers (from the turn's snapshot)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.state import TurnState
from core.turn.snapshot import TurnSnapshot

__all__ = ["load_memory"]


async def load_memory(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    ctx = runtime.context
    snapshot = state.snapshot or TurnSnapshot(state.message.person.id, state.conversation_key)
    if ctx.memory is not None:  # the tiers: profile, facts, summary, recent window (core.memory.context)
        memory = await ctx.memory.context_from(snapshot, state.message.text)
        return {
            "history": memory.recent,
            "memory_tiers": memory.tiers,
            "style": memory.profile.style if memory.profile else "",
            "person_name": memory.profile.name if memory.profile else "",
            "memory_prompt": memory.prompt_block(),
            "memory_facts": memory.statements(),
        }
    # Two stored messages per turn (question and answer).
    recent = snapshot.recent[-ctx.policy.recent_turns * 2:] if ctx.policy.recent_turns > 0 else []
    history = [{"role": m.role, "text": m.text} for m in recent]
    return {"history": history, "memory_tiers": ["recent"] if history else []}
