from __future__ import annotations

from core.compose.extractive import extractive_answer
from core.retrieval.types import Passage


def _passage(n: int, title: str, text: str) -> Passage:
    return Passage(chunk_id=f"c{n}", title=title, uri=f"file:///kb/{n}.md", text=text, score=1.0 / n, relevance=1.0)


WIRES = _passage(
    1,
    "Money Transfers > How much does it cost to send a wire?",
    "- **Incoming wires:** free.\n- **Outgoing domestic wires:** $25. Requests approved by 2:00 p.m. ET go out "
    "the same day.\n\nWe never accept changes to wire instructions by email alone.",
)
ACH = _passage(2, "Money Transfers > ACH", "ACH transfers are free and take 1 to 3 business days to arrive.")


def test_picks_the_sentence_with_the_amount_and_cites_it() -> None:
    draft = extractive_answer("How much does a domestic wire cost?", [WIRES, ACH])
    assert "$25" in draft.text
    assert draft.text.count("[1]") >= 1
    assert draft.citations[0].title == WIRES.title
    assert draft.strategy == "extractive"


def test_citation_numbers_follow_the_passages_used() -> None:
    draft = extractive_answer("How long do ACH transfers and wires take?", [WIRES, ACH], max_sentences=4)
    titles = [c.title for c in draft.citations]
    assert titles == sorted(set(titles), key=titles.index), "each source cited once"
    for number in range(1, len(draft.citations) + 1):
        assert f"[{number}]" in draft.text


def test_no_passages_gives_no_text() -> None:
    draft = extractive_answer("anything", [])
    assert draft.text == "" and draft.citations == []


def test_repeated_sentences_are_used_once() -> None:
    twin = _passage(3, "Security", "We never accept changes to wire instructions by email alone.")
    draft = extractive_answer("Do you accept wire instruction changes by email?", [WIRES, twin])
    assert draft.text.count("We never accept changes") == 1
