"""Tables from HTML and from PDF layout text become pipe tables; long tables keep their header per chunk."""

from __future__ import annotations

from bs4 import BeautifulSoup

from core.retrieval.chunking import chunk_markdown
from core.retrieval.tables import html_table_to_markdown, layout_to_markdown, parse_row_unit, row_unit, split_cells


def test_html_table_with_two_header_rows_and_colspan() -> None:
    html = (
        "<table><thead><tr><th></th><th colspan='2'>Year ended</th></tr>"
        "<tr><th>Item</th><th>2023</th><th>2022</th></tr></thead>"
        "<tbody><tr><th>Total current assets</th><td>1,577</td><td>1,402</td></tr>"
        "<tr><td>A | B split</td><td>1</td><td>2</td></tr></tbody></table>"
    )
    markdown = html_table_to_markdown(BeautifulSoup(html, "html.parser").table)
    assert markdown.splitlines() == [
        "| Item | Year ended 2023 | Year ended 2022 |",
        "|---|---|---|",
        "| Total current assets | 1,577 | 1,402 |",
        "| A \\| B split | 1 | 2 |",
    ]
    assert split_cells(markdown.splitlines()[3]) == ["A | B split", "1", "2"]


def test_html_table_without_a_marked_header_guesses_none() -> None:
    html = "<table><tr><td>Cash</td><td>612</td></tr><tr><td>Debt</td><td>40</td></tr></table>"
    assert html_table_to_markdown(BeautifulSoup(html, "html.parser").table) == "| Cash | 612 |\n| Debt | 40 |"


def test_layout_columns_become_a_table_with_the_header_over_the_figures() -> None:
    layout = "\n".join(
        [
            "Consolidated balance sheet, in millions of U.S. dollars.",
            "",
            "                                          2023            2022",
            "",
            "Cash and equivalents                       612             540",
            "",
            "Total current assets                     1,577           1,402",
            "",
            "Total current liabilities ........... 1,020",
            "These figures are unaudited.",
        ]
    )
    assert layout_to_markdown(layout).splitlines() == [
        "Consolidated balance sheet, in millions of U.S. dollars.",
        "",
        "|  | 2023 | 2022 |",
        "|---|---|---|",
        "| Cash and equivalents | 612 | 540 |",
        "| Total current assets | 1,577 | 1,402 |",
        "",
        "| Total current liabilities | 1,020 |",
        "",
        "These figures are unaudited.",
    ]


def test_layout_prose_is_left_as_prose() -> None:
    layout = "Our fees are   listed below.\nPage 2 of 10"
    assert layout_to_markdown(layout) == "Our fees are listed below.\nPage 2 of 10"


def test_row_unit_pairs_values_with_headers() -> None:
    assert row_unit(["Growth", "80%", "17%"], ["Profile", "Stocks", "Bonds"]) == "Growth | Stocks: 80% | Bonds: 17%"
    assert row_unit(["Growth", "80%"], None) == "Growth | 80%"
    assert parse_row_unit("Total current assets | 2023: 1,577 | 2022: 1,402") == (
        "Total current assets",
        [("2023", "1,577"), ("2022", "1,402")],
    )
    assert parse_row_unit("Net income | (45)") == ("Net income", [("", "(45)")])
    assert parse_row_unit("Wires cost $25.") is None


def test_a_long_table_is_cut_between_rows_and_every_chunk_has_its_header() -> None:
    rows = "\n".join(f"| Line item number {i} | {i * 100:,} | {i * 90:,} |" for i in range(1, 41))
    markdown = (
        f"# Report\n\n## Balance sheet\n\nFigures in millions.\n\n| Item | 2023 | 2022 |\n|---|---|---|\n{rows}\n"
    )
    chunks = chunk_markdown(markdown, doc_title="Report", size=400, overlap=60)
    assert len(chunks) > 3
    for chunk in chunks:
        lines = chunk.text.splitlines()
        table = [line for line in lines if line.startswith("|")]
        assert table[:2] == ["| Item | 2023 | 2022 |", "|---|---|---|"]
        assert all(line.endswith("|") and line.count("|") == 4 for line in table)  # no row cut in two
    text = "\n".join(c.text for c in chunks)
    assert all(f"| Line item number {i} | {i * 100:,} | {i * 90:,} |" in text for i in range(1, 41))
