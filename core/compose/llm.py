"""Answers written by a language model, grounded in the retrieved passages and streamed."""

from __future__ import annotations

import re

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage

from core.compose.draft import DeltaSink, Draft
from core.compose.prompts import ANSWER_SYSTEM, MEMORY_SECTION, format_context
from core.llm import provider_errors
from core.retrieval.types import Passage
from core.types import Citation

__all__ = ["LlmComposer", "citation_of", "renumber_citations"]

_MARKER = re.compile(r"\[(\d{1,2})\]")


class LlmComposer:
    def __init__(self, model: BaseChatModel, *, model_name: str) -> None:
        self._model = model
        self.model_name = model_name

    def build_messages(
        self,
        question: str,
        passages: list[Passage],
        history: list[tuple[str, str]],
        *,
        style: str = "",
        memory: str = "",
    ) -> list[BaseMessage]:
        context = format_context([(p.title, p.text) for p in passages])
        style_line = f"\nThe client prefers {style} answers." if style else ""
        system = ANSWER_SYSTEM.format(context=context, style=style_line)
        if memory:  # profile, long-term facts, summary (core.memory)
            system += MEMORY_SECTION.format(memory=memory)
        messages: list[BaseMessage] = [SystemMessage(system)]
        for role, text in history:
            messages.append(HumanMessage(text) if role == "user" else AIMessage(text))
        messages.append(HumanMessage(question))
        return messages

    async def compose(
        self,
        question: str,
        passages: list[Passage],
        history: list[tuple[str, str]],
        *,
        on_delta: DeltaSink,
        style: str = "",
        memory: str = "",
    ) -> Draft:
        """Stream the model's answer to `on_delta`; provider failures raise ProviderError."""
        messages = self.build_messages(question, passages, history, style=style, memory=memory)
        text = ""
        usage: dict[str, int] = {}
        with provider_errors():
            async for chunk in self._model.astream(messages):
                assert isinstance(chunk, AIMessageChunk)
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    text += piece
                    await on_delta(piece)
                if chunk.usage_metadata:
                    usage = {k: int(v) for k, v in chunk.usage_metadata.items() if isinstance(v, int)}
        text, used = renumber_citations(text.strip(), passages)
        return Draft(
            text=text,
            strategy="llm",
            citations=[citation_of(p) for p in used],
            model=self.model_name,
            tokens_in=usage.get("input_tokens", 0),
            tokens_out=usage.get("output_tokens", 0),
            step="llm",
            sources=[p.chunk_id for p in used],
            streamed=bool(text),
        )


def renumber_citations(text: str, passages: list[Passage]) -> tuple[str, list[Passage]]:
    """Keep only the passages the answer cites by [n], numbered 1.. in order of first use.

    Returns the renumbered text and the cited passages in their new order. An answer that cites
    nothing keeps every passage it was given as its sources.
    """
    order: list[int] = []
    for match in _MARKER.finditer(text):
        number = int(match.group(1))
        if 1 <= number <= len(passages) and number not in order:
            order.append(number)
    if not order:
        return text, list(passages)
    new_number = {old: new for new, old in enumerate(order, start=1)}

    def swap(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return f"[{new_number[number]}]" if number in new_number else ""

    return _MARKER.sub(swap, text), [passages[n - 1] for n in order]


def citation_of(passage: Passage) -> Citation:
    """The citation of a passage as every surface shows it."""
    return Citation(title=passage.title, uri=passage.uri, snippet=passage.text[:300], score=passage.score)
