"""Summaries of a conversation, kept under a token budget: extractive offline, the model when configured.

Each run folds the messages the summary does not cover yet into the previous summary, so the
summary (not the full history) is what older context is built from.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from langchain_core.messages import HumanMessage, SystemMessage

from core.errors import ProviderError
from core.llm import provider_errors
from core.memory.tokens import TokenCounter, fit_to_budget
from core.retrieval.text import sentences
from core.store.conversations import StoredMessage

__all__ = ["ExtractiveSummarizer", "LlmSummarizer", "Summarizer"]

log = logging.getLogger(__name__)

_SPEAKERS = {"user": "Client", "assistant": "finbot", "advisor": "Advisor"}
_OMITTED = "(earlier parts omitted)"


class Summarizer(Protocol):
    async def summarize(self, previous: str, messages: list[StoredMessage], *, budget: int) -> str: ...


def _gist(text: str, *, max_sentences: int, max_chars: int) -> str:
    picked = " ".join(sentences(text)[:max_sentences]) or text.strip()
    picked = " ".join(picked.split())
    return picked if len(picked) <= max_chars else picked[: max_chars - 3].rsplit(" ", 1)[0] + "..."


class ExtractiveSummarizer:
    """One line per message (the client's words first in importance, finbot's answers shortened);
    when over budget the oldest lines go, finbot's before the client's."""

    def __init__(self, counter: TokenCounter) -> None:
        self._counter = counter

    def lines_for(self, messages: list[StoredMessage]) -> list[str]:
        lines: list[str] = []
        for message in messages:
            speaker = _SPEAKERS.get(message.role, message.role.title())
            is_client = message.role == "user"
            gist = _gist(message.text, max_sentences=2 if is_client else 1, max_chars=240 if is_client else 160)
            if gist:
                lines.append(f"- {speaker}: {gist}")
        return lines

    async def summarize(self, previous: str, messages: list[StoredMessage], *, budget: int) -> str:
        old = [line for line in previous.splitlines() if line.strip() and line != _OMITTED]
        lines = old + self.lines_for(messages)
        return self.fit(lines, budget)

    def fit(self, lines: list[str], budget: int) -> str:
        count = self._counter.count
        dropped = False
        while lines and count("\n".join(([_OMITTED] if dropped else []) + lines)) > budget:
            finbot = next((i for i, line in enumerate(lines) if not line.startswith("- Client:")), None)
            lines.pop(finbot if finbot is not None and finbot < len(lines) - 2 else 0)
            dropped = True
        if not lines:
            return ""
        text = "\n".join(([_OMITTED] if dropped else []) + lines)
        return text if count(text) <= budget else "\n".join(fit_to_budget(lines, budget, self._counter))


SUMMARY_SYSTEM = """You summarize a conversation between a client of a financial-advice firm and finbot, the \
firm's assistant, for finbot to read later. Fold the new messages into the previous summary. Keep what the \
client said about themselves, their goals and questions, the answers given (with figures as stated), and \
anything left open. Plain sentences, no preamble. At most {words} words."""


class LlmSummarizer:
    """The chat model writes the summary; an over-long one is cut to the budget, a failed call falls back
    to the extractive summarizer."""

    def __init__(self, model: Any, counter: TokenCounter, *, timeout_s: float = 30.0, input_budget: int = 6000):
        self._model = model
        self._counter = counter
        self._timeout_s = timeout_s
        self._input_budget = input_budget
        self._fallback = ExtractiveSummarizer(counter)

    async def summarize(self, previous: str, messages: list[StoredMessage], *, budget: int) -> str:
        transcript = fit_to_budget(
            [f"{_SPEAKERS.get(m.role, m.role)}: {' '.join(m.text.split())}" for m in messages],
            self._input_budget,
            self._counter,
        )
        prompt = f"Previous summary:\n{previous or '(none)'}\n\nNew messages:\n" + "\n".join(transcript)
        words = max(int(budget * 0.6), 20)  # tokens -> words, with room to spare
        try:
            async with asyncio.timeout(self._timeout_s):
                with provider_errors():
                    result = await self._model.ainvoke(
                        [SystemMessage(SUMMARY_SYSTEM.format(words=words)), HumanMessage(prompt)]
                    )
            text = result.content if isinstance(result.content, str) else ""
        except (ProviderError, TimeoutError) as exc:
            log.info("summary by the model failed (%s); summarizing extractively", exc.__class__.__name__)
            text = ""
        if not text.strip():
            return await self._fallback.summarize(previous, messages, budget=budget)
        return "\n".join(fit_to_budget(sentences(text.strip()) or [text.strip()], budget, self._counter, keep="first"))
