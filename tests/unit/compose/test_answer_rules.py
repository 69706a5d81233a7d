"""What a reader expects of an offline answer: the amount asked for, the qualifier of a yes/no answer,
the source named for a period or a company, and a refusal that says what the nearest sources lack."""

from __future__ import annotations

from core.answering.refusal import refusal
from core.answering.request import AnswerRequest
from core.compose.extractive import extractive_answer
from core.retrieval.types import Passage


def _passage(n: int, title: str, text: str, relevance: float = 0.8) -> Passage:
    return Passage(chunk_id=f"c{n}", title=title, uri=f"kb://{n}", text=text, score=1.0 / n, relevance=relevance)


LEGAL = _passage(
    1,
    "Acme Tools Inc. > FY2022 annual report > Legal proceedings",
    "We are party to a variety of litigation arising in the ordinary course of business. "
    "None of these proceedings is expected to have a material effect on our financial position. "
    "We maintain insurance for product liability claims.",
)
FEES = _passage(
    2,
    "Advisory Fees > What is the fee schedule?",
    "We charge a tiered annual fee on assets under management. Each tier applies only to the assets inside "
    "that tier, like tax brackets. The first $500,000 is charged 1.00% a year.",
)


def test_a_yes_no_answer_keeps_the_sentence_that_qualifies_it() -> None:
    draft = extractive_answer("Are there any material legal battles?", [LEGAL], max_sentences=1)
    assert "party to a variety of litigation" in draft.text
    assert "None of these proceedings is expected to have a material effect" in draft.text


def test_an_amount_question_is_answered_with_the_sentence_that_states_it() -> None:
    draft = extractive_answer("What do you charge on the first 500k?", [FEES], max_sentences=1)
    assert "1.00%" in draft.text and draft.sources == ["c2"]


def test_a_question_naming_a_period_is_told_which_source_answers() -> None:
    draft = extractive_answer("Did Acme face material lawsuits in FY2022?", [LEGAL])
    assert draft.text.startswith("From *Acme Tools Inc. > FY2022 annual report > Legal proceedings*:")


def test_a_refusal_names_the_nearest_sources_and_the_period_they_lack() -> None:
    request = AnswerRequest(question="What was Acme's capital expenditure in FY2018?", passages=[LEGAL])
    withheld = extractive_answer(request.question, [LEGAL])
    text = refusal(request, withheld=withheld).text
    assert "couldn't find" in text and "Acme Tools Inc. > FY2022 annual report" in text
    assert "they cover 2022, not 2018" in text and "advisors" in text


def test_nothing_relevant_means_no_sources_and_an_offer() -> None:
    draft = refusal(AnswerRequest(question="What is the capital of Mongolia?"))
    assert draft.strategy == "refusal" and draft.citations == [] and "advisors" in draft.text
