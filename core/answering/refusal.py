"""The honest refusal: what finbot could not find, the nearest sources it has, and the offer of an advisor.

Written instead of an answer when nothing relevant was found, or when the answer's confidence is below
the threshold (FINBOT_CONFIDENCE_THRESHOLD): finbot does not state a doubtful answer as fact.
"""

from __future__ import annotations

from core.answering.request import AnswerRequest
from core.compose.draft import Draft
from core.compose.llm import citation_of
from core.compose.question import QuestionProfile, periods_in
from core.retrieval.types import Passage

__all__ = ["NOTHING_FOUND", "OFFER", "UNSURE", "refusal"]

NOTHING_FOUND = "I couldn't find anything about that in the firm's documents, and I'd rather not guess."
UNSURE = "I couldn't find a clear answer to that in the firm's documents, and I'd rather not guess."
NOT_SURE_OF_FIGURES = "I'm not sure enough of my answer to state it as fact."
OFFER = "If you'd like, I can ask one of our advisors to help."
NEAREST_SOURCES = 3
NEARBY_FLOOR = 0.25
"""A passage less relevant than this is not worth showing even as "the nearest" (relevance 0..1)."""


def _titles(passages: list[Passage]) -> str:
    names = [f"*{p.title}* [{i}]" for i, p in enumerate(passages, start=1)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _why(profile: QuestionProfile, nearest: list[Passage], withheld: Draft | None) -> str:
    """What the nearest sources lack, when it can be said plainly."""
    if profile.periods:
        covered = set().union(*(periods_in(f"{p.title}\n{p.text}") for p in nearest))
        if not covered & profile.periods:
            asked = " or ".join(sorted(profile.periods))
            have = ", ".join(sorted(covered)) if covered else "other periods"
            return f"they cover {have}, not {asked}"
    missing = [e for e in profile.entities if not any(e.lower() in f"{p.title} {p.text}".lower() for p in nearest)]
    if missing:
        return f"none of them mentions {missing[0]}"
    if profile.asks_amount and withheld is not None and withheld.text and profile.kind_present(withheld.text) is False:
        return "none of them states the figure you asked for"
    return ""


def refusal(request: AnswerRequest, *, withheld: Draft | None = None) -> Draft:
    """A refusal for `request`; `withheld` is the doubtful answer it replaces (its sources are the nearest)."""
    by_id = {p.chunk_id: p for p in [*request.passages, *request.nearby]}
    # The withheld answer's own sources are the nearest (so its confidence and its sources stay one pair);
    # with no such answer, the best passages the search found.
    nearest = [by_id[s] for s in (withheld.sources if withheld else []) if s in by_id]
    if not nearest:
        nearby = [p for p in request.nearby if p.relevance >= NEARBY_FLOOR]
        nearest = [*request.passages, *nearby][:NEAREST_SOURCES]
    if not nearest:
        lead = NOT_SURE_OF_FIGURES if withheld is not None and withheld.text else NOTHING_FOUND
        return Draft(f"{lead} {OFFER}", "refusal", step="refusal")
    why = _why(QuestionProfile(request.question), nearest, withheld)
    lead = f"The nearest documents I have are {_titles(nearest)}"
    text = f"{UNSURE} {lead}{', but ' + why if why else ''}. {OFFER}"
    return Draft(
        text, "refusal", citations=[citation_of(p) for p in nearest], step="refusal",
        sources=[p.chunk_id for p in nearest],
    )
