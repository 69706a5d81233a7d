from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.graph.nodes.supervisor import route
from core.graph.routing import after_route
from core.graph.state import fresh_turn


def _state(text: str) -> Any:
    return fresh_turn("t1", {"text": text, "conversation": {}, "person": {"id": "web:local:u"}})


@pytest.mark.parametrize(
    ("text", "intent"),
    [("hello", "greeting"), ("Hi finbot!", "greeting"), ("thanks!", "thanks"), ("help", "help")],
)
async def test_small_talk_skips_retrieval(text: str, intent: str) -> None:
    update = await route(_state(text), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert update["intent"] == intent
    assert after_route({**_state(text), **update}) == "compose"


@pytest.mark.parametrize("text", ["What are the advisory fees?", "hello, how do I open a Roth IRA?"])
async def test_questions_go_to_the_knowledge_specialist(text: str) -> None:
    update = await route(_state(text), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert update["intent"] == "question" and update["route"] == ["knowledge"]
    assert after_route({**_state(text), **update}) == "specialists"
