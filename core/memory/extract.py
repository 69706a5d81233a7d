"""Finding statements worth keeping about the person: rules offline, the language model when configured.

The rules read explicit first-person statements ("I am / I'm / I have / I prefer / my ... is / I'm
retiring in ...") and rewrite them without their subject ("has two children"). Only what the person says
about themselves is kept (name, goals, horizon, risk tolerance, preferences, stated holdings): statements
about other people ("My brother says bitcoin is the future"), opinions and predictions about markets ("I'm
bullish on tech", "stocks will crash") and questions are not the person's facts. The model, when configured,
is only asked about messages where the rules see such a statement, so ordinary questions cost no extra call.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Protocol

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from core.errors import ProviderError
from core.llm import provider_errors
from core.memory.types import CandidateFact

__all__ = ["FactExtractor", "LlmFactExtractor", "RuleFactExtractor", "extract_rules", "score_importance"]

log = logging.getLogger(__name__)

# A clause starts at the message start, after . ! ? ; or before "and/but I ..." / ", my ...".
_CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\s*,?\s+(?:and|but|so|also)\s+(?=(?:i|i'm|i've|i'd|my|we|our)\b)|,\s+(?=(?:i|i'm|i've|my)\b)",
    re.I,
)
_LEAD_IN = re.compile(r"^(?:(?:hi|hello|hey|well|ok|okay|also|btw|by the way|actually|so)[,!.]?\s+)+", re.I)

# (pattern over the clause, replacement verb, slot). Group "rest" is kept as said.
_RULES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^i(?:'m| am) (?P<rest>retiring\b.+)", re.I), "is", "retirement"),
    (re.compile(r"^i(?:'m| am) (?P<rest>\d{1,3} (?:years? old|yo)\b.*)", re.I), "is", "age"),
    (re.compile(r"^i (?:plan|intend|want|hope|expect) to (?P<rest>retire\b.+)", re.I), "plans to", "retirement"),
    (re.compile(r"^i (?:have|have got|'ve got|own|hold) (?P<rest>.+)", re.I), "has", ""),
    (re.compile(r"^i've (?P<rest>(?:got|been|had|saved|invested|worked) .+)", re.I), "has", ""),
    (re.compile(r"^i(?:'m| am) (?P<rest>.+)", re.I), "is", ""),
    (re.compile(r"^i (?:prefer|'d prefer|would prefer) (?P<rest>.+)", re.I), "prefers", ""),
    (re.compile(r"^i (?:really )?(?:like|love|enjoy) (?P<rest>.+)", re.I), "likes", ""),
    (re.compile(r"^i (?:don't|do not) (?:like|want) (?P<rest>.+)", re.I), "doesn't like", ""),
    (re.compile(r"^i (?:hate|dislike) (?P<rest>.+)", re.I), "dislikes", ""),
    (re.compile(r"^i (?:plan|intend|want|hope|'d like|would like) to (?P<rest>.+)", re.I), "wants to", ""),
    (re.compile(r"^i work (?P<rest>(?:as|at|in|for) .+)", re.I), "works", "work"),
    (re.compile(r"^i live (?P<rest>(?:in|near|on) .+)", re.I), "lives", "home"),
    (re.compile(r"^i (?:earn|make) (?P<rest>.+)", re.I), "earns", "income"),
    (re.compile(r"^i was (?P<rest>born .+)", re.I), "was", "born"),
    (re.compile(r"^we (?:have|'ve got|own) (?P<rest>.+)", re.I), "has", ""),
]
_MY = re.compile(r"^my (?P<subject>[a-z][a-z' -]{1,40}?) (?P<verb>is|are|was|were) (?P<rest>.+)", re.I)
_OUR = re.compile(r"^our (?P<subject>[a-z][a-z' -]{1,40}?) (?P<verb>is|are) (?P<rest>.+)", re.I)

# First-person openings that are not facts about the person.
_NOT_FACTS = re.compile(
    r"^(?:i(?:'m| am) (?:not sure|sure|fine|good|ok|okay|great|sorry|just|wondering|curious|asking|here|back|"
    r"confused|trying to (?:understand|figure|find)|looking (?:for|at) (?:the|a|an|some|info)|"
    r"going to ask|done|glad|happy to|afraid)|"
    r"i (?:have|'ve got|got) (?:a|another|one more|some|few|two|2) (?:quick )?questions?|"
    r"i have to\b|i have no idea|i(?:'d| would) like to (?:know|ask|understand|see|learn)|i want to (?:know|ask))",
    re.I,
)
# Other people: "my brother says ...", "my wife is ..." are about them, not the person.
_OTHERS = (
    r"husband|wife|spouse|partner|boyfriend|girlfriend|fianc[eé]e?|father|mother|dad|mom|mum|parents?|son|"
    r"daughter|kids?|children|child|baby|brother|sister|siblings?|grand\w*|uncle|aunt|cousin|nephew|niece|"
    r"in-laws?|family|friends?|buddy|boss|manager|colleagues?|co-?workers?|neighbou?rs?|roommate|"
    r"advis[oe]r|accountant|lawyer|broker|banker|doctor|teacher|dentist|landlord"
)
_ABOUT_OTHERS = re.compile(rf"^(?:my|our) (?:\w+ )?(?:{_OTHERS})\b", re.I)
_REPORTED = re.compile(
    r"\b(?:says?|said|thinks?|thought|believes?|believed|reckons?|told (?:me|us)|tells (?:me|us)|claims?|"
    r"heard|read that|according to)\b",
    re.I,
)
# Opinions and predictions about markets or securities are not facts about the person.
_MARKET_OPINION = re.compile(
    r"\b(?:bullish|bearish|the future|overvalued|undervalued|over-?priced|a bubble|to the moon|a scam|"
    r"(?:will|gonna|going to|is about to|are about to) (?:crash|rise|fall|drop|tank|soar|boom|collapse|"
    r"recover|go (?:up|down)|moon|double|rally))\b",
    re.I,
)
_NAME_STATEMENT = re.compile(r"^(?:my name(?:'s| is)|call me|i(?:'m| am) [A-Z][a-z]+\s*$)", re.I)
_IMPORTANT = re.compile(
    r"\b(retir\w*|child(ren)?|kids?|son|daughter|married|wife|husband|partner|spouse|income|salary|earn\w*|"
    r"risk|stocks?|bonds?|funds?|etfs?|crypto|house|home|mortgage|debt|loan|college|tuition|age|old|"
    r"years?|pension|401\(?k\)?|ira|savings?|invest\w*|prefer\w*|tax\w*|health|job|work\w*|business)\b",
    re.I,
)


def score_importance(text: str, *, slot: str = "") -> float:
    """0..1: life and money facts, numbers and single-valued subjects matter more than passing remarks."""
    score = 0.4
    if _IMPORTANT.search(text):
        score += 0.3
    if re.search(r"\d", text):
        score += 0.1
    if slot:
        score += 0.1
    return round(min(score, 1.0), 2)


def _clean_rest(rest: str) -> str:
    rest = re.sub(r"\s+", " ", rest).strip().rstrip(".!;,")
    return re.sub(r"\b(my)\b", "their", rest, flags=re.I)


def _clauses(text: str) -> list[str]:
    parts = _CLAUSE_SPLIT.split(text.replace("’", "'"))
    return [_LEAD_IN.sub("", p.strip()).strip() for p in parts if p and p.strip()]


def extract_rules(text: str) -> list[CandidateFact]:
    """Explicit first-person statements of the message, subject removed; questions are skipped."""
    found: list[CandidateFact] = []
    for clause in _clauses(text):
        if clause.endswith("?") or _NOT_FACTS.match(clause) or _NAME_STATEMENT.match(clause):
            continue
        if not _about_the_person(clause):
            continue
        fact = _match_clause(clause)
        if fact is not None and 2 <= len(fact.text.split()) <= 30 and fact not in found:
            found.append(fact)
    return found


def _about_the_person(clause: str) -> bool:
    """Not about someone else, not what someone said, not a view on where markets are going."""
    return not (_ABOUT_OTHERS.match(clause) or _REPORTED.search(clause) or _MARKET_OPINION.search(clause))


def _match_clause(clause: str) -> CandidateFact | None:
    for pattern, verb, slot in _RULES:
        match = pattern.match(clause)
        if match:
            text = f"{verb} {_clean_rest(match.group('rest'))}"
            return CandidateFact(text, score_importance(text, slot=slot), slot)
    for pattern in (_MY, _OUR):
        match = pattern.match(clause)
        if match and match.group("subject").lower() != "name":
            subject = match.group("subject").lower().strip()
            text = f"their {subject} {match.group('verb').lower()} {_clean_rest(match.group('rest'))}"
            return CandidateFact(text, score_importance(text, slot="my"), f"my:{subject}")
    return None


class FactExtractor(Protocol):
    async def extract(self, text: str) -> list[CandidateFact]: ...


class RuleFactExtractor:
    async def extract(self, text: str) -> list[CandidateFact]:
        return extract_rules(text)


class _Extracted(BaseModel):
    text: str = Field(description="The fact in the third person without a subject, e.g. 'prefers growth stocks'.")
    importance: float = Field(ge=0, le=1, description="0..1: how useful this is for advising the client later.")


class _Facts(BaseModel):
    """Durable facts the client stated about themselves."""

    facts: list[_Extracted] = Field(default_factory=list)


EXTRACT_SYSTEM = """You keep notes for a financial-advice firm's assistant. From the client's message, list \
durable facts the client states about themselves (their household, age, retirement plans, goals, horizon, \
income, preferences, risk tolerance, stated holdings). Write each fact in the third person WITHOUT a subject, e.g. \
"has two children in college", "prefers growth stocks", "is retiring in 2031". Skip questions, greetings, the \
client's name, statements about other people (family, friends, colleagues: "my brother says ..."), what \
someone else said or thinks, and opinions or predictions about markets or securities. Return an empty list \
when there is nothing worth keeping."""


class LlmFactExtractor:
    """Structured output from the chat model; the rules answer when the model fails or says nothing usable."""

    def __init__(self, model: Any, *, timeout_s: float = 20.0) -> None:
        self._model = model.with_structured_output(_Facts, method="function_calling")
        self._timeout_s = timeout_s

    async def extract(self, text: str) -> list[CandidateFact]:
        rules = extract_rules(text)
        if not rules:  # no first-person statement: not worth a model call
            return []
        try:
            async with asyncio.timeout(self._timeout_s):
                with provider_errors():
                    result = await self._model.ainvoke([SystemMessage(EXTRACT_SYSTEM), HumanMessage(text)])
        except (ProviderError, TimeoutError, ValueError) as exc:
            log.info("fact extraction by the model failed (%s); using the rules", exc.__class__.__name__)
            return rules
        if not isinstance(result, _Facts) or not result.facts:
            return rules
        facts = [CandidateFact(f.text.strip().rstrip("."), round(f.importance, 2)) for f in result.facts]
        slots = {r.text: r.slot for r in rules}
        return [CandidateFact(f.text, f.importance, slots.get(f.text, "")) for f in facts if f.text]
