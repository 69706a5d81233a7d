"""Tables through the real ingest path: a Markdown table, an HTML table and a PDF table (built here with
fpdf2) are ingested, indexed and searched; the passage found keeps the asked row with its figures, and the
row is one extraction unit that says which column each figure is in."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from bot.container import Container
from core.retrieval.text import sentences
from tests.conftest import SettingsFactory

ROWS = [
    ("Cash and equivalents", "612", "540"),
    ("Accounts receivable", "410", "388"),
    ("Inventories", "555", "474"),
    ("Total current assets", "1,577", "1,402"),
]
WANTED = "Total current assets | 2023: 1,577 | 2022: 1,402"


def _pdf(path: Path) -> None:
    pdf = FPDF()
    pdf.set_title("Northwind Annual Report")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Northwind Traders balance sheet. All figures are in millions of U.S. dollars.")
    pdf.ln(4)
    with pdf.table(col_widths=(60, 25, 25), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
        for row in [("Item", "2023", "2022"), *ROWS]:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.ln(4)
    pdf.cell(0, 6, "Total current liabilities .................... 1,020", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Net income ................................... (45)", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "Management believes liquidity is adequate. See Note No. 5 for details.")
    pdf.output(str(path))


def _markdown(path: Path) -> None:
    filler = "\n".join(f"| Other line item {i} | {i * 10} | {i * 9} |" for i in range(1, 30))
    body = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in ROWS)
    path.write_text(
        "# Northwind Quarterly\n\n## Balance sheet\n\nFigures in millions of U.S. dollars.\n\n"
        f"| Item | 2023 | 2022 |\n|---|---:|---:|\n{filler}\n{body}\n",
        encoding="utf-8",
    )


def _html(path: Path) -> None:
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in ROWS)
    path.write_text(
        "<html><head><title>Northwind results</title></head><body><nav>Home</nav>"
        "<p>Our <b>balance sheet</b>, in millions.</p>"
        f"<table><thead><tr><th>Item</th><th>2023</th><th>2022</th></tr></thead><tbody>{body}</tbody></table>"
        "</body></html>",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("name", "write"), [("report.pdf", _pdf), ("quarterly.md", _markdown), ("results.html", _html)]
)
async def test_table_row_keeps_its_figure_through_ingest_and_search(
    make_settings: SettingsFactory, tmp_path: Path, name: str, write
) -> None:  # type: ignore[no-untyped-def]
    kb = tmp_path / "kb"
    kb.mkdir()
    write(kb / name)
    # A small chunk size, so the Markdown table spans several chunks.
    container = await Container.open(make_settings(FINBOT_SAMPLE_KNOWLEDGE=False, FINBOT_CHUNK_SIZE=500))
    try:
        report = await container.ingestor.ingest_path(kb)
        assert report.added and not report.failed
        await container.retriever.refresh()
        passages = await container.retriever.search("What were total current assets in 2023?", 3)
        top = passages[0]
        assert "| Total current assets | 1,577 | 1,402 |" in top.text
        assert "| Item | 2023 | 2022 |" in top.text  # the header, even in a later chunk of a long table
        if name.endswith(".md"):
            assert report.chunks >= 3
        if name.endswith(".pdf"):  # dot leaders keep their figures too
            units = [u for p in passages for u in sentences(p.text)]
            assert "Total current liabilities | 1,020" in units and "Net income | (45)" in units
        assert WANTED in sentences(top.text)
        assert top.keyword_rank == 1 and top.dense is not None and 0 < top.keyword <= 1
    finally:
        await container.close()
