"""The answer guard: what finbot must never tell a client, whatever its sources or its model say.

Retrieved text is data, not instructions, but a planted document can still talk a model (or the extractive
composer, which quotes) into repeating it. Every final answer drafted from documents (LLM, extractive, jury)
is checked here; the advisor relay is not (an advisor's words are the firm's own). A hit blocks the answer:
the refusal replaces it, the turn is handed to an advisor (reason `answer_guard:<kind>`) and counted
(`turn_metrics.guard_blocked`, the dashboard's "Answers blocked by the guard").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.compose.draft import DeltaSink

__all__ = ["GUARD_RULES", "INSTRUCTION_LIKE", "GuardedStream", "flag_matches", "flags", "guard_hits"]

GUARD_RULES: dict[str, re.Pattern[str]] = {
    "account_number": re.compile(
        r"(?i)\b(?:account|acct|a/c)\s*(?:number|no\.?|#)?\s*[:#]?\s*\d[\d -]{4,}\d"
        r"|\b(?!\d{3}-\d{3}-\d{4}\b)\d{3,6}-\d{3,6}-\d{3,10}\b"  # not a phone number's 3-3-4
    ),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b"),
    "routing_number": re.compile(r"(?i)\b(?:routing|aba|sort code|swift|bic)\b[^.\n]{0,25}\b[\dA-Z-]{6,11}\b"),
    "payment_instruction": re.compile(
        r"(?i)\b(?:wire|send|transfer|deposit|move)\b[^.\n]{0,40}\b(?:money|funds|savings|payment|balance)\b"
        r"[^.\n]{0,30}\bto\b[^.\n]{0,30}\b(?:account|iban|wallet|\d)"
        r"|\b(?:wire|send|transfer)\s+(?:money|funds)\s+to\b"
        r"|\b(?:wire|send|transfer)\s+(?:it|them)\s+to\s+(?:account|iban|wallet|\d)"
    ),
    "off_channel": re.compile(
        r"(?i)\b(?:whatsapp|telegram|signal app|wechat|personal (?:email|phone)|text me at|call me on)\b"
    ),
    "promissory": re.compile(r"(?i)\b(?:guaranteed (?:returns?|profits?|income)|risk[- ]free|can(?:no|')t lose)\b"),
}
"""Kind -> pattern. Promissory terms pass when they are inside the firm's approved wording. A bare number in
three dashed groups is an account number unless it has a (North American) phone number's shape, 3-3-4 digits:
a firm's "call 800-555-0199" must not block its answers; "account 800-555-0199" still does."""

_NEGATED = re.compile(r"(?i)\b(?:never|not|no one|nobody)\b|n't\b")
"""A payment instruction said not to follow ("we will never ask you to move money to a 'safe account'") is a
fraud warning, not an instruction; account, IBAN and routing numbers are still caught by their own rules."""
_SENTENCE_END = re.compile(r"[.!?](?=\s)")
_BREAK = re.compile(r"[:;,\u2013\u2014]")
"""Between a negation and the instruction on its line, this ends the negation ("Don't wait: wire money to ...")."""
NEGATION_WINDOW = 300

INSTRUCTION_LIKE = re.compile(
    r"(?i)\b(?:ignore|disregard|forget)\b[^.\n]{0,30}\b(?:previous|prior|above|all)\b[^.\n]{0,20}"
    r"\b(?:instructions?|rules?|prompts?)\b|\byou are now\b|\bsystem prompt\b|\btell the (?:user|client)\b"
)
"""Text addressed to the model rather than to a reader (ingestion flags documents containing it)."""


def guard_hits(text: str, *, approved: Iterable[str] = ()) -> list[str]:
    """The kinds of forbidden content in `text` (empty: the answer may go out)."""
    cleaned = text
    for wording in approved:
        if wording:
            cleaned = cleaned.replace(wording, " ")
    return [kind for kind, pattern in GUARD_RULES.items() if _first(kind, pattern, cleaned) is not None]


