"""Which securities a question names: tickers, company names, crypto-assets, the person's own holdings.

Company names come from pytickersymbols (MIT, kept up to date by its authors): the constituents of the
S&P 500, S&P 600, NASDAQ 100 and Dow Jones with their symbols, shipped as data inside the package (no
network), read on first use. They are matched as proper nouns, case-sensitively ("Best Buy", not "best
buy"). A one-word name is often an ordinary word too ("Target", "Block", "Progressive"), so at the start
of a sentence, or followed by another capitalised word ("Target Retirement funds"), it only counts with a
company cue after it ("Target's", "Target stock"). core/routing/aliases.py adds household names in any
case ("tesla", "google") and crypto-assets ("bitcoin" -> BTC).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from core.routing.aliases import BRANDS, CRYPTO, CRYPTO_SYMBOLS

__all__ = ["Mention", "SecurityNames", "common_names"]

US_INDICES = ("S&P 500", "NASDAQ 100", "DOW JONES", "S&P 100", "S&P 600")
PROPER_EXTRA = {"Meta": "META"}
"""Short names the company list lacks and that are ordinary words in lower case."""

# Finance and filing abbreviations written in capitals that are not tickers (unless the person holds or
# finbot quotes one of that name, or it is written $XYZ).
NOT_TICKERS = frozenset(
    "US USA ETF ETFS IRA IRAS ROTH HHI VAR USD EUR GBP JPY CAD OK AM PM ET EST PST UTC YTD CEO CFO COO CTO SEC "
    "FDIC SIPC ACH ATM FAQ ID PIN IPO RMD SEP HSA FSA KYC ESG API CSV PDF AI FINRA NYSE QA TV UK EU LLC INC CD "
    "CDS NAV GAAP EPS EBIT ROE ROA ROI ROIC FCF OCF COGS SGA PP PPE YOY QOQ TTM LTM FY CAGR WACC NPV IRR DCF DSO "
    "DPO DIO LIFO FIFO OTC AUM EV IP HR IT PE PB PS MA SPAC REIT REITS ESPP RSU RSUS AMT MAGI AGI IRS SSA SS FICA "
    "PMI FHA VA HELOC APR APY LP GP EIN SSN TIN NYC LA DC GDP CPI QE FED FOMC FX ATH DRIP YTM BPS CPA CFP CFA "
    "AAA AA BBB BB CCC OR AND THE IS TO OF IN ON AT BY NO SO DO IF MY ME WE AN AS BE HE US UP IT ALL NOW OUT OFF "
    "NEW BIG GOOD BAD BUY SELL HOLD HELP ASAP FAST LOW HIGH ANY NOT YES WHY HOW WHAT WHEN".split()
)
_TICKER = re.compile(r"\$([A-Za-z]{1,5}(?:\.[A-Za-z])?)\b|\b([A-Z]{2,5}(?:\.[A-Z])?)\b")
_LEGAL = re.compile(
    r"(,?\s+(Inc\.?|Incorporated|Corporation|Corp\.?|Co\.?|plc|PLC|Ltd\.?|Limited|N\.V\.|S\.A\.|L\.P\.|LLC))+$"
)
_GROUPING = re.compile(r"\s+(Holdings?|Group|Companies|Company|Trust|REIT)$")
_EDGE_BEFORE = r"(?<![\w&$.\-])"
_EDGE_AFTER = r"(?![\w&\-])"
_COMPANY_CUE = re.compile(r"^(['’]s\b|\s+(stock|shares?|share price|inc\b|corp\b|\())", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(^|[.!?:;\n\"(])\s*$")
_NEXT_CAPITAL = re.compile(r"^\s+[A-Z][a-z]")
_INDEX_NAMES = frozenset({"nasdaq", "dow"})
"""Companies named like a market index (Nasdaq, Inc.; Dow Inc.): the index unless a company cue follows."""

Kind = Literal["ticker", "company", "crypto"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One security named in a text, and where."""

    symbol: str
    start: int
    end: int
    kind: Kind


def common_names(legal_name: str) -> list[str]:
    """The names people use for a listed company: "Tesla, Inc." -> ["Tesla"], "Booking Holdings" ->
    ["Booking Holdings", "Booking"], "The Home Depot" -> ["Home Depot"]."""
    name = re.sub(r"\s*\(.*?\)", "", legal_name).strip()
    name = re.sub(r"^The\s+", "", name)
    name = _LEGAL.sub("", name).strip(" ,")
    names = [name]
    short = _GROUPING.sub("", name).strip(" ,")
    if short and short != name:
        names.append(short)
    return [n for n in names if len(n) >= 2]


