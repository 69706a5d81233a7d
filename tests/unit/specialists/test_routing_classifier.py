"""The offline supervisor on the labelled questions (tests/fixtures/routing_questions.json), and pinning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.retrieval import make_embedder
from core.routing import OfflineClassifier, RouteDecision, RouteRequest, Supervisor, apply_pin

LABELLED = json.loads((Path(__file__).parents[2] / "fixtures" / "routing_questions.json").read_text())


async def _accuracy(classifier: OfflineClassifier) -> tuple[float, list[str]]:
    supervisor = Supervisor(classifier, mode="offline")
    wrong = []
    for item in LABELLED:
        routed = await supervisor.route(RouteRequest(question=item["text"], known_symbols=["AAPL", "MSFT", "VTI"]))
        if sorted(routed.route) != sorted(item["route"]):
            wrong.append(f"{item['text']!r}: {routed.route} != {item['route']}")
    return 1 - len(wrong) / len(LABELLED), wrong


def test_the_labelled_set_is_big_enough_and_covers_every_specialist() -> None:
    assert len(LABELLED) >= 30
    assert {s for item in LABELLED for s in item["route"]} == {"knowledge", "portfolio", "market", "risk"}


async def test_keywords_and_embeddings_route_at_least_90_percent_right() -> None:
    accuracy, wrong = await _accuracy(OfflineClassifier(make_embedder("local")))
    assert accuracy >= 0.90, "\n".join(wrong)


async def test_keywords_alone_still_route_most_questions() -> None:
    """Without an embedder (no retrieval engine), paraphrases with no keyword fall back to knowledge."""
    accuracy, _ = await _accuracy(OfflineClassifier())
    assert accuracy >= 0.85


async def test_high_stakes_questions_are_flagged() -> None:
    classifier = OfflineClassifier()
    for item in LABELLED:
        decision = await classifier.decide(RouteRequest(question=item["text"]))
        assert decision.high_stakes == item["high_stakes"], item["text"]


@pytest.mark.parametrize(
    ("question", "pinned", "pinned_symbols", "route", "symbols"),
    [
        ("and what about risk?", ["portfolio"], [], ["risk"], []),
        ("And how volatile is it?", ["market"], ["AAPL"], ["risk"], ["AAPL"]),
        ("what about last month?", ["market"], ["MSFT"], ["market"], ["MSFT"]),
        ("and the risk of my portfolio?", ["market"], ["AAPL"], ["risk"], []),
        ("What are the advisory fees?", ["portfolio"], [], ["knowledge"], []),
        ("and what about risk?", [], [], ["knowledge"], []),  # no thread, no subject: no data question
    ],
)
async def test_follow_ups_keep_the_threads_subject(
    question: str, pinned: list[str], pinned_symbols: list[str], route: list[str], symbols: list[str]
) -> None:
    supervisor = Supervisor(OfflineClassifier(), mode="offline")
    routed = await supervisor.route(
        RouteRequest(question=question, pinned_route=pinned, pinned_symbols=pinned_symbols, known_symbols=["AAPL"])
    )
    assert (routed.route, routed.symbols) == (route, symbols)


def test_apply_pin_sends_a_question_with_no_specialist_to_knowledge() -> None:
    request = RouteRequest(question="Tell me a joke")
    assert apply_pin(RouteDecision(), request) == (["knowledge"], [])


async def test_unknown_tickers_are_kept_and_common_abbreviations_are_not() -> None:
    decision = await OfflineClassifier().decide(
        RouteRequest(question="Price of TSLA, $nvda and my IRA ETF?", known_symbols=["AAPL"])
    )
    assert decision.symbols == ["TSLA", "NVDA"]
