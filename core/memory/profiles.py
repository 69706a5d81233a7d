"""Profiles, updated after each turn by pure functions: name, answer style, favourite topics, activity."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from core.memory.types import Profile

__all__ = ["TOPICS", "find_name", "find_style", "topics_of", "update_profile"]

# A name: one word (any case after "my name is"), and a second word only when it is capitalised.
_NAME_WORD = r"([A-Za-z][a-z'\-]{0,40}(?: [A-Z][a-z'\-]{0,40})?)"
_NAME_PATTERNS = (
    re.compile(r"(?i:\bmy name(?:'s| is))\s+" + _NAME_WORD),
    re.compile(r"(?i:\b(?:please\s+)?call me)\s+" + _NAME_WORD),
    re.compile(r"^\s*(?i:(?:(?:hi|hello|hey)[,!.]?\s+)?(?:i'm|i am|this is))\s+([A-Z][a-z'\-]{0,40})\s*(?:[,.!]|$)"),
)
_NOT_NAMES = frozenset(
    "a an the not just so very really interested retiring planning looking trying here back fine good ok okay "
    "sorry new happy glad thinking wondering curious worried sure married single retired".split()
)
_BRIEF = re.compile(
    r"\b(keep (it|them|answers?) (short|brief)|be (brief|short|concise)|short(er)? answers?|"
    r"brief(er)? answers?|just the (short|quick) (answer|version)|tl;?dr|less detail)\b",
    re.I,
)
_DETAILED = re.compile(
    r"\b(more details?|in (more )?detail|be (more )?detailed|detailed answers?|long(er)? answers?|"
    r"explain (it )?(fully|thoroughly)|elaborate|go deeper)\b",
    re.I,
)

TOPICS: dict[str, re.Pattern[str]] = {
    "retirement": re.compile(r"\b(retire\w*|401\(?k\)?|ira|pension|rmd)\b", re.I),
    "mutual funds": re.compile(r"\b(mutual funds?|index funds?|etfs?)\b", re.I),
    "stocks": re.compile(r"\b(stocks?|shares|equit(y|ies))\b", re.I),
    "bonds": re.compile(r"\b(bonds?|treasur(y|ies)|fixed income)\b", re.I),
    "fees": re.compile(r"\b(fees?|costs?|charges?|pricing)\b", re.I),
    "transfers": re.compile(r"\b(wires?|transfers?|ach|deposits?|withdraw\w*)\b", re.I),
    "taxes": re.compile(r"\b(tax\w*|capital gains?)\b", re.I),
    "education savings": re.compile(r"\b(529|college|tuition)\b", re.I),
    "portfolio": re.compile(r"\b(portfolio|holdings?|allocation|rebalanc\w*)\b", re.I),
    "market": re.compile(r"\b(market|quotes?|prices?)\b", re.I),
    "risk": re.compile(r"\b(risk|volatil\w*|drawdown)\b", re.I),
    "security": re.compile(r"\b(security|password|fraud|2fa|two-factor)\b", re.I),
}
_ROUTE_TOPICS = {"portfolio": "portfolio", "market": "market", "risk": "risk"}


def find_name(text: str) -> str | None:
    """The name a person gives ("my name is Alice", "call me Al", "Hi, I'm Alice."), else None."""
    for pattern in _NAME_PATTERNS:
        match = pattern.search(text)
        if match:
            name = match.group(1).strip()
            if name.split()[0].lower() not in _NOT_NAMES:
                return " ".join(part[:1].upper() + part[1:] for part in name.split())
    return None


def find_style(text: str) -> str | None:
    """'brief' or 'detailed' when the person asks for it in this message."""
    if _BRIEF.search(text):
        return "brief"
    if _DETAILED.search(text):
        return "detailed"
    return None


def topics_of(text: str, route: list[str] | None = None) -> list[str]:
    found = [name for name, pattern in TOPICS.items() if pattern.search(text)]
    found += [_ROUTE_TOPICS[r] for r in route or [] if r in _ROUTE_TOPICS and _ROUTE_TOPICS[r] not in found]
    return found


def _inferred_style(avg_words: float, count: int) -> str:
    """How someone writes hints at how they like to read: terse askers get terse answers."""
    if count < 5:
        return ""
    if avg_words <= 4:
        return "brief"
    if avg_words >= 40:
        return "detailed"
    return ""


def update_profile(profile: Profile, text: str, *, route: list[str] | None = None, now: datetime) -> Profile:
    """The profile after one more message from the person."""
    updated = replace(profile, topics=dict(profile.topics))
    name = find_name(text)
    if name:
        updated.name = name
    count = profile.interaction_count + 1
    updated.avg_words = profile.avg_words + (len(text.split()) - profile.avg_words) / count
    updated.interaction_count = count
    updated.last_interaction = now
    style = find_style(text)
    if style:
        updated.style, updated.style_source = style, "set"
    elif profile.style_source != "set":
        inferred = _inferred_style(updated.avg_words, count)
        updated.style, updated.style_source = inferred, "inferred" if inferred else ""
    for topic in topics_of(text, route):
        updated.topics[topic] = updated.topics.get(topic, 0) + 1
    return updated
