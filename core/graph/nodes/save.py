"""save: keep the question and the answer in the conversation's history."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.nodes.memory import _conversation_key
from core.graph.state import TurnState

__all__ = ["save"]


async def save(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    store = runtime.context.conversations
    message = state["message"]
    key = _conversation_key(state)
    await store.add_message(
        key, role="user", text=message["text"], user_id=message["person"]["id"], event_id=message["event_id"]
    )
    await store.add_message(key, role="assistant", text=state.get("draft", ""), turn_id=state["turn_id"])
    return {}
