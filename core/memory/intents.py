"""Messages about finbot's memory itself: "what do you remember about me?", "forget that I ...",
"what was my name again?", and plain statements about the person ("I'm retiring in 2031.", which finbot
acknowledges and remembers). The supervisor routes these to memory instead of the knowledge base."""

from __future__ import annotations

import re

from core.memory.extract import extract_rules
from core.memory.profiles import find_name, find_style

__all__ = ["MEMORY_INTENTS", "asks_for_name", "forget_target", "is_memory_intent", "is_statement", "memory_intent"]

MEMORY_INTENTS = ("memory_recall", "memory_forget", "memory_question", "memory_note")

# Facts that describe the person (not requests such as "I want to open an account").
_DESCRIPTIVE = ("is ", "has ", "prefers ", "their ", "lives ", "works ", "earns ", "was ", "plans to retire")
_ASKING = re.compile(
    r"\?|^\s*(what|how|when|why|where|who|which|can|could|would|should|will|is|are|do|does|did|show|tell|give|"
    r"list|explain|help|please|send|move|transfer|buy|sell|open|close)\b|\b(can you|could you|please|help me)\b",
    re.I,
)

_FORGET = re.compile(
    r"^\s*(?:(?:hey|ok|okay|finbot)[,!]?\s+)?(?:please\s+|can you\s+|could you\s+|i want you to\s+)?"
    r"forget\s+(?:that\s+|about\s+|the fact that\s+|what i said about\s+)?(?P<what>.+?)[\s.!]*(?:please)?[\s.!]*$",
    re.I,
)
_RECALL = re.compile(
    r"\b(what (?:do|did) you (?:know|remember|recall|have) (?:about|on) me|"
    r"what (?:have you|did you) (?:remember(?:ed)?|stored|saved|learn(?:ed|t)|note[ds]?) about me|"
    r"what (?:info(?:rmation)?|data|facts|details) do you (?:have|keep|store|hold) (?:on|about) me|"
    r"(?:show|list|tell) me (?:what|everything) you (?:know|remember)(?: about me)?|"
    r"what do you remember\??$)",
    re.I,
)
_NAME = re.compile(
    r"(\b(what(?:'?s| is| was)|do you (?:know|remember)|tell me|remind me(?: of)?|did i tell you)\b.{0,25}"
    r"\bmy (?:first |full )?name\b|\bwho am i\b|\bwhat (?:do|did) you call me\b)",
    re.I,
)
_ABOUT_ME = re.compile(
    r"\b(do you remember (?:that |what |when |if |how |my |me\b|i\b)|what did i (?:tell|say to|mention to) you|"
    r"did i (?:tell|mention)|what(?:'?s| is| was) my (?:preferred|favou?rite) |what did i say (?:about|my))",
    re.I,
)


def forget_target(text: str) -> str | None:
    """What the person asks finbot to forget ("I have two children"), or None if they don't."""
    match = _FORGET.match(text)
    if not match or re.match(r"^\s*(don't|do not|never)\b", text, re.I):
        return None
    return match.group("what").strip() or None


def asks_for_name(text: str) -> bool:
    return bool(_NAME.search(text))


def memory_intent(text: str) -> str | None:
    """'memory_forget' | 'memory_recall' | 'memory_question' | 'memory_note' when the message is about what
    finbot remembers, or only tells it something about the person."""
    if forget_target(text):
        return "memory_forget"
    if _RECALL.search(text):
        return "memory_recall"
    if asks_for_name(text) or _ABOUT_ME.search(text):
        return "memory_question"
    if is_statement(text):
        return "memory_note"
    return None


def is_statement(text: str) -> bool:
    """Only telling finbot about themselves (name, style, descriptive facts), asking nothing."""
    if find_style(text) and "?" not in text:
        return True
    if _ASKING.search(text):
        return False
    facts = extract_rules(text)
    if facts and all(f.text.startswith(_DESCRIPTIVE) for f in facts):
        return True
    return not facts and bool(find_name(text) or find_style(text))


def is_memory_intent(intent: str | None) -> bool:
    return intent in MEMORY_INTENTS
