from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.memory.profiles import find_name, find_style, update_profile
from core.memory.types import Profile

NOW = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi, my name is Alice and I'm interested in mutual funds", "Alice"),
        ("my name is alice", "Alice"),
        ("Call me Al", "Al"),
        ("my name is John Smith", "John Smith"),
        ("Hi, I'm Bob.", "Bob"),
        ("I'm interested in bonds", None),
        ("I am Retired", None),
    ],
)
def test_names(text: str, name: str | None) -> None:
    assert find_name(text) == name


def test_style_set_by_the_person_wins_over_inference() -> None:
    assert find_style("Please keep it short") == "brief"
    assert find_style("Can you explain in more detail?") == "detailed"
    profile = update_profile(Profile(user_id="u"), "Keep it short.", now=NOW)
    assert (profile.style, profile.style_source) == ("brief", "set")
    for _ in range(6):
        profile = update_profile(profile, " ".join(["word"] * 60), now=NOW)
    assert (profile.style, profile.style_source) == ("brief", "set")


def test_terse_writers_are_inferred_to_like_brief_answers() -> None:
    profile = Profile(user_id="u")
    for text in ["fees?", "wire cost", "hours?", "ira limit", "thanks"]:
        profile = update_profile(profile, text, now=NOW)
    assert (profile.style, profile.style_source) == ("brief", "inferred")


def test_topics_count_and_activity() -> None:
    profile = Profile(user_id="u")
    profile = update_profile(profile, "What are the fees on mutual funds?", route=["knowledge"], now=NOW)
    profile = update_profile(profile, "And the index fund fees?", route=["portfolio"], now=NOW)
    assert profile.topics == {"fees": 2, "mutual funds": 2, "portfolio": 1}
    assert profile.favourite_topics == ["fees", "mutual funds", "portfolio"]
    assert profile.interaction_count == 2 and profile.last_interaction == NOW
