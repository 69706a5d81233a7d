"""Offline answers: the sentences of the retrieved passages that best answer the question, cited.

Sentences are scored by the question's terms they share, their passage's heading and rank, and whether
they hold the kind of fact asked for (core.compose.question). Then three rules a reader expects:
- a question asking for an amount is answered with the sentence (or table row) that states one;
- a yes/no question keeps the sentence that qualifies its answer ("..., none of which is material");
- a question naming a period or a company is told which source the answer comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.compose.draft import Draft
from core.compose.llm import citation_of
from core.compose.question import QuestionProfile, has_amount, has_time
from core.retrieval.tables import parse_row_unit
from core.retrieval.text import informative, sentences, stems
from core.retrieval.types import Passage

__all__ = ["extractive_answer"]

_QUALIFIER = re.compile(
    r"^\s*(however|but|although|though|except|unless|only|none|no|not|neither|nor|nevertheless|that said|"
    r"in (?:no|any) case)\b|\b(not|no|none|never|neither|immaterial|without)\b",
    re.I,
)
_LEANS_BACK = re.compile(
    r"^\s*(?:this|these|those|that|they|it|its|such|none of (?:these|them|this|those)|both|either)\b", re.I
)
"""A sentence opening like this leans on the one before it ("None of these proceedings is material")."""
_AMOUNT_SWAP = 0.6
"""An amount sentence replaces the weakest pick when it scores at least this share of the best one."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    passage_rank: int
    position: int
    text: str


def _states_amount(sentence: str) -> bool:
    """An amount in prose ("$25", "0.90%", "1.5 million"), or any figure in a table row ("Total | 2023: 1,577")."""
    return has_amount(sentence) or (parse_row_unit(sentence) is not None and bool(re.search(r"\d", sentence)))


def _fact_bonus(profile: QuestionProfile, sentence: str) -> float:
    bonus = 0.0
    if profile.asks_amount and _states_amount(sentence):
        bonus += 0.3
    if profile.asks_time and has_time(sentence):
        bonus += 0.3
    if profile.periods and profile.periods & set(re.findall(r"\b(?:19|20)\d{2}\b", sentence)):
        bonus += 0.2
    return bonus


def _score(profile: QuestionProfile, extra: set[str], passage: Passage, rank: int, position: int,
           sentence: str) -> float:
    sentence_stems = stems(sentence)
    query = profile.stems
    if not sentence_stems or not (query or extra):
        return 0.0
    weight = len(query) + 0.5 * len(extra)
    overlap = (len(sentence_stems & query) + 0.5 * len(sentence_stems & extra)) / weight
    in_section = len(stems(passage.title) & (query | extra)) / max(1, len(query | extra))
    # The passage's rank and the section heading matter as much as the sentence's own words:
    # a sentence under "How much does a wire cost?" answers that even when it only says "$25".
    return overlap + 0.5 * in_section + 0.25 / (1 + rank) + 0.05 / (1 + position) + _fact_bonus(profile, sentence)


def _candidates(profile: QuestionProfile, extra: set[str], passages: list[Passage]) -> tuple[
    list[_Candidate], dict[tuple[int, int], str]
]:
    """Scored sentences of the passages, and every sentence by (passage rank, position)."""
    candidates: list[_Candidate] = []
    every: dict[tuple[int, int], str] = {}
    seen: set[str] = set()
    for rank, passage in enumerate(passages):
        for position, sentence in enumerate(sentences(passage.text)):
            every[(rank, position)] = sentence
            normalized = " ".join(sentence.lower().split())
            if normalized in seen or not informative(sentence):
                continue
            seen.add(normalized)
            score = _score(profile, extra, passage, rank, position, sentence)
            if score > 0.3:
                candidates.append(_Candidate(score, rank, position, sentence))
    return candidates, every


def _pick(profile: QuestionProfile, candidates: list[_Candidate], max_sentences: int) -> list[_Candidate]:
    ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
    chosen = ranked[:max_sentences]
    if profile.asks_amount and chosen and not any(_states_amount(c.text) for c in chosen):
        with_amount = [c for c in ranked[max_sentences:] if _states_amount(c.text)]
        if with_amount and with_amount[0].score >= _AMOUNT_SWAP * chosen[0].score:
            chosen = [*chosen[:-1], with_amount[0]] if len(chosen) == max_sentences else [*chosen, with_amount[0]]
    return chosen


def _with_context(
    profile: QuestionProfile, chosen: list[_Candidate], every: dict[tuple[int, int], str]
) -> list[_Candidate]:
    """A pick that leans on the sentence before it brings that one; for a yes/no question, the sentence right
    after a pick that qualifies it comes along too ("..., none of which is material")."""
    picked = {(c.passage_rank, c.position) for c in chosen}
    out = list(chosen)

    def bring(c: _Candidate, position: int) -> None:
        key = (c.passage_rank, position)
        if key in every and key not in picked:
            out.append(_Candidate(c.score, c.passage_rank, position, every[key]))
            picked.add(key)

    for c in chosen:
        if _LEANS_BACK.match(c.text):
            bring(c, c.position - 1)
        following = every.get((c.passage_rank, c.position + 1))
        if profile.asks_yes_no and following and _QUALIFIER.search(following):
            bring(c, c.position + 1)
    return out


def _period_columns(profile: QuestionProfile, unit: str) -> str:
    """A table row quoted with only the columns of the period asked ("Total current assets | 2023: 1,577")."""
    parsed = parse_row_unit(unit)
    if parsed is None or not profile.periods:
        return unit
    label, cells = parsed
    asked = [(head, value) for head, value in cells if any(p in head for p in profile.periods)]
    if not asked or len(asked) == len(cells):
        return unit
    return " | ".join([label, *(f"{head}: {value}" if head else value for head, value in asked)])


def _source_lead(profile: QuestionProfile, passage: Passage) -> str:
    """'From <title>:' when the question names a period, or a name the source's title carries (a company's
    filing), so the answer says whose figures, of which period, it quotes."""
    title = passage.title.lower()
    if profile.periods or any(entity.lower() in title for entity in profile.entities):
        return f"From *{passage.title}*: "
    return ""


def extractive_answer(
    question: str, passages: list[Passage], *, max_sentences: int = 3, max_passages: int = 3, query: str = ""
) -> Draft:
    """Pick the best-matching sentences from the top passages, keep their order, cite each source.

    `query` is the standalone search query (a follow-up with the earlier question's terms); its extra
    terms count half as much as the question's own.
    """
    profile = QuestionProfile(question)
    extra = stems(query) - profile.stems if query else set()
    used_passages = passages[:max_passages]
    candidates, every = _candidates(profile, extra, used_passages)
    chosen = _with_context(profile, _pick(profile, candidates, max_sentences), every)
    chosen.sort(key=lambda c: (c.passage_rank, c.position))
    numbers: dict[int, int] = {}
    cited: list[Passage] = []
    parts: list[str] = []
    for candidate in chosen:
        if candidate.passage_rank not in numbers:
            cited.append(used_passages[candidate.passage_rank])
            numbers[candidate.passage_rank] = len(cited)
        parts.append(f"{_period_columns(profile, candidate.text)} [{numbers[candidate.passage_rank]}]")
    text = " ".join(parts)
    if text:
        text = _source_lead(profile, cited[0]) + text
    return Draft(
        text=text,
        strategy="extractive",
        citations=[citation_of(p) for p in cited],
        step="extractive",
        sources=[p.chunk_id for p in cited],
    )
