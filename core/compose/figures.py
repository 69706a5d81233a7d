"""Computed figures (portfolio, market, risk) as one context passage for a language model.

With a model, the figures go into the prompt as one more numbered passage ("Computed figures") next to
the retrieved passages, so the model explains numbers it was given and cites them like a source.
Offline, the answer is the specialists' headline sentences (core.answering.steps.FiguresStep).
"""

from __future__ import annotations

from collections.abc import Sequence

from core.retrieval.types import Passage

__all__ = ["FIGURES_TITLE", "FIGURES_URI", "figures_passage"]

FIGURES_TITLE = "Computed figures (finbot's calculations from your holdings and market data)"
FIGURES_URI = "#figures"


def figures_passage(facts: Sequence[str]) -> Passage:
    return Passage(
        chunk_id="figures", title=FIGURES_TITLE, uri=FIGURES_URI, text="\n".join(facts), score=1.0, relevance=1.0
    )
