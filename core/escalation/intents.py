"""Which messages go straight to a person: explicit asks for a human, and sensitive intents.

Pure functions over the text. A QUESTION about a topic is not an INSTRUCTION: "what is a transfer fee?"
and "how do I sell shares?" are for the knowledge base; "wire $5,000 to my bank" and "sell all my Apple"
are instructions a regulated firm must not let a bot take. Situations (fraud, a death in the family,
hardship, a complaint) are sensitive however they are phrased, unless they are plainly hypothetical
("what happens if my account is hacked?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Intent", "detect"]


@dataclass(frozen=True, slots=True)
class Intent:
    reason: str
    """A key of `core.escalation.record.REASON_LABELS`."""
    matched: str
    """The words that triggered it (for logs and the advisor card)."""


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


_RELATIVE = (
    r"husband|wife|spouse|partner|father|mother|dad|mom|mum|son|daughter|brother|sister|parents?|"
    r"grand(?:mother|father|ma|pa|parent)|uncle|aunt|fianc[eé]e?|child|baby"
)
_PEOPLE = (
    r"advis[oe]rs?|humans?|person|people|someone|somebody|agents?|representatives?|reps?|planners?|operators?|staff"
)
_AMOUNT = r"\$\s?\d[\d,]*(?:\.\d+)?\s?[km]?|\d[\d,]*(?:\.\d+)?\s?(?:k|m|dollars|usd|grand)\b"

# Each reason: (situation patterns, needs_instruction_form). Order is priority: the most specific first.
_FRAUD = _rx(
    r"\b(my|our|the) (account|login|password|card|email)s? (has|have|was|were|got|is|are|been|has been)\s*"
    r"(been )?(hacked|compromised|breached|stolen|taken over|accessed)",
    r"\bhacked (into )?my (account|email)",
    r"\bsomeone (else )?(has )?(accessed|logged in(to)?|got into|broke into|is using|used|stole|hacked)"
    r"( into)? my",
    r"\bunauthori[sz]ed (transactions?|transfers?|withdrawals?|access|charges?|logins?|trades?|activity|payments?)",
    r"\bi (didn'?t|did not|never) (make|authori[sz]e|approve|place|request) (this|that|these|those|the|a|any)"
    r" ?(transactions?|transfers?|withdrawals?|trades?|payments?|charges?|wires?)",
    r"\b(i('ve| have)? been|i was|i got|we('ve| have)? been|we were) (scammed|hacked|defrauded|phished|conned)",
    r"\b(victim of|suffered|experiencing) (an? )?(fraud|identity theft|scam)",
    r"\b(i|we) (want|need|would like) to report (a |an |some )?(fraud|scam|unauthori[sz]ed|suspicious)",
    r"\bsomeone stole my (identity|money|password|details)",
    r"\bfraud(ulent)? (activity |transactions? |charges? )?(on|in) my account",
    r"\b(i think|i believe|i suspect|this (is|looks like|seems like)) (it'?s |this is )?(a )?(fraud|scam)\b",
    r"\bi clicked (on )?(a |an |the )?(phishing|suspicious|fake) (link|email)",
)
_BEREAVEMENT = _rx(
    rf"\b(my|our) ({_RELATIVE}) (has |just |recently )*(passed away|passed on|passed|died|is dead|was killed)",
    rf"\b(lost|losing) my ({_RELATIVE})\b",
    rf"\b(death|passing|funeral) of (my|our) ({_RELATIVE})",
    r"\bdeath in (the|my|our) family",
    rf"\b(my|our) (late|deceased) ({_RELATIVE})",
    r"\bbereave(d|ment)\b",
    r"\b(i'?m|i am|we'?re|we are) (a )?(widow(ed|er)?)\b",
)
_HARDSHIP = _rx(
    r"\b(i|we) (just )?(lost|have lost|'ve lost) (my|our) (job|jobs|income|house|home)",
    r"\b(i'?m|i am|we'?re|we are) (being )?(laid off|unemployed|out of work|broke|bankrupt|"
    r"struggling( financially| to pay| with (money|bills|debt|payments))?)",
    r"\b(i|we) (can'?t|cannot|could not|couldn'?t) (afford|pay|make) "
    r"(my|our|the|rent|bills|mortgage|payments?|ends meet)",
    r"\bfinancial (hardship|difficult(y|ies)|trouble|crisis)\b(?! withdrawal)",
    r"\b(behind|falling behind) on (my |our )?(bills|mortgage|rent|payments|loan)",
    r"\b(facing|going through|filing for|declare|declaring) (eviction|foreclosure|bankruptcy)",
    r"\b(drowning|buried) in debt",
    r"\bi need (a )?hardship (withdrawal|distribution|loan)",
)
_COMPLAINT = _rx(
    r"\b(i|we) (want|would like|'d like|need|wish|am going|'m going|intend) to (make|file|lodge|raise|submit|register)"
    r" (a |an official |a formal )?complaint",
    r"\b(i|we) (want|would like|'d like|need) to complain\b",
    r"\b(i'?m|i am|we'?re|we are) (filing|making|lodging|raising) (a |an official |a formal )?complaint",
    r"^\s*(this is )?(a )?(formal )?complaint\b",
    r"\b(i|we) (am |are |'m |'re )?complain(ing)? about\b",
    r"\bthis is (absolutely |completely |totally )?(unacceptable|outrageous|ridiculous|a disgrace|disgraceful)",
    r"\b(i'?m|i am|we'?re|we are) (very |extremely |really |so |deeply )?(unhappy|dissatisfied|disappointed|"
    r"angry|upset|furious|fed up) (with|about|by)",
    r"\b(terrible|awful|horrible|appalling|worst) (service|advice|experience)",
    r"\b(you|your (firm|company|advisor))( guys)? (lost|cost) me\b",
)
_CLOSURE = _rx(
    r"\b(close|shut down|shut|terminate|cancel|delete|deactivate) (all )?(of )?(my|our) "
    r"((brokerage|investment|retirement|joint|roth|savings|checking) )?(accounts?|iras?|401\(?k\)?s?|portfolio)",
    r"\b(i'?m|i am|we'?re|we are) (closing|leaving|moving away from|switching away from) "
    r"(my|our|the|this|your) (accounts?|firm|company)",
    r"\b(i|we) (want|would like|'d like|need|wish|have decided|'ve decided|decided) to (leave|quit) "
    r"(the|this|your) firm",
)
_TRADE = _rx(
    r"\b(sell|buy|purchase|liquidate|short|dump|unload) (off )?(all|half|everything|the rest|some|"
    r"\d[\d,.]*\s?%?|my|our|\$\s?\d)(?!\s*(?:of )?(?:the )?(?:questions?|info))",
    rf"\b(sell|buy|purchase) ({_AMOUNT}) (worth )?(of|in)\b",
    r"\b(place|put in|enter|submit|execute|cancel) (a |an |my |the )?(buy|sell|limit|market|stop)( loss)? "
    r"(order|trade)",
    r"\b(rebalance|reallocate) my (portfolio|account|holdings)\b",
)
_TRANSFER = _rx(
    rf"\b(wire|transfer|send|move|withdraw|remit|pay) ({_AMOUNT})\b",
    r"\b(wire|transfer|move|withdraw|send|roll ?over) (all|everything|the money|my money|the funds|my funds|"
    r"the balance|my balance|my savings|half) (of |in |from )?",
    r"\b(transfer|move|roll ?over) my (ira|401\(?k\)?|roth|account|brokerage account|pension|portfolio|assets) "
    r"(to|into|over|out)",
    r"\b(close out|cash out) my\b",
)
_HUMAN = _rx(
    rf"\b(talk|speak|chat|get in touch|connect|put me through|transfer me|hand me over|escalate)( me)? "
    rf"(to|with) (an? |my |the |a real |a live |an actual |your )?(human |real |live |financial )?({_PEOPLE})\b",
    r"\b(real|live|actual) (human|person|people|advis[oe]r|agent)\b",
    r"^\s*(a )?(human|person|agent|advis[oe]r|representative|operator)( please| now| pls)?[\s!.]*$",
    r"\b(human|advis[oe]r|agent|person|someone) (please|pls|asap|now)\b",
    r"\b(i|we) (want|need|'d like|would like|wanna) (a |an |to talk to (a |an |my )?|to speak (to|with) "
    r"(a |an |my )?)?(human|person|advis[oe]r|agent|representative|someone|somebody)\b",
    r"\b(can|could|would|will) (a |an |my )?(human|person|advis[oe]r|agent|someone|somebody) "
    r"(please )?(call|contact|reach|phone|email|get back to|help) (me|us)\b",
    r"\b(have|get) (a |an |my )?(human|person|advis[oe]r|agent|someone) (to )?(call|contact|reach|phone) (me|us)\b",
    r"\b(get|give|find) me (a |an |my )?(human|person|advis[oe]r|agent|representative|someone)\b",
    r"\bnot (talk|speak|chat)(ing)? (to|with) a (bot|robot|machine)",
    r"\bstop[, ]+i want a (human|person)",
)
_NOT_HUMAN_ASK = _rx(r"\bare you (a |an )?(real|live|actual)? ?(human|person|bot|robot|ai)\b")

_QUESTION_START = re.compile(
    r"^\s*(what|what's|whats|how|why|when|where|which|who|is|are|does|do|did|should|would it|will|"
    r"can i|could i|may i|am i|is it|are there|is there|tell me about|explain)\b",
    re.IGNORECASE,
)
_REQUEST_FORM = re.compile(
    r"^\s*(can|could|would|will) (you|u|someone|somebody)\b|\bplease\b|\bi (want|need|'d like|would like)\b|"
    r"\bi'd like\b|\bi wish\b",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(r"\b(if|whether|in case|suppose|what happens when)\s+(\w+\s+){0,3}$", re.IGNORECASE)

_SITUATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fraud", _FRAUD),
    ("bereavement", _BEREAVEMENT),
    ("hardship", _HARDSHIP),
    ("complaint", _COMPLAINT),
)
_INSTRUCTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("account_closure", _CLOSURE),
    ("trade_instruction", _TRADE),
    ("transfer_instruction", _TRANSFER),
)


def _is_question(text: str) -> bool:
    """A question about the topic rather than a request to act ("can you sell..." is a request)."""
    return bool(_QUESTION_START.match(text)) and not _REQUEST_FORM.search(text)


def _situation(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match that is not plainly hypothetical ("what happens if my account is hacked?")."""
    for match in pattern.finditer(text):
        if not _HYPOTHETICAL.search(text[: match.start()][-40:]):
            return match
    return None


