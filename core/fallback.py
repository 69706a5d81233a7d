"""The fallback chain: LLM answer -> extractive answer -> template -> hand to a human.

Each step runs under its own timeout. A step that fails (provider error, timeout, 429, nothing to
say) records why in `Draft.failures` and passes the question to the next one, so a person always
gets an answer and never a traceback. The strategy that answered is `Draft.strategy` (then
`Reply.strategy` and the turn's metrics). Greetings, thanks and help are answered by the template
step straight away: no model is needed to say hello.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from core.compose.draft import DeltaSink, Draft
from core.compose.extractive import extractive_answer
from core.compose.llm import LlmComposer
from core.compose.templates import CANNOT_ANSWER, template_answer, template_intent
from core.errors import ProviderError
from core.retrieval.types import Passage

__all__ = ["FallbackChain", "stream_text"]

log = logging.getLogger(__name__)


async def stream_text(text: str, on_delta: DeltaSink, *, chunk_words: int = 6) -> None:
    """Send a ready answer in small pieces so every surface streams the same way."""
    words = text.split(" ")
    for start in range(0, len(words), chunk_words):
        piece = " ".join(words[start : start + chunk_words])
        await on_delta(piece if start == 0 else " " + piece)
        await asyncio.sleep(0)


EXTRACTIVE_SENTENCES = {"brief": 2, "detailed": 5}
"""How many sentences the offline answer keeps for a person's preferred style (default 3)."""


@dataclass(slots=True)
class FallbackChain:
    llm: LlmComposer | None = None
    llm_timeout_s: float = 20.0
    extractive_timeout_s: float = 5.0

    async def compose(
        self,
        question: str,
        passages: list[Passage],
        history: list[tuple[str, str]],
        *,
        on_delta: DeltaSink,
        style: str = "",
        memory: str = "",
        name: str = "",
    ) -> Draft:
        """`style`, `memory` (profile/facts/summary text) and `name` personalise the answer (core.memory)."""
        failures: list[str] = []
        intent = template_intent(question)
        if intent:
            draft = Draft(template_answer(intent, name=name), "template")
            await stream_text(draft.text, on_delta)
            return draft
        if passages and self.llm is not None:
            try:
                async with asyncio.timeout(self.llm_timeout_s):
                    draft = await self.llm.compose(
                        question, passages, history, on_delta=on_delta, style=style, memory=memory
                    )
                if draft.text:
                    return draft
                failures.append("llm: empty answer")
            except TimeoutError:
                failures.append("llm: timeout")
            except ProviderError as exc:
                failures.append(f"llm: {exc.__class__.__name__}")
            log.warning("LLM step failed, falling back: %s", failures[-1])
        if passages:
            try:
                draft = await asyncio.wait_for(
                    asyncio.to_thread(
                        extractive_answer, question, passages, max_sentences=EXTRACTIVE_SENTENCES.get(style, 3)
                    ),
                    self.extractive_timeout_s,
                )
            except TimeoutError:
                draft = Draft("", "extractive")
                failures.append("extractive: timeout")
            if draft.text:
                draft.failures = failures
                await stream_text(draft.text, on_delta)
                return draft
            if "extractive: timeout" not in failures:
                failures.append("extractive: nothing to extract")
        draft = Draft(CANNOT_ANSWER, "human", failures=failures)
        await stream_text(draft.text, on_delta)
        return draft
