"""save: keep the question and the answer in the conversation's history."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from core.graph.context import GraphContext
from core.graph.state import TurnState, conversation_key
from core.memory import is_memory_intent
from core.privacy import current_ledger

__all__ = ["save"]


async def save(state: TurnState, runtime: Runtime[GraphContext]) -> dict[str, Any]:
    store = runtime.context.conversations
    message = state["message"]
    key = conversation_key(state)
    memory_turn = is_memory_intent(state.get("intent")) and state.get("intent") != "memory_note"
    # A request to forget and its confirmation are not kept word for word: both repeat what was forgotten.
    forgetting = state.get("intent") == "memory_forget"
    text = "(asked finbot to forget something)" if forgetting else message["text"]
    answer = "(confirmed what it forgot)" if forgetting else state.get("draft", "")
    message_id = await store.add_exchange(
        key, question=text, answer=answer, user_id=message["person"]["id"], event_id=message["event_id"],
        turn_id=state["turn_id"],
    )
    if runtime.context.memory is not None:  # profile and long-term facts learn from the turn
        await runtime.context.memory.after_turn(
            user_id=message["person"]["id"], text=message["text"], route=list(state.get("route", [])),
            learn=not memory_turn, message_id=message_id,
        )
    if runtime.context.audit is not None:  # the record of the answer as delivered, with what produced it
        sent = {**state, **current_ledger().as_state()}  # the text the model calls sent, after redaction
        await runtime.context.audit.append_turn(sent, disclaimer=runtime.context.assessor.disclaimer)
    return {}