def _first(kind: str, pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of `kind` that counts (a negated payment instruction does not)."""
    if kind != "payment_instruction":
        return pattern.search(text)
    return next((m for m in pattern.finditer(text) if not _negated(text, m.start())), None)


def _negated(text: str, at: int) -> bool:
    """The sentence before `at` says not to (never, not, don't), and nothing on the instruction's own line
    breaks that off; a fraud warning's list ("We will never:\n- ask you to move money to ...") counts."""
    before = text[max(0, at - NEGATION_WINDOW) : at]
    ends = list(_SENTENCE_END.finditer(before))
    sentence = before[ends[-1].end() :] if ends else before
    negations = list(_NEGATED.finditer(sentence))
    if not negations:
        return False
    own_line = sentence[negations[-1].end() :].rsplit("\n", 1)[-1]
    return _BREAK.search(own_line) is None


_STREAM_BOUNDARY = re.compile(r"[.!?](?=\s)|\n")
_TRIGGER = re.compile(
    r"\d|(?-i:\b[A-Z]{2}\d)|(?i:\b(?:acc|a/c|guarantee|can)|\b(?:wire|send|transfer|deposit|move|routing|aba|"
    r"sort|swift|bic|iban|whatsapp|telegram|signal|wechat|personal|text|call|risk)\b)"
)
"""Where a match of GUARD_RULES can begin: the words and digits each rule starts with. Whole words before the first
of these stream at once; from it on, text waits for its sentence's end (or STREAM_HOLD characters)."""
STREAM_HOLD = 160
"""Longer than any match of GUARD_RULES: text this far back from the newest word cannot be part of a match that
is still being written, so it may go out even before its sentence ends."""


class GuardedStream:
    """A model's words reach the person as they come until a word or digit a guarded phrase can begin with; from
    there a sentence at a time (or STREAM_HOLD characters behind the newest), each only once the guard finds
    nothing in all that was written so far: an obeying model's "wire money to account 4417-..." is never
    streamed. After a hit nothing more passes; the assessment replaces the answer."""

    def __init__(self, sink: DeltaSink, *, approved: Iterable[str] = ()) -> None:
        self._sink = sink
        self._approved = tuple(approved)
        self._text = ""
        self._sent = 0
        self.stopped = False
        """The guard found something: the rest of this answer is not streamed."""

    async def __call__(self, piece: str) -> None:
        self._text += piece
        ends = [m.end() for m in _STREAM_BOUNDARY.finditer(self._text, self._sent)]
        ends.append(len(self._text) - STREAM_HOLD)  # a long sentence: all but its last characters
        for end in sorted(ends):
            await self._release(end)  # in order: the clean sentences before a blocked one still go
        # Whole words up to the first place a match could begin stream as they come (a word cut between two
        # pieces waits: "trans" may become "transfer").
        words_end = self._text.rfind(" ", self._sent) + 1
        trigger = _TRIGGER.search(self._text, self._sent)
        await self._release(min(words_end, trigger.start() if trigger else len(self._text)))

    async def flush(self) -> None:
        """The model is done: the rest goes out if the whole text passes."""
        await self._release(len(self._text))

    async def _release(self, end: int) -> None:
        if self.stopped or end <= self._sent:
            return
        if guard_hits(self._text[:end], approved=self._approved):
            self.stopped = True
            return
        piece, self._sent = self._text[self._sent : end], end
        await self._sink(piece)


FLAG_RULES: dict[str, re.Pattern[str]] = {
    "instruction_like": INSTRUCTION_LIKE,
    **{kind: GUARD_RULES[kind] for kind in ("payment_instruction", "account_number", "iban")},
}
"""What ingestion looks for in a document: text addressed to the model, and payment instructions."""


def flag_matches(text: str) -> dict[str, str]:
    """Kind -> the first text of that kind found in a document (what `finbot ingest` shows)."""
    found = {}
    for kind, pattern in FLAG_RULES.items():
        match = _first(kind, pattern, text)
        if match:
            found[kind] = " ".join(match.group(0).split())[:80]
    return found


def flags(text: str) -> list[str]:
    """Why a document looks planted: instruction-like text and payment instructions (for `finbot ingest`)."""
    return list(flag_matches(text))
