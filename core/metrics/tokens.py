"""Token counts when the provider reports no usage (some OpenAI-compatible servers, streams without usage).

An estimate, not a tokenizer: tiktoken would fetch its BPE files from the network on first use, and finbot
downloads nothing at run time. The rule follows how GPT-style BPE splits English text: a common word
(up to six letters) is one token, longer words one token per six letters, every punctuation mark or
symbol one token, digits in groups of up to three (about 4 characters a token on English prose, as
OpenAI's own rule of thumb says).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

__all__ = ["MESSAGE_OVERHEAD", "count_tokens", "count_prompt_tokens"]

_PIECES = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")
MESSAGE_OVERHEAD = 4
"""Tokens the chat format adds per message (role markers), as OpenAI's cookbook counts them."""


def count_tokens(text: str) -> int:
    """Estimated BPE tokens in `text` (0 for empty text)."""
    total = 0
    for piece in _PIECES.findall(text):
        if piece[0].isdigit():
            total += math.ceil(len(piece) / 3)
        elif piece[0].isalpha():
            total += math.ceil(len(piece) / 6)
        else:
            total += 1
    return total


def count_prompt_tokens(messages: Iterable[str]) -> int:
    """Estimated input tokens of a chat prompt made of these message texts."""
    texts = list(messages)
    return sum(count_tokens(t) for t in texts) + MESSAGE_OVERHEAD * len(texts) + 3
