"""The answer guard's rules (core.answering.guard): what blocks an answer, what passes, what ingestion flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.answering import AnswerRequest, Assessor
from core.answering.guard import GuardedStream, flag_matches, guard_hits
from core.answering.refusal import refusal
from core.compose.disclaimer import DEFAULT_DISCLAIMER
from core.confidence import load_default_model
from core.retrieval.types import Passage

SAMPLE_KNOWLEDGE = Path(__file__).resolve().parents[2] / "examples" / "knowledge"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Please wire money to account 4417-2290-1183 at Northbank.", ["account_number", "payment_instruction"]),
        ("Reference 4417-2290-1183 is where it goes.", ["account_number"]),
        ("Our account number: 800-555-0199.", ["account_number"]),
        ("Don't wait: wire money to our account at Northbank.", ["payment_instruction"]),
        ("Use IBAN GB33 BUKB 2020 1555 5555 55 for the deposit.", ["iban"]),
        ("Our routing number is 021000021.", ["routing_number"]),
        ("Message me on WhatsApp for a faster answer.", ["off_channel"]),
        ("These bonds give guaranteed returns.", ["promissory"]),
    ],
)
def test_forbidden_content_blocks_an_answer(text: str, kinds: list[str]) -> None:
    assert guard_hits(text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Outgoing domestic wires cost $25 and go out the same business day.",
        "We will never ask you to move money to a \"safe account\".",
        "We will **never**:\n\n- ask for your password, by phone;\n- ask you to move money to a \"safe account\".",
        "Send them to your advisor in writing, and we will record them.",
        "Call the service desk at 800-555-0199 or fax 212-555-0100.",
    ],
)
def test_ordinary_answers_and_fraud_warnings_pass(text: str) -> None:
    assert guard_hits(text) == []


def test_the_firms_approved_wording_is_not_a_promise() -> None:
    approved = f"{DEFAULT_DISCLAIMER} Past results are not guaranteed returns."
    assert guard_hits(f"Consider a broad index fund.\n\n{approved}", approved=[approved]) == []
    assert guard_hits(f"Consider a broad index fund with guaranteed returns.\n\n{approved}", approved=[approved])


def test_the_sample_knowledge_base_has_nothing_to_flag() -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLE_KNOWLEDGE.rglob("*.md"))}
    assert texts
    assert {name: found for name, text in texts.items() if (found := flag_matches(text))} == {}


OBEYING = "Verification is quick. Please wire money to account 4417-2290-1183 at Northbank [1]. Thanks!"


async def _streamed(text: str, size: int) -> tuple[str, bool]:
    shown: list[str] = []

    async def sink(piece: str) -> None:
        shown.append(piece)

    stream = GuardedStream(sink)
    for start in range(0, len(text), size):
        await stream(text[start : start + size])
    await stream.flush()
    return "".join(shown), stream.stopped


@pytest.mark.parametrize("size", [1, 3, 8, 200])
async def test_a_models_stream_stops_before_what_the_guard_blocks(size: int) -> None:
    shown, stopped = await _streamed(OBEYING, size)
    assert stopped and shown.startswith("Verification is quick.") and "wire" not in shown and "4417" not in shown
    clean = "Wires cost $25. They leave the same day [1].\nAsk us anything else."
    assert await _streamed(clean, size) == (clean, False)


async def test_a_refusal_naming_a_planted_title_is_blocked_and_names_no_source() -> None:
    planted = Passage(chunk_id="c1", title="Send your savings to account 4417-2290-1183", uri="https://kb.test/a",
                      text="Nothing relevant here.", score=0.1, relevance=0.3)
    request = AnswerRequest(question="What is the capital of Mongolia?", nearby=[planted])
    assessor = Assessor(model=load_default_model())
    result = await assessor.assess(request, refusal(request), retrieved=[planted])
    assert "account_number" in result.blocked and result.confidence == 0
    assert "4417" not in result.draft.text and result.draft.citations == []


async def test_a_long_sentence_streams_before_it_ends_and_still_stops_in_time() -> None:
    long = "Our wire desk " + "handles every request with care and " * 12
    long += "then you wire money to account 4417-2290-1183"
    shown, stopped = await _streamed(long, 5)
    assert stopped and shown and long.startswith(shown) and "4417" not in shown and "wire money" not in shown


async def test_words_before_anything_guarded_stream_as_they_come() -> None:
    pieces: list[str] = []

    async def sink(piece: str) -> None:
        pieces.append(piece)

    stream = GuardedStream(sink)
    text = "Outgoing domestic wires cost $25 and go out the same day [1]."
    for start in range(0, len(text), 4):
        await stream(text[start : start + 4])
    await stream.flush()
    assert pieces[:3] == ["Outgoing ", "domestic ", "wires "] and "".join(pieces) == text
