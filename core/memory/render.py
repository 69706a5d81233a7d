"""Memory as text: the block a system prompt carries, and facts said back to the person ("you have ...")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.memory.types import MemoryContext, Profile

__all__ = ["as_you", "profile_lines", "render_prompt_block", "render_statements"]

# Third-person verb at the start of a stored fact -> how to say it to the person.
_YOU_VERBS = {
    "is": "are", "has": "have", "was": "were", "prefers": "prefer", "likes": "like", "loves": "love",
    "dislikes": "dislike", "wants": "want", "plans": "plan", "works": "work", "lives": "live", "earns": "earn",
    "owns": "own", "holds": "hold", "needs": "need", "hopes": "hope", "intends": "intend", "expects": "expect",
    "doesn't": "don't", "does": "do", "isn't": "aren't", "hasn't": "haven't", "saves": "save", "invests": "invest",
    "uses": "use", "runs": "run", "worries": "worry", "cares": "care", "enjoys": "enjoy", "pays": "pay",
}
_POSSESSIVE = re.compile(r"^(their|his|her)\b", re.I)


def as_you(fact: str) -> str:
    """'has two children' -> 'You have two children'; 'their risk tolerance is low' -> 'Your risk ...'."""
    text = fact.strip().rstrip(".")
    if _POSSESSIVE.match(text):
        return _POSSESSIVE.sub("Your", text, count=1)
    first, _, rest = text.partition(" ")
    verb = _YOU_VERBS.get(first.lower())
    if verb:
        return f"You {verb} {rest}".strip()
    return f"You told me: {text}"


def as_client(fact: str) -> str:
    """'has two children' -> 'The client has two children'."""
    text = fact.strip().rstrip(".")
    if _POSSESSIVE.match(text):
        return _POSSESSIVE.sub("The client's", text, count=1)
    return f"The client {text}"


def profile_lines(profile: Profile) -> list[str]:
    lines: list[str] = []
    if profile.name:
        lines.append(f"Name: {profile.name}")
    if profile.style:
        how = "asked for" if profile.style_source == "set" else "seems to prefer"
        lines.append(f"Answer style: {profile.style} ({how})")
    if profile.favourite_topics:
        lines.append("Favourite topics: " + ", ".join(profile.favourite_topics))
    if profile.interaction_count:
        lines.append(f"Messages so far: {profile.interaction_count}")
    return lines


def render_prompt_block(context: MemoryContext) -> str:
    parts: list[str] = []
    if context.profile is not None and "profile" in context.tiers:
        parts.append("Client profile:\n" + "\n".join(f"- {line}" for line in profile_lines(context.profile)))
    if context.facts:
        parts.append("What the client has told you before:\n" + "\n".join(f"- {f.text}" for f in context.facts))
    if context.summary:
        parts.append("Summary of this conversation so far:\n" + context.summary)
    return "\n\n".join(parts)


def render_statements(context: MemoryContext) -> list[str]:
    out: list[str] = []
    if context.profile is not None and context.profile.name:
        out.append(f"The client's name is {context.profile.name}. Your name is {context.profile.name}.")
    out.extend(f"{as_client(f.text)}. {as_you(f.text)}." for f in context.facts)
    if context.summary:
        out.append(context.summary)
    return out