@functools.cache
def listed_companies() -> dict[str, str]:
    """Common name -> symbol for the companies of pytickersymbols' US indices, loaded once."""
    from pytickersymbols import PyTickerSymbols  # 2 MB of data: only when a question is first routed

    stocks = PyTickerSymbols()
    names: dict[str, str] = dict(PROPER_EXTRA)
    for index in US_INDICES:
        for stock in stocks.get_stocks_by_index(index):
            symbol = str(stock.get("symbol") or "").upper()
            for name in common_names(str(stock.get("name") or "")):
                if symbol:
                    names.setdefault(name, symbol)
    return names


def _alternation(names: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(_EDGE_BEFORE + "(" + "|".join(re.escape(n) for n in ordered) + ")" + _EDGE_AFTER, flags)


class SecurityNames:
    """Finds the securities a text names. `companies` (name -> symbol) replaces the packaged list (tests)."""

    def __init__(self, companies: Mapping[str, str] | None = None) -> None:
        self._given = dict(companies) if companies is not None else None
        self._proper: re.Pattern[str] | None = None
        self._names: dict[str, str] = {}
        self._any_case = _alternation([*BRANDS, *CRYPTO], re.IGNORECASE)
        self._any_case_map = {k.lower(): v for k, v in {**BRANDS, **CRYPTO}.items()}

    def _load(self) -> None:
        if self._proper is None:
            self._names = self._given if self._given is not None else listed_companies()
            self._proper = _alternation(self._names)

    def mentions(
        self, text: str, *, known: Iterable[str] = (), held: Mapping[str, str] | None = None
    ) -> list[Mention]:
        """Every security named, in order of appearance. `known`: symbols finbot has data for; `held`: the
        person's holdings (symbol -> name), whose names count too ("my Vanguard Total Bond Market ETF")."""
        self._load()
        held = held or {}
        found = [*self._named(text, held), *self._tickers(text, {k.upper() for k in known} | set(held))]
        found.sort(key=lambda m: (m.start, m.start - m.end))  # at one place, the longest name wins
        kept: list[Mention] = []
        for mention in found:  # a ticker inside a matched name ("AT&T" -> "AT") is the name's
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def _named(self, text: str, held: Mapping[str, str]) -> list[Mention]:
        found: list[Mention] = []
        if self._any_case is not None:
            for m in self._any_case.finditer(text):
                symbol = self._any_case_map[m.group(1).lower()]
                found.append(Mention(symbol, m.start(), m.end(), "crypto" if symbol in CRYPTO_SYMBOLS else "company"))
        own = {n: s for s, name in held.items() for n in common_names(name)}
        for pattern, names in ((self._proper, self._names), (_alternation(own), own)):
            for m in pattern.finditer(text) if pattern is not None else ():
                if self._plausible(text, m):
                    found.append(Mention(names[m.group(1)], m.start(), m.end(), "company"))
        return found

    @staticmethod
    def _plausible(text: str, match: re.Match[str]) -> bool:
        """A one-word name at a sentence start or before another capitalised word needs a company cue; one
        in capitals ("NOW Inc.", "IBM") is read like a ticker."""
        name = match.group(1)
        after = text[match.end() :]
        if name.lower() in _INDEX_NAMES:  # "the Nasdaq" is the index; "Nasdaq stock" the company
            return bool(_COMPANY_CUE.match(after))
        if " " in name:
            return True
        if name.isupper():
            return text.upper() != text and name not in NOT_TICKERS
        if _COMPANY_CUE.match(after):
            return True
        return not (_SENTENCE_END.search(text[: match.start()]) or _NEXT_CAPITAL.match(after))

    def _tickers(self, text: str, known: set[str]) -> list[Mention]:
        shouting = text.upper() == text  # an all-capitals message: only $XYZ and symbols finbot knows
        found = []
        for m in _TICKER.finditer(text):
            dollar, bare = m.groups()
            symbol = (dollar or bare).upper()
            if dollar or symbol in known or (not shouting and symbol not in NOT_TICKERS):
                found.append(Mention(symbol, m.start(), m.end(), "crypto" if symbol in CRYPTO_SYMBOLS else "ticker"))
        return found
