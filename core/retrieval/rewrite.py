"""Conversation-aware retrieval: turn a follow-up ("and for a Roth?") into a standalone search query.

With a language model the follow-up is rewritten from the recent turns. Offline a heuristic does it:
a follow-up (short, or leaning on "it / that / what about ...") is searched together with the key
terms of the person's previous question(s). Measured on MTRAG-UN's FiQA follow-up turns
(bench/conversational.py): Recall@5 of the reference passages rises over last-turn-only search.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence

from core.retrieval.text import content_terms

__all__ = ["QueryRewriter", "is_follow_up", "standalone_query"]

log = logging.getLogger(__name__)

_ANAPHORA = re.compile(
    r"\b(it|its|that|this|these|those|they|them|their|there|one|ones|same|such|also|instead|either|"
    r"what about|how about|and if|what if|then|else|more|other)\b",
    re.I,
)
_STARTS_CONTINUATION = re.compile(r"^\s*(and|or|but|so|also|what about|how about|then|why|how come)\b", re.I)

REWRITE_PROMPT = (
    "Rewrite the last question of this conversation as one standalone search query that makes sense "
    "without the conversation. Keep names, products and numbers. Answer with the query only.\n\n"
    "{conversation}\n\nLast question: {question}\nStandalone query:"
)


def is_follow_up(question: str) -> bool:
    """Whether a question probably leans on what was said before."""
    terms = content_terms(question)
    return len(terms) <= 4 or bool(_ANAPHORA.search(question)) or bool(_STARTS_CONTINUATION.match(question))


def standalone_query(question: str, history: Sequence[tuple[str, str]], *, user_turns: int = 2) -> str:
    """The offline rewrite: a follow-up plus the key terms of the person's last `user_turns` questions."""
    previous = [text for role, text in history if role == "user" and text.strip() != question.strip()]
    if not previous or not is_follow_up(question):
        return question
    seen = set(content_terms(question))
    extra: list[str] = []
    for text in reversed(previous[-user_turns:]):
        for term in content_terms(text):
            if term not in seen:
                seen.add(term)
                extra.append(term)
    return f"{question} {' '.join(extra)}".strip() if extra else question


class QueryRewriter:
    """Rewrites follow-ups with the chat model when one is configured, else (or on failure) offline."""

    def __init__(self, llm: object | None = None, *, timeout_s: float = 5.0, recent_turns: int = 4) -> None:
        self._llm = llm
        self._timeout = timeout_s
        self._recent = recent_turns

    async def rewrite(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        if not history:
            return question
        if self._llm is None:
            return standalone_query(question, history)
        from langchain_core.messages import HumanMessage

        from core.errors import ProviderError
        from core.llm import provider_errors

        recent = list(history)[-2 * self._recent :]
        conversation = "\n".join(f"{role}: {text[:500]}" for role, text in recent)
        try:
            async with asyncio.timeout(self._timeout):
                with provider_errors():
                    answer = await self._llm.ainvoke(  # type: ignore[attr-defined]
                        [HumanMessage(REWRITE_PROMPT.format(conversation=conversation, question=question))]
                    )
        except (ProviderError, TimeoutError) as exc:
            log.info("query rewrite fell back to the heuristic: %s", exc.__class__.__name__)
            return standalone_query(question, history)
        text = str(getattr(answer, "content", "")).strip().strip('"')
        return text if 3 <= len(text) <= 500 else standalone_query(question, history)
