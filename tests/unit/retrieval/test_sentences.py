"""The sentence splitter: abbreviations, times and decimals, list items, wrapped lines, table rows."""

from __future__ import annotations

import pytest

from core.retrieval.text import informative, sentences


@pytest.mark.parametrize(
    "text",
    [
        "We close at 1:00 p.m. ET on the day after Thanksgiving and on Christmas Eve.",
        "Accounts held in the U.S. are covered by SIPC up to $500,000.",
        "Some fees, e.g. the wire fee, are waived for Premier households.",
        "Acme Inc. reported revenue of $1.5 million for the quarter ended Dec. 24 last year.",
        "See Form No. 5 for the beneficiary details, i.e. the names and shares.",
        "The blended rate is 0.90% a year vs. 1.00% on the first tier.",
    ],
)
def test_abbreviations_times_and_decimals_do_not_split(text: str) -> None:
    assert sentences(text) == [text]


def test_sentences_still_split_after_an_abbreviation_that_ends_one() -> None:
    assert sentences("We close at 5:00 p.m. We reopen at 9:00 a.m. on Monday.") == [
        "We close at 5:00 p.m.",
        "We reopen at 9:00 a.m. on Monday.",
    ]
    assert sentences("He moved to the U.S. Then he opened an IRA.") == [
        "He moved to the U.S.",
        "Then he opened an IRA.",
    ]


def test_list_items_are_units_and_short_figures_are_kept() -> None:
    text = "Wire fees:\n- Domestic: $25\n- International: $45\n1. Call us.\n2. Confirm."
    assert sentences(text) == ["Wire fees:", "Domestic: $25", "International: $45", "Call us.", "Confirm."]
    assert informative("Domestic: $25") and informative("Inventories | 2023: 555")
    assert not informative("OK.") and not informative("Yes, it is.")


def test_a_line_wrapped_mid_sentence_is_joined() -> None:
    text = "Requests approved by 2:00 p.m. ET go out the same business\nday. Later requests go out the next day."
    assert sentences(text) == [
        "Requests approved by 2:00 p.m. ET go out the same business day.",
        "Later requests go out the next day.",
    ]


def test_a_bare_yes_keeps_its_qualifier() -> None:
    assert sentences("Yes. The minimum annual fee is $1,500 per household. It rarely applies.") == [
        "Yes. The minimum annual fee is $1,500 per household.",
        "It rarely applies.",
    ]


def test_headings_are_not_sentences() -> None:
    assert sentences("## Wires\n\nDomestic wires cost $25.") == ["Domestic wires cost $25."]


def test_a_table_row_is_one_unit_with_its_column_headers() -> None:
    table = (
        "Balance sheet (in millions):\n\n"
        "| Item | 2023 | 2022 |\n|---|---:|---:|\n"
        "| Cash and equivalents | 612 | 540 |\n| Total current assets | 1,577 | 1,402 |\n| Goodwill |  | 310 |\n"
    )
    assert sentences(table) == [
        "Balance sheet (in millions):",
        "Cash and equivalents | 2023: 612 | 2022: 540",
        "Total current assets | 2023: 1,577 | 2022: 1,402",
        "Goodwill | 2022: 310",
    ]


def test_a_table_without_a_header_keeps_its_cells() -> None:
    assert sentences("| Net income | (45) |\n| Total liabilities | 1,020 |") == [
        "Net income | (45)",
        "Total liabilities | 1,020",
    ]
