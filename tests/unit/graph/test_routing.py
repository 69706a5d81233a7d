from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from core.graph.nodes.supervisor import route
from core.graph.routing import after_route
from core.graph.state import TurnState
from core.types import Conversation, IncomingMessage, Person


def _state(text: str, **fields: Any) -> TurnState:
    message = IncomingMessage(event_id="e1", person=Person.of("web", "local", "u"), text=text,
                              conversation=Conversation(platform="web", tenant="local", channel_id="c"))
    return TurnState(turn_id="t1", message=message, **fields)


def _then(text: str, update: dict[str, Any]) -> TurnState:
    return replace(_state(text), **update)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("hello", "greeting"), ("Hi finbot!", "greeting"), ("thanks!", "thanks"), ("help", "help")],
)
async def test_small_talk_skips_retrieval(text: str, intent: str) -> None:
    update = await route(_state(text), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert update["intent"] == intent
    assert after_route(_then(text, update)) == "compose"


@pytest.mark.parametrize("text", ["What are the advisory fees?", "hello, how do I open a Roth IRA?"])
async def test_questions_go_to_the_knowledge_specialist(text: str) -> None:
    update = await route(_state(text), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert update["intent"] == "question" and update["route"] == ["knowledge"]
    assert after_route(_then(text, update)) == "specialists"


@pytest.mark.parametrize("text", ["hello hello", "cool!!", "testing123", "how are you?"])
async def test_chatter_is_small_talk_not_a_search(text: str) -> None:
    update = await route(_state(text), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert update["intent"].startswith("smalltalk_") and update["route"] == []
    assert after_route(_then(text, update)) == "smalltalk"


async def test_an_open_offer_is_accepted_by_yes_and_declined_by_no() -> None:
    offer = {"turn_id": "t0", "reason": "no_answer", "question": "What is the capital of Mongolia?"}
    accepted = await route(_state("yes please", offer=offer), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert accepted["escalate_reason"] == "no_answer" and accepted["accepted_offer"] == offer
    assert after_route(_then("yes please", accepted)) == "escalate"
    declined = await route(_state("no thanks", offer=offer), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert declined["offer"] is None and after_route(_then("no thanks", declined)) == "smalltalk"
    moved_on = await route(_state("What are the advisory fees?", offer=offer),
                           SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert moved_on["offer"] is None and moved_on["route"] == ["knowledge"]
    without = await route(_state("yes"), SimpleNamespace(context=None))  # type: ignore[arg-type]
    assert "escalate_reason" not in without  # "yes" with no offer open is just small talk
