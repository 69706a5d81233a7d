"""Token counting, budgets, summaries and scrubbing: the pure parts of memory."""

from __future__ import annotations

from datetime import UTC, datetime

from core.memory.forget import scrub
from core.memory.render import as_you
from core.memory.summarizer import ExtractiveSummarizer
from core.memory.tokens import CharEstimateCounter, WordPieceCounter, default_counter, fit_to_budget
from core.store.conversations import StoredMessage


def test_the_shipped_tokenizer_counts_tokens() -> None:
    counter = default_counter()
    assert isinstance(counter, WordPieceCounter)
    assert counter.count("") == 0
    assert counter.count("Outgoing domestic wires cost $25.") == 7  # outgoing domestic wires cost $ 25 .
    assert CharEstimateCounter().count("x" * 35) == 10


def test_fit_to_budget_keeps_the_newest_lines_and_cuts_a_long_one() -> None:
    counter = default_counter()
    lines = [f"line number {i} here" for i in range(50)]
    kept = fit_to_budget(lines, 30, counter)
    assert kept[-1] == "line number 49 here" and counter.count("\n".join(kept)) <= 30
    [cut] = fit_to_budget(["word " * 100], 10, counter)
    assert cut.endswith("...") and counter.count(cut) <= 10


async def test_extractive_summary_drops_finbots_lines_before_the_clients() -> None:
    now = datetime.now(UTC)
    messages = [
        StoredMessage(i, "user" if i % 2 == 0 else "assistant", f"Message {i} " + "detail " * 20, "u", now)
        for i in range(20)
    ]
    summarizer = ExtractiveSummarizer(default_counter())
    text = await summarizer.summarize("", messages, budget=150)
    assert default_counter().count(text) <= 150
    assert text.startswith("(earlier parts omitted)") and "Message 18" in text
    assert text.count("- Client:") > text.count("- finbot:")


def test_scrub_removes_only_the_sentences_that_state_the_fact() -> None:
    text = "- Client: My name is Dana. I have two children in college.\n- finbot: Noted."
    assert scrub(text, ["has two children in college"]) == "- Client: My name is Dana.\n- finbot: Noted."


def test_facts_are_said_back_to_the_person() -> None:
    assert as_you("has two children") == "You have two children"
    assert as_you("their risk tolerance is moderate") == "Your risk tolerance is moderate"
    assert as_you("retired early") == "You told me: retired early"
