"""The turn's state as the answer chain's request (the one place that maps one onto the other)."""

from __future__ import annotations

from core.answering.request import AnswerRequest
from core.compose.draft import DeltaSink
from core.graph.state import TurnState, conversation_key
from core.retrieval.types import Passage

__all__ = ["answer_request", "passages_of"]


def passages_of(state: TurnState, key: str = "passages") -> list[Passage]:
    return [Passage(**p) for p in state.get(key, [])]  # type: ignore[misc]


def answer_request(state: TurnState, on_delta: DeltaSink) -> AnswerRequest:
    message = state["message"]
    return AnswerRequest(
        question=message["text"],
        user_id=message["person"]["id"],
        conversation_key=conversation_key(state),
        intent=state.get("intent") or "question",
        query=state.get("query", ""),
        passages=passages_of(state),
        nearby=passages_of(state, "nearby"),
        history=[(turn["role"], turn["text"]) for turn in state.get("history", [])],
        summary=list(state.get("summary", [])),
        facts=list(state.get("facts", [])),
        memory_prompt=state.get("memory_prompt", ""),
        memory_facts=list(state.get("memory_facts", [])),
        style=state.get("style", ""),
        name=state.get("person_name", ""),
        high_stakes=bool(state.get("high_stakes")),
        advice=bool(state.get("advice")),
        on_delta=on_delta,
    )
