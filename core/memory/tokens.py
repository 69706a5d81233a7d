"""Counting tokens offline: the shipped all-MiniLM-L6-v2 `tokenizer.json` through `tokenizers`.

tiktoken downloads its BPE files at run time, which finbot cannot do. A WordPiece count is close to
(and usually a little above) what OpenAI's tokenizers count for English, so budgets kept with it
hold. When the tokenizer file is missing, a conservative estimate (one token per 3.5 characters)
stands in.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

__all__ = ["CharEstimateCounter", "TokenCounter", "WordPieceCounter", "default_counter", "fit_to_budget"]

log = logging.getLogger(__name__)

TOKENIZER_PATH = Path(__file__).resolve().parent.parent / "retrieval" / "models" / "tokenizer.json"


class TokenCounter(Protocol):
    def count(self, text: str) -> int: ...


class CharEstimateCounter:
    """ceil(chars / 3.5): errs high for English prose, so budgets are kept."""

    name = "chars/3.5"

    def count(self, text: str) -> int:
        return math.ceil(len(text) / 3.5) if text else 0


class WordPieceCounter:
    """Tokens of a Hugging Face `tokenizer.json` (no special tokens, no truncation)."""

    name = "wordpiece"

    def __init__(self, path: Path = TOKENIZER_PATH) -> None:
        from tokenizers import Tokenizer

        tokenizer: Any = Tokenizer.from_file(str(path))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        # Every turn counts the same recent messages, facts and summary again: each text is encoded once.
        self._cached = lru_cache(maxsize=4096)(self._encode)

    def count(self, text: str) -> int:
        return self._cached(text) if text else 0

    def _encode(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)


@lru_cache(maxsize=1)
def default_counter() -> TokenCounter:
    """The WordPiece counter when its file ships with finbot, else the character estimate."""
    if TOKENIZER_PATH.is_file():
        try:
            return WordPieceCounter(TOKENIZER_PATH)
        except Exception:  # a broken file must not stop finbot from answering
            log.warning("could not load %s; counting tokens by characters", TOKENIZER_PATH)
    return CharEstimateCounter()


def fit_to_budget(lines: list[str], budget: int, counter: TokenCounter, *, keep: str = "last") -> list[str]:
    """The longest run of `lines` (newest when keep='last', first ones when keep='first') within `budget`
    tokens, counted as they will be joined with newlines. A single line too long is cut by words."""
    chosen: list[str] = []
    used = 0
    ordered = list(reversed(lines)) if keep == "last" else list(lines)
    for line in ordered:
        cost = counter.count(line) + (1 if chosen else 0)
        if used + cost > budget:
            if not chosen:
                cut = _cut_words(line, budget, counter)
                if cut:
                    chosen.append(cut)
            break
        chosen.append(line)
        used += cost
    return list(reversed(chosen)) if keep == "last" else chosen


def _cut_words(text: str, budget: int, counter: TokenCounter) -> str:
    words = text.split()
    low, high = 0, len(words)
    while low < high:  # the most words whose text (plus an ellipsis) fits
        middle = (low + high + 1) // 2
        if counter.count(" ".join(words[:middle]) + " ...") <= budget:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]) + " ..." if low else ""
