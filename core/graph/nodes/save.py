"""save: keep the question and the answer in the conversation's history."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.nodes.memory import _conversation_key
from core.graph.state import TurnState
from core.memory import is_memory_intent

__all__ = ["save"]


async def save(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    store = runtime.context.conversations
    message = state["message"]
    key = _conversation_key(state)
    memory_turn = is_memory_intent(state.get("intent")) and state.get("intent") != "memory_note"
    # A request to forget is not kept word for word: it repeats what is to be forgotten.
    text = "(asked finbot to forget something)" if state.get("intent") == "memory_forget" else message["text"]
    message_id = await store.add_message(
        key, role="user", text=text, user_id=message["person"]["id"], event_id=message["event_id"]
    )
    await store.add_message(key, role="assistant", text=state.get("draft", ""), turn_id=state["turn_id"])
    if runtime.context.memory is not None:  # profile and long-term facts learn from the turn
        await runtime.context.memory.after_turn(
            user_id=message["person"]["id"], text=message["text"], route=list(state.get("route", [])),
            learn=not memory_turn, message_id=message_id,
        )
    return {}
