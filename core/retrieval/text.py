"""Small text helpers shared by retrieval, composing and grounding: words, stopwords, sentences."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from core.retrieval.sentences import sentences

__all__ = ["STOPWORDS", "content_terms", "has_figure", "informative", "sentences", "stem", "stems", "words"]

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


def words(text: str) -> list[str]:
    """Lower-cased word tokens (numbers kept, '1.5' and "don't" stay whole)."""
    return _WORD.findall(text.lower())


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
    return _STEMMER.stemWord(word)


def stems(text: str) -> set[str]:
    """The stems of a text's content terms."""
    return {stem(t) for t in content_terms(text)}
