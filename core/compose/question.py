"""What a question asks for, read from its words: the kind of fact (an amount, a time, yes/no, a name),
the periods (years, fiscal years) and the entities it names, and its key terms.

Pure functions; the extractive composer picks sentences with them and the confidence model compares
the question with the answer and its sources through them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from core.retrieval.text import stems

__all__ = ["QuestionProfile", "has_amount", "has_time", "periods_in"]

_ASKS_AMOUNT = re.compile(
    r"\b(how much|how many|what (?:is|was|are|were) the (?:amount|total|number|value|size|cost)|costs?|fees?|"
    r"price[sd]?|charges?|minimum|maximum|limit|rates?|percent(?:age)?|ratio|margin|revenue|income|earnings|"
    r"sales|expenses?|assets|liabilit\w+|capex|capital expenditures?|cash flow|dividends?|eps|salary|salaries|"
    r"pay|worth|balance|amount|total|figure|number of)\b",
    re.I,
)
_HAS_AMOUNT = re.compile(
    r"[$€£]\s?\d|\d\s?%|\b\d[\d,]*(?:\.\d+)?\s?(?:million|billion|thousand|bn|mn|m|k|percent|dollars|usd)\b|"
    r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d+\b|\bfree\b|\bno (?:fee|charge|cost)\b|\bwaived\b",
    re.I,
)
_ASKS_TIME = re.compile(
    r"\b(when|how long|what time|deadline|cut-?off|hours?|days?|dates?|until|by what|how soon|how often|"
    r"what year|which year|how many (?:days|years|months|weeks))\b",
    re.I,
)
_HAS_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)|\b\d+\s?(?:to|-|–)?\s?\d*\s?(?:business |calendar |trading )?"
    r"(?:days?|weeks?|months?|years?|hours?|minutes?)\b|\b(?:19|20)\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"daily|weekly|monthly|quarterly|annually|yearly)\b|\bET\b",
    re.I,
)
_ASKS_YES_NO = re.compile(
    r"^\s*(?:so,?\s+|and\s+|but\s+)?(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|"
    r"may|must|shall)\s+(?:i|we|you|it|there|they|the|a|an|my|our|this|that|these|those|[a-z]+)\b",
    re.I,
)
_ASKS_WHO = re.compile(r"^\s*(?:who|whom|whose|which (?:company|firm|person|bank|fund))\b", re.I)
_YEAR = re.compile(r"\b(?:fy|fiscal(?: year)?\s?)?'?((?:19|20)\d{2})\b", re.I)
_FISCAL_SHORT = re.compile(r"\bfy\s?'?(\d{2})\b", re.I)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.&-]*|[.!?;:,()\"]|&")
_NAME = re.compile(r"^(?:[A-Z][a-zA-Z0-9'’-]*(?:\.[A-Za-z]+)*\.?|\d+[A-Z][a-zA-Z0-9]*)$")
_PERIOD_WORD = re.compile(r"^(?:FY|Q[1-4])?'?\d{2,4}$", re.I)
_SHORT_ACRONYM = re.compile(r"^[A-Z]{2,4}s?$")
"""EPS, CEO, SDK, HSA...: a short acronym alone is a term of the trade more often than a name."""
_NOT_ENTITIES = frozenset(
    """I I'm I've I'd What When Where Which Who Why How Is Are Was Were Do Does Did Can Could Will Would Should
    Has Have Had May Must Shall The A An And But Or So If Then Also My Our Your Their Its It This That These Those
    There Here Please Thanks Thank Hi Hello Hey Ok Okay Yes No Not Tell Give Show List Explain Describe
    Compare Summarize Summarise Let Me Any Some In On At For From To Of By With About As""".split()
)
_FIRM_WORDS = frozenset("ira iras roth ach fdic sipc etf etfs us u.s u.s. usa".split())


def _ends_sentence(piece: str) -> bool:
    return piece in (".", "!", "?") or (piece.endswith((".", "!", "?")) and not re.search(r"\.[A-Za-z]", piece))


def _name_runs(pieces: list[str]) -> list[tuple[list[str], bool]]:
    """Runs of capitalised words ("&" may join them; a possessive or a full stop ends one), each with whether
    it opens a sentence."""
    runs: list[tuple[list[str], bool]] = []
    run: list[str] = []
    at_start = sentence_start = True
    for piece in pieces:
        possessive = len(piece) > 2 and re.search(r"['’]s?$", piece) is not None
        word = re.sub(r"['’]s?$", "", piece).rstrip(".")
        is_name = bool(_NAME.match(piece)) or (piece == "&" and bool(run))
        if is_name and word:
            if not run:
                at_start = sentence_start
            run.append(word)
        if run and (not is_name or possessive or _ends_sentence(piece)):
            runs.append((run, at_start))
            run = []
        if piece[0].isalnum() or piece in (".", "!", "?"):
            sentence_start = _ends_sentence(piece)
    if run:
        runs.append((run, at_start))
    return runs


def periods_in(text: str) -> set[str]:
    """Four-digit years named in the text, with fiscal-year short forms ("FY18") expanded to "2018"."""
    years = {m.group(1) for m in _YEAR.finditer(text)}
    years |= {f"20{m.group(1)}" for m in _FISCAL_SHORT.finditer(text)}
    return years


def has_amount(text: str) -> bool:
    return bool(_HAS_AMOUNT.search(text))


def has_time(text: str) -> bool:
    return bool(_HAS_TIME.search(text))


@dataclass(frozen=True, slots=False)
class QuestionProfile:
    """What one question asks for (see the module docstring)."""

    text: str

    @cached_property
    def asks_amount(self) -> bool:
        return bool(_ASKS_AMOUNT.search(self.text))

    @cached_property
    def asks_time(self) -> bool:
        return bool(_ASKS_TIME.search(self.text))

    @cached_property
    def asks_yes_no(self) -> bool:
        return bool(_ASKS_YES_NO.match(self.text)) and not self.asks_amount

    @cached_property
    def asks_who(self) -> bool:
        return bool(_ASKS_WHO.match(self.text))

    @cached_property
    def periods(self) -> set[str]:
        return periods_in(self.text)

    @cached_property
    def entities(self) -> list[str]:
        """Names the question gives ("Home Depot", "Harbor & Pine", "Acme"): runs of capitalised words that are
        not a sentence's first word alone, a term of the trade (EPS, SDK) or a period. A question written in
        title case ("IBM Cloud Certification") names nothing this way."""
        pieces = _TOKEN.findall(self.text)
        words = [p for p in pieces if p[0].isalnum()]
        if len(words) >= 2 and sum(bool(_NAME.match(w)) for w in words) / len(words) >= 0.6:
            return []
        found: list[str] = []
        for run, at_start in _name_runs(pieces):
            kept = [w for w in run if w not in _NOT_ENTITIES and not _PERIOD_WORD.match(w)]
            while kept and kept[-1] == "&":
                kept.pop()
            if not kept or (len(kept) == 1 and (at_start or _SHORT_ACRONYM.match(kept[0]))):
                continue
            name = " ".join(kept)
            if name.lower() not in _FIRM_WORDS and name not in found:
                found.append(name)
        return found

    @cached_property
    def stems(self) -> set[str]:
        return stems(self.text)

    def wants_kind(self) -> str:
        """The kind of fact asked for: "amount", "time", "yes_no", "who" or "" (an explanation)."""
        if self.asks_amount:
            return "amount"
        if self.asks_time:
            return "time"
        if self.asks_yes_no:
            return "yes_no"
        if self.asks_who:
            return "who"
        return ""

    def kind_present(self, answer: str) -> bool | None:
        """Does `answer` contain the kind of fact asked for? None when the question asks for no particular kind."""
        kind = self.wants_kind()
        if kind == "amount":
            return has_amount(answer)
        if kind == "time":
            return has_time(answer)
        return None
