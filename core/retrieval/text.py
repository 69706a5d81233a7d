"""Small text helpers shared by retrieval, composing and grounding: words, stopwords, sentences."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

from core.retrieval.sentences import sentences

__all__ = [
    "STOPWORDS",
    "amount_tokens",
    "content_terms",
    "has_figure",
    "informative",
    "sentences",
    "stem",
    "stems",
    "words",
]

_STEMMER = Stemmer.Stemmer("english")

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_FIGURE = re.compile(r"\d")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just let me more most
    my myself no nor not now of off on once only or other ought our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those through
    to too under until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves tell please want know need get got like also may might must shall us
    much many im ive dont does doesnt can't cant""".split()
)


_AMOUNT = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s?(thousand|million|billion|trillion|bn|mn|k|m|b)?(?![\w,])",
    re.I,
)
_SCALE = {"thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "b": 9, "trillion": 12}


def amount_tokens(text: str) -> list[str]:
    """Amounts of 1,000 and more as plain digits, whichever way they are written: "$1,000,000", "1 million"
    and "$1m" all give "1000000" (as the word "1000000" does); "500k" gives "500000". Searching and matching
    add these to the words, so a question in one notation finds a passage in another."""
    out: list[str] = []
    for match in _AMOUNT.finditer(text):
        whole, fraction, scale = match.group(1).replace(",", ""), match.group(2) or "", (match.group(3) or "").lower()
        if scale == "m" and not re.search(r"\$\s?$", text[: match.start()]):
            scale = ""  # "5 m" is five metres unless it is money
        shift = _SCALE.get(scale, 0)
        if shift:
            digits = (whole + fraction.ljust(shift, "0")[:shift]).lstrip("0") or "0"
            if len(fraction) > shift:
                digits += "." + fraction[shift:]
        else:
            digits = whole.lstrip("0") or "0"
            if fraction:
                continue
        if len(digits.split(".")[0]) >= 4 and (shift or "," in match.group(1)):  # plain digits are a word already
            out.append(digits)
    return out


def words(text: str) -> list[str]:
    """Lower-cased word tokens (numbers kept, '1.5' and "don't" stay whole), plus amounts as plain digits."""
    found = _WORD.findall(text.lower())
    return found + [a for a in amount_tokens(text) if a not in found]


def content_terms(text: str) -> list[str]:
    """Words that carry meaning: no stopwords, no single letters."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


def has_figure(text: str) -> bool:
    """Whether a text states a figure: any digit (an amount, a rate, a date, a count)."""
    return bool(_FIGURE.search(text))


def informative(sentence: str) -> bool:
    """Whether a sentence is worth quoting: two content words, or one and a figure ("Fee: $25").

    Use this instead of a length cut-off: "Wire fee: $25." and a table row "Inventories | 2023: 555"
    are short and are the answer.
    """
    terms = content_terms(sentence)
    return len(terms) >= 2 or (len(terms) >= 1 and has_figure(sentence))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter2) stem of one lower-case word: 'wires' -> 'wire', 'withdrawing' -> 'withdraw'."""
    return str(_STEMMER.stemWord(word))


def stems(text: str) -> set[str]:
    """The stems of a text's content terms."""
    return {stem(t) for t in content_terms(text)}
