"""Fixed answers: greetings, help, thanks, and what finbot says when it cannot answer."""

from __future__ import annotations

import re

__all__ = ["CANNOT_ANSWER", "HELP", "template_answer", "template_intent"]

HELP = (
    "I'm finbot, your firm's assistant. I can answer questions from the firm's knowledge base "
    "(accounts, fees, retirement accounts, transfers, security and more) with sources, and put you "
    "in touch with an advisor whenever you'd like. Try: *What are the advisory fees?*"
)
GREETING = "Hello! How can I help you today? Ask me about your accounts, fees, retirement or transfers."
THANKS = "You're welcome! Anything else I can help with?"
CANNOT_ANSWER = (
    "I don't know the answer to that from the firm's knowledge base, and I'd rather not guess. "
    "Would you like me to ask an advisor to help you?"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "greeting",
        re.compile(r"^\s*(hi|hello|hey|good (morning|afternoon|evening)|howdy)\b[\s!.,]*(finbot)?[\s!.]*$", re.I),
    ),
    ("thanks", re.compile(r"^\s*(thanks|thank you|thx|cheers)\b.{0,20}$", re.I)),
    ("help", re.compile(r"^\s*(help|\?|what can you do\??|what do you do\??|who are you\??)\s*$", re.I)),
]
_ANSWERS = {"greeting": GREETING, "thanks": THANKS, "help": HELP}


def template_intent(text: str) -> str | None:
    """'greeting' | 'thanks' | 'help' when the whole message is one of those, else None."""
    for name, pattern in _PATTERNS:
        if pattern.match(text):
            return name
    return None


def template_answer(intent: str, *, name: str = "") -> str:
    """The fixed answer; a greeting uses the person's name when finbot knows it."""
    if intent == "greeting" and name:
        return GREETING.replace("Hello!", f"Hello {name}!", 1)
    return _ANSWERS[intent]
