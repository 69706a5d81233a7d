"""Answers from memory, without the knowledge base: what finbot remembers, and questions about the person."""

from __future__ import annotations

from core.memory.extract import extract_rules
from core.memory.intents import asks_for_name
from core.memory.profiles import find_name, find_style
from core.memory.render import as_you
from core.memory.types import Fact, MemoryContext, Profile

__all__ = ["NOTHING_REMEMBERED", "acknowledge", "answer_question", "recall_text"]

NOTHING_REMEMBERED = (
    "I don't remember anything about you yet. If you tell me things like your name, your goals or how "
    "you like your answers, I'll keep them in mind."
)
_HOW_TO_FORGET = "_Say “forget that ...” and I'll delete any of these._"
MIN_FACT_SCORE = 0.34


def recall_text(profile: Profile | None, facts: list[Fact]) -> str:
    """Everything finbot keeps about the person, in their words ('You have two children')."""
    lines: list[str] = []
    if profile is not None:
        if profile.name:
            lines.append(f"Your name is {profile.name}.")
        if profile.style:
            lines.append(f"You prefer {profile.style} answers.")
        if profile.favourite_topics:
            lines.append("You often ask about " + ", ".join(profile.favourite_topics) + ".")
    lines += [as_you(f.text) + "." for f in facts]
    if not lines:
        return NOTHING_REMEMBERED
    return "Here's what I remember about you:\n" + "\n".join(f"- {line}" for line in lines) + "\n\n" + _HOW_TO_FORGET


def answer_question(question: str, context: MemoryContext) -> str:
    """'What was my name again?' -> 'Your name is Alice.'; other questions about the person from their facts."""
    profile = context.profile
    if asks_for_name(question):
        if profile is not None and profile.name:
            return f"Your name is {profile.name}."
        return "You haven't told me your name yet. What should I call you?"
    relevant = [f for f in context.facts if f.score >= MIN_FACT_SCORE]
    if relevant:
        return "From what you've told me: " + " ".join(as_you(f.text) + "." for f in relevant[:3])
    return "I don't remember you telling me that. Say “what do you remember about me?” to see what I keep."


def acknowledge(text: str) -> str:
    """The reply to a message that only tells finbot about the person: what it will remember."""
    parts: list[str] = []
    name = find_name(text)
    if name:
        parts.append(f"Nice to meet you, {name}!")
    style = find_style(text)
    if style:
        parts.append("Got it: I'll keep my answers " + ("short." if style == "brief" else "detailed."))
    facts = [as_you(f.text) for f in extract_rules(text)]
    if facts:
        said = "; ".join(f[:1].lower() + f[1:] for f in facts)
        parts.append(f"I'll remember that {said}.")
    parts.append("What can I help you with?" if name or facts else "")
    return " ".join(p for p in parts if p) or "Noted."
