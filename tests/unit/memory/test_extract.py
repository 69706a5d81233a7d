from __future__ import annotations

import pytest

from core.memory.extract import extract_rules, score_importance


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("Hi, my name is Alice and I'm interested in mutual funds", ["is interested in mutual funds"]),
        ("I have two children in college and I prefer growth stocks.",
         ["has two children in college", "prefers growth stocks"]),
        ("I'm retiring in 2031", ["is retiring in 2031"]),
        ("My risk tolerance is moderate", ["their risk tolerance is moderate"]),
        ("I am 45 years old, I live in Boston", ["is 45 years old", "lives in Boston"]),
        ("I've been investing for 10 years", ["has been investing for 10 years"]),
        ("I have a question about fees", []),
        ("How is my portfolio doing?", []),
        ("Do I have two children?", []),
        ("I want to know the fees", []),
        ("I'm Alice", []),
        ("I'm not sure", []),
        # Only what the person says about themselves: not other people, not views on markets.
        ("My brother says bitcoin is the future.", []),
        ("My wife is a teacher", []),
        ("My advisor told me to buy gold", []),
        ("I think stocks will crash next year", []),
        ("I'm bullish on tech", []),
        ("I heard bitcoin is going to the moon", []),
        ("My goal is to retire at 60", ["their goal is to retire at 60"]),
        ("My time horizon is 20 years and I prefer index funds",
         ["their time horizon is 20 years", "prefers index funds"]),
        ("I have 100 shares of Apple", ["has 100 shares of Apple"]),
    ],
)
def test_rules_keep_explicit_statements_without_their_subject(text: str, facts: list[str]) -> None:
    assert [f.text for f in extract_rules(text)] == facts


def test_single_valued_subjects_get_a_slot_and_weigh_more() -> None:
    [retiring] = extract_rules("I'm retiring in 2031.")
    [age] = extract_rules("I am 52 years old")
    assert (retiring.slot, age.slot) == ("retirement", "age")
    assert retiring.importance > score_importance("likes the color blue")
