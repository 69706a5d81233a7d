"""The keyword half of the offline classifier: patterns per specialist, stakes, follow-ups, tickers."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "find_symbols",
    "is_follow_up",
    "is_high_stakes",
    "keyword_labels",
    "only_portfolio_subject",
    "mentions_own_portfolio",
]

_I = re.IGNORECASE
# What the person owns, named as a whole: alone it means the portfolio specialist; next to a market or
# risk word it is only the subject of that question ("the volatility of my holdings" is a risk question).
_PORTFOLIO_SUBJECT = re.compile(
    r"\b(portfolio|holdings?|positions?|investments?|what i own|my (stocks|shares|funds)|my \w+ shares)\b", _I
)
_DATA: dict[str, re.Pattern[str]] = {
    "portfolio": re.compile(
        r"\b(allocat\w*|asset class(es)?|sectors?|concentrat\w*|(largest|biggest) (position|holding)|"
        r"unreali[sz]ed|gain(ed|s)?|los(s|ses|t)|worth|rebalanc\w*|drift\w*|target (mix|weights?|allocation)|"
        r"overweight|underweight|cost basis|market value|how (am i|is my \w+|are my \w+) doing|"
        r"day'?s change on my|break down what i own|(into|out of) (bonds|stocks|equities|cash))\b",
        _I,
    ),
    "market": re.compile(
        r"\b(price[sd]?|quotes?|trading at|trades at|ticker|(up|down) (or (up|down) )?today|"
        r"today'?s (move|change)|markets?|moved?|moves|close[sd]? at|closing price)\b",
        _I,
    ),
    "risk": re.compile(
        r"\b(risk\w*|volatil\w*|drawdowns?|value at risk|VaR|beta|correlat\w*|diversif\w*|downside|"
        r"worst (day|case)|(could|might|can) i lose|swings?|stress|sharpe)\b",
        _I,
    ),
}
# The firm's own topics: a question about them is for the knowledge base, even with a data word in it.
_FIRM = re.compile(
    r"\b(fees?|charges?|commissions?|wires?|transfers?|ira|roth|401\(?k\)?|open an? account|close my account|"
    r"password|log ?in|two-factor|statements?|tax forms?|1099|trading hours|hours|holidays?|policy|policies|"
    r"minimum deposit|deposits?|withdraw\w*|beneficiar\w*|rollover|contribution limits?|required minimum)\b",
    _I,
)
_PROCEDURAL = re.compile(r"\b(how do i|how can i|where can i|can i|how to|what is the process)\b", _I)
_HIGH_STAKES = re.compile(
    r"\b(should i|shall i|would you|do you recommend|recommend\w*|advi[cs]e\w*|what (should|would) you do|"
    r"is it (a good|the right) time|buy|sell|dump|rebalanc\w*|realloc\w*|change (my )?allocation|"
    r"shift (my )?(money|allocation)|mov(e|ing) (more )?(my )?money|get out of|invest (in|more)|"
    r"put (more )?money|trades? would)\b",
    _I,
)
_FOLLOW_UP = re.compile(r"^\s*(and|also|plus|what about|how about|same for|what of|then)\b", _I)
_PRONOUN = re.compile(r"\b(it|its|it's|that|those|them|this one|these)\b", _I)
_OWN = re.compile(r"\b(my|mine|our)\b", _I)
_TICKER = re.compile(r"\$([A-Za-z]{1,5})\b|\b([A-Z]{2,5})\b")
_NOT_TICKERS = frozenset(
    "US USA ETF ETFS IRA IRAS ROTH HHI VAR USD EUR GBP OK AM PM ET UTC YTD CEO CFO SEC FDIC SIPC ACH ATM FAQ ID PIN "
    "IPO RMD SEP HSA KYC ESG API CSV PDF AI FINRA NYSE QA TV UK EU LLC INC CD CDS NAV".split()
)


def keyword_labels(text: str) -> list[str]:
    """Specialists named by keywords, in a fixed order; [] when no keyword speaks."""
    labels = [name for name, pattern in _DATA.items() if pattern.search(text)]
    if _PORTFOLIO_SUBJECT.search(text) and not labels:
        labels = ["portfolio"]
    if _FIRM.search(text):
        # "What is the minimum deposit?" is the firm's; "fees on my portfolio and how it is doing" is both.
        if labels and _OWN.search(text) and not _PROCEDURAL.search(text):
            return ["knowledge", *labels]
        return ["knowledge"]
    return labels


def only_portfolio_subject(text: str, labels: list[str]) -> bool:
    """The only evidence is a noun for the person's book ("my investments"): too weak to pick a figure."""
    return labels == ["portfolio"] and not _DATA["portfolio"].search(text)


def is_high_stakes(text: str) -> bool:
    """Recommendations and allocation changes: answered with the disclaimer (and the jury when on)."""
    return bool(_HIGH_STAKES.search(text))


def is_follow_up(text: str) -> bool:
    """A short question that leans on the previous one ("and what about risk?", "how volatile is it?")."""
    return len(text.split()) <= 10 and bool(_FOLLOW_UP.search(text) or _PRONOUN.search(text))


def mentions_own_portfolio(text: str) -> bool:
    """'my portfolio', 'my holdings': the subject is the person's book, not a previously named symbol."""
    return bool(_OWN.search(text) and _PORTFOLIO_SUBJECT.search(text))


def find_symbols(text: str, known: Iterable[str] = ()) -> list[str]:
    """Tickers named: `$xyz` in any case, and capitalised 2-5 letter words that are known symbols or
    not common finance abbreviations (an unknown ticker is kept so the answer can say it has no price)."""
    known_set = {k.upper() for k in known}
    found: list[str] = []
    for match in _TICKER.finditer(text):
        dollar, bare = match.groups()
        symbol = (dollar or bare).upper()
        if (dollar or symbol in known_set or symbol not in _NOT_TICKERS) and symbol not in found:
            found.append(symbol)
    return found
