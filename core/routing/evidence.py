"""Evidence that a question is a data question, and which specialists it calls for.

The portfolio, market and risk specialists answer only with evidence on both sides:
- a subject: an ownership cue ("my", "our holdings", "am I", "I own", a security the person holds), a
  named security (ticker, company, crypto-asset), the market as a whole ("how did the markets do
  today?"), or the thread's pinned subject for a follow-up;
- an ask that specialist computes: a figure of the person's book (portfolio), a quote or a move of a
  security or of the market (market), a risk measure (risk).
A company named for its business ("Home Depot's market share", "the gain on the sale of its unit") is
not a security subject, and words of ordinary finance prose ("market", "gain", "risk", "buy" in "Best
Buy") are not asks on their own. The recommendation flag (high stakes: the disclaimer or the firm's
no-recommendation line, the jury) needs an ask for advice about investments, an allocation change, or
a person's transaction in a named security ("Should I buy Tesla?", "move my bitcoin to you").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.routing import keywords as kw
from core.routing.securities import Mention, SecurityNames
from core.routing.types import RouteRequest

__all__ = ["Evidence", "gather", "keyword_route", "supported"]

PLACEHOLDER = "SECURITY"
_HELD_CUE = re.compile(r"\b(my|our)\s+(\w+\s+)?$", re.IGNORECASE)
_VENUE = re.compile(r"\b(from|at|with|through|via|on)\s+$", re.IGNORECASE)
"""In a transfer ("move my bitcoin from Coinbase to you"), the company after "from" is where, not what."""
_POSSESSIVE = re.compile(r"\b(my|mine|our|ours)\b", re.IGNORECASE)
_TRANSFER = re.compile(r"\b(mov(e|ing)|transfer\w*|send(ing)?|roll(ing)? ?over|wir(e|ing))\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    """The question with every named security replaced by SECURITY."""
    owner: bool
    securities: tuple[str, ...]
    """Symbols named as what the question is about (not a transfer's venue), in order."""
    held: tuple[str, ...]
    """The named securities the person holds."""
    market_wide: bool
    by_symbol: bool
    """A subject named by ticker or as a crypto-asset (not only by a company name, which needs a stock cue)."""
    company: bool
    """About a company's business (revenue, segments, a sale, filings), not its shares."""
    thread: bool
    """A follow-up in a thread with a data subject (pinned data route or symbols): that subject carries over."""
    thread_symbols: bool
    """...and that subject is the thread's pinned symbols (else the person's own book)."""
    firm: bool
    procedural: bool
    high_stakes: bool
    request: bool
    """A question or a request (not a remark, not a definition): only these get the embedding vote."""
    now: bool
    """Names a time ("today", "this week"): market data is about now."""
    book: bool
    """The person's book named ("my investments", "my account", a held security) or the thread's."""

    @property
    def security_subject(self) -> bool:
        return (bool(self.securities) and not self.company) or (self.thread and self.thread_symbols)

    @property
    def own_subject(self) -> bool:
        return self.owner or (self.thread and not self.thread_symbols)

    @property
    def subject(self) -> bool:
        """Enough for the embedding vote on a paraphrase: the person's book, a security, or the market now."""
        market_now = self.market_wide and self.now and not self.company
        return (self.own_subject and self.book) or self.security_subject or market_now


def gather(request: RouteRequest, names: SecurityNames) -> Evidence:
    """Everything the routing decision rests on, from one question (and its thread's pin)."""
    text = request.question
    mentions = names.mentions(text, known=request.known_symbols, held=request.holdings or {})
    masked, starts = _mask(text, mentions)
    transfer = bool(_TRANSFER.search(masked))
    subjects = [m for m, at in zip(mentions, starts, strict=True) if not (transfer and _VENUE.search(masked[:at]))]
    securities = tuple(dict.fromkeys(m.symbol for m in subjects))
    held = tuple(dict.fromkeys(m.symbol for m, at in zip(mentions, starts, strict=True)
                               if m in subjects and _is_held(m.symbol, masked[:at], request)))
    allocation_change = bool(kw.ALLOCATION_CHANGE.search(masked))
    company = bool(kw.COMPANY_FACT.search(masked) or kw.COMPANY_POSSESSIVE.search(masked))
    # holding a security the question names makes it theirs, unless it asks about the company's business
    owner = bool(kw.OWNER.search(masked)) or (bool(held) and not company) or allocation_change
    advice = bool(kw.ADVICE.search(kw.NOT_ADVICE.sub(" ", masked))) and bool(kw.INVESTMENT.search(masked))
    pinned_data = any(r != "knowledge" for r in request.pinned_route) or bool(request.pinned_symbols)
    thread = kw.is_follow_up(text) and pinned_data
    transaction = bool(securities) and (
        bool(kw.PERSON.search(masked) and kw.TRANSACTION.search(masked)) or bool(kw.TRADE_IN.search(masked))
    )
    return Evidence(
        text=masked,
        owner=owner,
        securities=securities,
        held=held,
        market_wide=bool(kw.MARKET_WIDE.search(masked)),
        by_symbol=any(m.kind != "company" for m in subjects),
        company=company,
        thread=thread,
        thread_symbols=bool(request.pinned_symbols),
        firm=_is_firm(masked),
        procedural=bool(kw.PROCEDURAL.search(masked)),
        high_stakes=advice or transaction or allocation_change,
        request=bool(kw.REQUEST.search(text)) and not (kw.DEFINITION.search(masked) and not owner),
        now=bool(kw.NOW.search(masked)),
        book=bool(kw.PORTFOLIO_SUBJECT.search(masked) or kw.BOOK.search(masked) or held) or thread,
    )


def keyword_route(e: Evidence) -> list[str]:
    """Specialists the words call for, in a fixed order; [] when no word speaks."""
    t = e.text
    labels: set[str] = set()
    if e.own_subject and (kw.INTENTS["portfolio"].search(t) or kw.ALLOCATION_CHANGE.search(t)):
        labels.add("portfolio")
    if e.own_subject and e.book and not e.security_subject and kw.BOOK_MOVE.search(t):
        labels.add("portfolio")
    if e.high_stakes and e.own_subject and not e.securities and kw.PORTFOLIO_SUBJECT.search(t):
        labels.add("portfolio")  # "should I sell my gold?"
    if e.high_stakes and e.securities:  # a recommendation or a transaction in a named security
        labels.add("portfolio" if set(e.securities) <= set(e.held) else "market")
        if e.held and set(e.held) != set(e.securities):
            labels.add("portfolio")
    # "my unrealised gain on Exxon" is the position's gain: a move word only asks for a quote of its own, and
    # of a company named by name only with a stock cue ("Did Apple go up today?", not "did Verizon lose users?")
    stock = e.by_symbol or bool(kw.STOCK_CONTEXT.search(t))
    if e.security_subject and (kw.QUOTE.search(t) or (kw.MOVE.search(t) and stock and "portfolio" not in labels)):
        labels.add("market")
    if e.market_wide and (kw.MARKET_HOW.search(t) or (kw.NOW.search(t) and (kw.QUOTE.search(t) or kw.MOVE.search(t)))):
        labels.add("market")
    if e.own_subject and kw.QUOTE.search(t) and kw.PORTFOLIO_SUBJECT.search(t):
        labels.add("market")
    if e.own_subject and kw.INTENTS["risk"].search(t):
        labels.add("risk")
    if e.security_subject and (kw.RISK_MEASURE.search(t) or (stock and kw.INTENTS["risk"].search(t))):
        labels.add("risk")
    ordered: list[str] = [name for name in ("portfolio", "market", "risk") if name in labels]
    if e.firm:
        # "What is the minimum deposit?" is the firm's; "fees on my portfolio and how it is doing" is both,
        # and so is "can I move my bitcoin to you?" (the transfer rules, and bitcoin's quote).
        if ordered and ((_POSSESSIVE.search(t) and e.book and not e.procedural) or (e.high_stakes and e.securities)):
            return ["knowledge", *ordered]
        return ["knowledge"]
    return ordered


def supported(route: list[str], e: Evidence) -> list[str]:
    """The specialists of a route (any router's) that the question gives a subject for."""
    t = e.text

    def has_subject(name: str) -> bool:
        if name == "portfolio":  # the person, and their book or a figure of it ("should I" alone is not one)
            return e.own_subject and bool(
                e.book or kw.INTENTS["portfolio"].search(t) or kw.ALLOCATION_CHANGE.search(t) or kw.BOOK_MOVE.search(t)
            )
        if name == "market":
            return e.security_subject or e.market_wide or bool(e.securities and e.high_stakes) or (
                e.own_subject and bool(kw.PORTFOLIO_SUBJECT.search(t)))
        if name == "risk":
            return e.security_subject or (e.own_subject and bool(e.book or kw.INTENTS["risk"].search(t)))
        return True

    return [name for name in route if has_subject(name)]


def _mask(text: str, mentions: list[Mention]) -> tuple[str, list[int]]:
    parts: list[str] = []
    starts: list[int] = []
    cursor = 0
    length = 0
    for m in mentions:
        parts.append(text[cursor : m.start])
        length += m.start - cursor
        starts.append(length)
        parts.append(PLACEHOLDER)
        length += len(PLACEHOLDER)
        cursor = m.end
    parts.append(text[cursor:])
    return "".join(parts), starts


def _is_firm(text: str) -> bool:
    asks = kw.INTENTS["portfolio"].search(text) or kw.INTENTS["risk"].search(text) or kw.QUOTE.search(text)
    return bool(kw.FIRM.search(kw.OWN_ACCOUNT.sub("my account", text) if asks else text))


def _is_held(symbol: str, before: str, request: RouteRequest) -> bool:
    """Held: in the person's holdings when finbot knows them, else named as theirs ("my Apple shares")."""
    if request.holdings is not None:
        return symbol in request.holdings
    return bool(_HELD_CUE.search(before))
