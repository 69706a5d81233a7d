"""Offline answers: the sentences of the retrieved passages that best match the question, cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.compose.draft import Draft
from core.retrieval.text import sentences, stems
from core.retrieval.types import Passage
from core.types import Citation

__all__ = ["extractive_answer"]

# What kind of fact a question asks for, and what a sentence stating such a fact looks like.
_ASKS_AMOUNT = re.compile(r"\b(how much|cost|costs|fee|fees|price|charge|charges|minimum|limit|rate)\b", re.I)
_HAS_AMOUNT = re.compile(r"[$€£]\s?\d|\d\s?%|\bfree\b|\bno (fee|charge)\b", re.I)
_ASKS_TIME = re.compile(r"\b(when|how long|what time|deadline|cut-?off|hours|days)\b", re.I)
_HAS_TIME = re.compile(r"\b\d{1,2}(:\d{2})?\s?(a\.?m\.?|p\.?m\.?)|\b\d+\s?(to \d+ )?(business )?days?\b|\bET\b", re.I)


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    passage_rank: int
    position: int
    text: str


def _fact_bonus(question: str, sentence: str) -> float:
    bonus = 0.0
    if _ASKS_AMOUNT.search(question) and _HAS_AMOUNT.search(sentence):
        bonus += 0.3
    if _ASKS_TIME.search(question) and _HAS_TIME.search(sentence):
        bonus += 0.3
    return bonus


def _score_sentence(question: str, query_stems: set[str], passage: Passage, rank: int, position: int,
                    sentence: str) -> float:
    sentence_stems = stems(sentence)
    if not sentence_stems or not query_stems:
        return 0.0
    overlap = len(sentence_stems & query_stems) / len(query_stems)
    in_section = len(stems(passage.title) & query_stems) / len(query_stems)
    # The passage's rank and the section heading matter as much as the sentence's own words:
    # a sentence under "How much does a wire cost?" answers that even when it only says "$25".
    return overlap + 0.5 * in_section + 0.25 / (1 + rank) + 0.05 / (1 + position) + _fact_bonus(question, sentence)


def extractive_answer(
    question: str, passages: list[Passage], *, max_sentences: int = 3, max_passages: int = 3
) -> Draft:
    """Pick the best-matching sentences from the top passages, keep their order, cite each source."""
    query_stems = stems(question)
    candidates: list[_Candidate] = []
    seen: set[str] = set()
    for rank, passage in enumerate(passages[:max_passages]):
        for position, sentence in enumerate(sentences(passage.text)):
            normalized = " ".join(sentence.lower().split())
            if len(sentence) < 15 or normalized in seen:
                continue
            seen.add(normalized)
            score = _score_sentence(question, query_stems, passage, rank, position, sentence)
            if score > 0.3:
                candidates.append(_Candidate(score, rank, position, sentence))
    chosen = sorted(candidates, key=lambda c: c.score, reverse=True)[:max_sentences]
    chosen.sort(key=lambda c: (c.passage_rank, c.position))
    citation_numbers: dict[int, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for candidate in chosen:
        if candidate.passage_rank not in citation_numbers:
            passage = passages[candidate.passage_rank]
            citations.append(
                Citation(title=passage.title, uri=passage.uri, snippet=passage.text[:300], score=passage.score)
            )
            citation_numbers[candidate.passage_rank] = len(citations)
        parts.append(f"{candidate.text} [{citation_numbers[candidate.passage_rank]}]")
    return Draft(text=" ".join(parts), strategy="extractive", citations=citations)