_CONTRACTIONS = (
    (re.compile(r"\b(i|we|you)'d\b", re.I), r"\1 would"),
    (re.compile(r"\bi'm\b", re.I), "i am"),
    (re.compile(r"\b(we|you|they)'re\b", re.I), r"\1 are"),
    (re.compile(r"\b(i|we|you)'ve\b", re.I), r"\1 have"),
    (re.compile(r"\bcan't\b", re.I), "cannot"),
    (re.compile(r"\b(did|do|does|could|would|have|has|is|are|was)n't\b", re.I), r"\1 not"),
    (re.compile(r"\bwanna\b", re.I), "want to"),
)


def _normalise(text: str) -> str:
    clean = " ".join(text.replace("\u2019", "'").split())
    for pattern, replacement in _CONTRACTIONS:
        clean = pattern.sub(replacement, clean)
    return clean


def detect(text: str) -> Intent | None:
    """The reason this message must go to a person, or None when the bot may answer it."""
    clean = _normalise(text)
    if not clean:
        return None
    for reason, pattern in _SITUATIONS:
        if match := _situation(pattern, clean):
            return Intent(reason, match.group(0))
    if not _is_question(clean):
        for reason, pattern in _INSTRUCTIONS:
            if match := pattern.search(clean):
                return Intent(reason, match.group(0))
    if not _NOT_HUMAN_ASK.search(clean) and (match := _HUMAN.search(clean)):
        return Intent("asked_for_human", match.group(0))
    return None
