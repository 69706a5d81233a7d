"""The answer guard's rules (core.answering.guard): what blocks an answer, what passes, what ingestion flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.answering.guard import flag_matches, guard_hits
from core.compose.disclaimer import DEFAULT_DISCLAIMER

SAMPLE_KNOWLEDGE = Path(__file__).resolve().parents[2] / "examples" / "knowledge"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Please wire money to account 4417-2290-1183 at Northbank.", ["account_number", "payment_instruction"]),
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
