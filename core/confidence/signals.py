"""The signals the confidence model reads: each varies with how well the answer fits the question.

An extractive answer is copied from its sources, so checking it against them proves nothing (it always
scored 100). These signals look at what does vary: how relevant the best passage is and how clearly it
wins, whether the keyword and dense searches agree, how much of the question the cited sentences cover,
whether the kind of fact asked for (an amount, a time) is there, and whether the period and the names
the question gives appear in the sources. All are 0..1 (or small counts scaled to 0..1).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from core.compose.question import QuestionProfile, periods_in
from core.retrieval.text import stems
from core.retrieval.types import Passage

__all__ = ["SIGNALS", "answer_signals"]

SIGNALS: tuple[str, ...] = (
    "relevance_top",
    "dense_top",
    "coverage_top",
    "margin",
    "both_sides_agree",
    "relevant_share",
    "answer_coverage",
    "cited_top",
    "kind_missing",
    "yes_no",
    "period_missing",
    "entity_missing",
    "follow_up",
    "short_question",
    "missing_top",
    "missing_cited",
)
"""The model's inputs, in order (model.json lists the same names)."""

_CITATION = re.compile(r"\s*\[\d{1,2}\]")


def _agree(passage: Passage) -> float:
    """1 when both searches rank the passage in their top 3, 0.5 when one of them ranks it first, else 0."""
    dense, keyword = passage.dense_rank or 0, passage.keyword_rank or 0
    if 0 < dense <= 3 and 0 < keyword <= 3:
        return 1.0
    return 0.5 if 1 in (dense, keyword) else 0.0


def answer_signals(
    *,
    question: str,
    query: str,
    retrieved: Sequence[Passage],
    relevant: int,
    answer: str,
    sources: Sequence[str],
    top_k: int,
) -> dict[str, float]:
    """The signals of one answer.

    `retrieved`: every passage the search returned, best first (relevant or not); `relevant`: how many
    passed the relevance floor; `answer`: the draft's text; `sources`: chunk ids of the passages it cites.
    """
    profile = QuestionProfile(question)
    top = retrieved[0] if retrieved else None
    second = retrieved[1] if len(retrieved) > 1 else None
    cited = [p for p in retrieved if p.chunk_id in set(sources)]
    cited_text = "\n".join(f"{p.title}\n{p.text}" for p in cited).lower()
    answer_text = _CITATION.sub("", answer)
    question_stems = profile.stems
    covered = len(question_stems & stems(answer_text)) / len(question_stems) if question_stems else 0.0
    missing_kind = profile.kind_present(answer_text) is False
    period_missing = bool(profile.periods) and not (profile.periods & periods_in(cited_text))
    entities = profile.entities
    entity_missing = sum(e.lower() not in cited_text for e in entities) / len(entities) if entities else 0.0
    return {
        "relevance_top": top.relevance if top else 0.0,
        "dense_top": max(0.0, top.dense or 0.0) if top else 0.0,
        "coverage_top": top.coverage if top else 0.0,
        "margin": max(0.0, top.score - second.score) if top and second else (top.score if top else 0.0),
        "both_sides_agree": _agree(top) if top else 0.0,
        "relevant_share": min(1.0, relevant / max(1, top_k)),
        "answer_coverage": covered,
        "cited_top": 1.0 if top is not None and top.chunk_id in set(sources) else 0.0,
        "kind_missing": 1.0 if missing_kind else 0.0,
        "yes_no": 1.0 if profile.asks_yes_no else 0.0,
        "period_missing": 1.0 if period_missing else 0.0,
        "entity_missing": entity_missing,
        "follow_up": 1.0 if query and query.strip() != question.strip() else 0.0,
        "short_question": 1.0 / (1.0 + math.log1p(len(question_stems))),
        "missing_top": top.missing if top else 1.0,
        "missing_cited": min((p.missing for p in cited), default=1.0),
    }
