"""Answers built on computed figures (portfolio, market, risk), with or without a language model.

With a model, the figures go into the prompt as one more numbered context passage ("Computed figures")
next to the retrieved passages, so the model explains numbers it was given and cites them like a
source. Offline, the answer is the specialists' headline sentences, verbatim, followed by the
extractive answer from any retrieved passages. Strategy "extractive": the sentences are extracted
from the computed facts, so the grounding check scores them like any extractive answer (the
"template" strategy would skip it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from core.compose.draft import DeltaSink, Draft
from core.compose.extractive import extractive_answer
from core.errors import ProviderError
from core.fallback import FallbackChain, stream_text
from core.retrieval.types import Passage

__all__ = ["FIGURES_TITLE", "FIGURES_URI", "compose_with_figures", "figures_passage"]

log = logging.getLogger(__name__)

FIGURES_TITLE = "Computed figures (finbot's calculations from your holdings and market data)"
FIGURES_URI = "#figures"


def figures_passage(facts: Sequence[str]) -> Passage:
    return Passage(
        chunk_id="figures", title=FIGURES_TITLE, uri=FIGURES_URI, text="\n".join(facts), score=1.0, relevance=1.0
    )


async def compose_with_figures(
    chain: FallbackChain,
    question: str,
    *,
    summary: Sequence[str],
    facts: Sequence[str],
    passages: list[Passage],
    history: list[tuple[str, str]],
    on_delta: DeltaSink,
    style: str = "",
    memory: str = "",
) -> Draft:
    failures: list[str] = []
    if chain.llm is not None and facts:
        try:
            async with asyncio.timeout(chain.llm_timeout_s):
                draft = await chain.llm.compose(
                    question,
                    [figures_passage(facts), *passages],
                    history,
                    on_delta=on_delta,
                    style=style,
                    memory=memory,
                )
            if draft.text:
                return draft
            failures.append("llm: empty answer")
        except TimeoutError:
            failures.append("llm: timeout")
        except ProviderError as exc:
            failures.append(f"llm: {exc.__class__.__name__}")
        log.warning("LLM step failed on a figures answer, falling back: %s", failures[-1])
        await on_delta("\n\n")  # a partial stream may already be on screen; the final reply replaces it
    draft = figures_answer(question, summary, passages)
    draft.failures = failures
    await stream_text(draft.text, on_delta)
    return draft


def figures_answer(question: str, summary: Sequence[str], passages: list[Passage]) -> Draft:
    """The offline answer: the headline sentences, then what the firm's documents say (cited)."""
    text = " ".join(summary)
    citations = []
    if passages:
        extract = extractive_answer(question, passages)
        if extract.text:
            text = f"{text}\n\n{extract.text}" if text else extract.text
            citations = extract.citations
    return Draft(text=text, strategy="extractive", citations=citations)
