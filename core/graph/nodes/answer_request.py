"""The turn's state as the answer chain's request (the one place that maps one onto the other)."""

from __future__ import annotations

from core.answering.request import AnswerRequest
from core.compose.draft import DeltaSink
from core.graph.state import TurnState
from core.retrieval.types import Passage

__all__ = ["answer_request", "passages_of"]


def passages_of(state: TurnState, key: str = "passages") -> list[Passage]:
    return [Passage(**p) for p in getattr(state, key)]


def answer_request(state: TurnState, on_delta: DeltaSink) -> AnswerRequest:
    message = state.message
    return AnswerRequest(
        question=message.text,
        user_id=message.person.id,
        conversation_key=state.conversation_key,
        intent=state.intent or "question",
        query=state.query,
        passages=passages_of(state),
        nearby=passages_of(state, "nearby"),
        history=[(turn["role"], turn["text"]) for turn in state.history],
        summary=list(state.summary),
        facts=list(state.facts),
        memory_prompt=state.memory_prompt,
        memory_facts=list(state.memory_facts),
        style=state.style,
        name=state.person_name,
        high_stakes=bool(state.high_stakes),
        advice=bool(state.advice),
        on_delta=on_delta,
    )
