"""Token estimates, the price table and period parsing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.metrics import PriceTable, count_tokens, parse_period
from core.metrics.periods import bucket_for
from core.metrics.prices import ModelPrice
from core.metrics.tokens import count_prompt_tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello world", 2),
        ("What does a wire cost?", 6),  # What does a wire cost ?
        ("$25.00", 4),  # $ 25 . 00
        ("international", 3),  # 13 letters: one token per six letters
        ("1234567", 3),  # digits in groups of three
    ],
)
def test_count_tokens_follows_the_bpe_rule_of_thumb(text: str, expected: int) -> None:
    assert count_tokens(text) == expected


def test_english_prose_is_about_four_characters_a_token() -> None:
    prose = (
        "Outgoing domestic wires cost $25 and international wires cost $45. Wires requested before 3 p.m. "
        "Eastern on a business day are sent the same day; later requests go out the next business day."
    )
    estimate = count_tokens(prose)
    assert 0.8 * len(prose) / 4 <= estimate <= 1.3 * len(prose) / 4


def test_prompt_tokens_add_the_chat_format_overhead() -> None:
    assert count_prompt_tokens(["hello world", "hi"]) == 2 + 1 + 2 * 4 + 3


def test_cost_is_per_million_tokens_and_matches_the_longest_prefix() -> None:
    table = PriceTable.from_settings({"gpt-4o-mini": {"input": 0.15, "output": 0.6}, "my-model": {"input": 1}})
    assert table.cost("gpt-4o-mini", tokens_in=1_000_000, tokens_out=0) == pytest.approx(0.15)
    assert table.cost("gpt-4o-mini-2024-07-18", tokens_in=2000, tokens_out=1000) == pytest.approx(
        (2000 * 0.15 + 1000 * 0.6) / 1e6
    )
    # "gpt-4o-mini" wins over the shorter built-in "gpt-4o" prefix
    assert table.price("gpt-4o-mini-2024-07-18") == ModelPrice(0.15, 0.6)
    assert table.cost("my-model", tokens_in=10**6, tokens_out=10**6) == pytest.approx(1.0)
    assert table.cost("unknown-model", tokens_in=10**6, tokens_out=10**6) == 0.0
    assert table.cost("", tokens_in=100, tokens_out=100) == 0.0


def test_settings_override_the_built_in_prices() -> None:
    table = PriceTable.from_settings({"gpt-4o": {"input": 1.0, "output": 2.0}})
    assert table.price("gpt-4o") == ModelPrice(1.0, 2.0)
    assert PriceTable.from_settings({}, defaults=False).price("gpt-4o") is None


@pytest.mark.parametrize(
    ("text", "span"),
    [("1h", timedelta(hours=1)), ("24h", timedelta(days=1)), ("7d", timedelta(days=7)), ("30D", timedelta(days=30)),
     ("15m", timedelta(minutes=15))],
)
def test_parse_period(text: str, span: timedelta) -> None:
    assert parse_period(text) == span


@pytest.mark.parametrize("text", ["", "yesterday", "0h", "91d", "-1h", "1w"])
def test_bad_periods_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="1h, 24h, 7d, 30d|at most 90d"):
        parse_period(text)


def test_chart_buckets_give_a_readable_number_of_points() -> None:
    for text in ("1h", "24h", "7d", "30d"):
        span = parse_period(text)
        assert 6 <= span / bucket_for(span) <= 48
