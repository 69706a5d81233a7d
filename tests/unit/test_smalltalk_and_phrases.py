"""Small talk and what people say about a hand-over (pure)."""

from __future__ import annotations

import pytest

from core.escalation import ACCEPT_OFFER, accepts_offer, cancels_handover, declines_offer
from core.smalltalk import smalltalk_answer, smalltalk_intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hello hello", "smalltalk_greeting"),
        ("Hello?", "smalltalk_greeting"),
        ("anyone there?", "smalltalk_greeting"),
        ("cool!!", "smalltalk_ack"),
        ("ok thanks", "smalltalk_ack"),
        ("testing123", "smalltalk_test"),
        ("how are you doing today?", "smalltalk_how_are_you"),
        ("bye", "smalltalk_bye"),
        ("good bot", "smalltalk_praise"),
    ],
)
def test_chatter_is_small_talk(text: str, intent: str) -> None:
    assert smalltalk_intent(text) == intent


@pytest.mark.parametrize(
    "text", ["hello, what are the fees?", "cool, and how do I open a Roth IRA?", "test my knowledge of IRAs", ""]
)
def test_a_message_that_says_something_is_not_small_talk(text: str) -> None:
    assert smalltalk_intent(text) is None


def test_small_talk_uses_the_name_when_known() -> None:
    assert smalltalk_answer("smalltalk_greeting", name="Alice").startswith("Hello Alice!")
    assert "Alice" not in smalltalk_answer("smalltalk_ack")


@pytest.mark.parametrize("text", ["yes", "Yes please!", "sure", "ok", "go ahead", ACCEPT_OFFER])
def test_yes_accepts_an_offer(text: str) -> None:
    assert accepts_offer(text) and not declines_offer(text)


@pytest.mark.parametrize("text", ["no", "no thanks", "not now", "I'm good"])
def test_no_declines_an_offer(text: str) -> None:
    assert declines_offer(text) and not accepts_offer(text)


@pytest.mark.parametrize("text", ["yes, and what are the fees?", "how do I say yes to a transfer?"])
def test_a_question_is_neither(text: str) -> None:
    assert not accepts_offer(text) and not declines_offer(text)


@pytest.mark.parametrize("text", ["cancel", "Cancel the request please", "back to the bot", "never mind"])
def test_cancel_releases_a_hand_over(text: str) -> None:
    assert cancels_handover(text)


def test_ordinary_messages_do_not_cancel() -> None:
    assert not cancels_handover("Can I cancel a wire transfer?") and not cancels_handover("hello?")
