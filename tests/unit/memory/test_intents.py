from __future__ import annotations

import pytest

from core.memory.intents import forget_target, memory_intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("What was my name again?", "memory_question"),
        ("Who am I?", "memory_question"),
        ("Do you remember my retirement date?", "memory_question"),
        ("what do you remember about me?", "memory_recall"),
        ("What information do you have about me?", "memory_recall"),
        ("Forget that I have two children", "memory_forget"),
        ("I'm retiring in 2031.", "memory_note"),
        ("Keep it short please", "memory_note"),
        ("Don't forget to remind me", None),
        ("What are the fees?", None),
        ("How is my portfolio doing?", None),
        ("I'd like to open an account", None),
        ("I have two children in college. How should I save for them?", None),
    ],
)
def test_memory_intents(text: str, intent: str | None) -> None:
    assert memory_intent(text) == intent


def test_forget_target() -> None:
    assert forget_target("Please forget that I have two children.") == "I have two children"
    assert forget_target("forget about my retirement date") == "my retirement date"
    assert forget_target("never forget my name") is None
