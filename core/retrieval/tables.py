"""Tables in the knowledge base: one text form for every source, one extraction unit per row.

Every loader writes a table as a Markdown pipe table (header row, `|---|` separator, one line per
row), so the chunker and the sentence splitter treat Markdown, HTML and PDF tables alike:

- HTML `<table>`: header rows from `<thead>` or leading rows of `<th>` cells (several header rows
  are joined per column, `colspan` repeats a cell); no marked header means no header is guessed.
- PDF text laid out in columns (pypdf's layout mode): a run of lines whose cells are separated by
  wide gaps or dot leaders, at least one of them carrying a figure, becomes a table; a preceding
  line without figures (e.g. "2023   2022") is its header, aligned to the rightmost columns.

`row_unit()` turns a row into the unit the extractive answer quotes: the row label, then each
value with its column header, "Total current assets | 2023: 1,577 | 2022: 1,402".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "html_table_to_markdown",
    "is_separator",
    "is_table_line",
    "layout_to_markdown",
    "markdown_table",
    "parse_row_unit",
    "row_unit",
    "split_cells",
]

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
# A figure: an amount, percentage, count or (negative) number, possibly with a currency or a dash for nil.
_FIGURE = re.compile(r"^[(\-–—]?\s*[$€£¥]?\s*\(?\d[\d,.]*\)?\s*%?\)?$|^[-–—]$")
# Columns in layout text: 2+ spaces, or a dot leader ("Total assets ....... 1,577").
_GAP = re.compile(r"\s*(?:\.\s?){3,}\s*|\s{2,}")
_DOT_LEADER = re.compile(r"\S\s*(?:\.\s?){3,}\s*\S")


def is_table_line(line: str) -> bool:
    """A Markdown pipe-table line: starts with '|' and has another '|' after it."""
    stripped = line.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def is_separator(line: str) -> bool:
    """The `|---|:---:|` line under a Markdown table's header."""
    return bool(_SEPARATOR.match(line.strip())) and "-" in line


def split_cells(line: str) -> list[str]:
    """The cells of a pipe-table line, stripped (an escaped '\\|' stays inside its cell)."""
    stripped = line.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(stripped)]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """Pipe-table text for rows (and a header row, followed by its separator, when given)."""
    lines = []
    if header:
        lines.append("| " + " | ".join(_cell(c) for c in header) + " |")
        lines.append("|" + "---|" * len(header))
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def row_unit(cells: Sequence[str], header: Sequence[str] | None = None) -> str:
    """One row as a quotable unit: 'label | header: value | ...' (empty cells left out)."""
    if not header:
        return " | ".join(c for c in cells if c)
    label, values = cells[0] if cells else "", cells[1:]
    heads = list(header[1 : len(cells)]) + [""] * max(0, len(values) - (len(header) - 1))
    parts = [label] if label else []
    for head, value in zip(heads, values, strict=False):
        if value:
            parts.append(f"{head}: {value}" if head and head != value else value)
    return " | ".join(parts)


def parse_row_unit(unit: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(label, [(header, value), ...]) of a unit made by `row_unit`, None for a prose sentence.

    Lets a composer quote only the column a question asks for: "Total current assets | 2023: 1,577".
    """
    if " | " not in unit:
        return None
    label, *cells = unit.split(" | ")
    pairs = [(head.strip(), value.strip()) for head, _, value in (c.rpartition(": ") for c in cells)]
    return label.strip(), pairs


# -- HTML -------------------------------------------------------------------------------------------


def _expanded(row) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """(text, is_header_cell) per column of a <tr>, a colspan repeating its cell."""
    out: list[tuple[str, bool]] = []
    for cell in row.find_all(["th", "td"], recursive=False):
        text = " ".join(cell.get_text(" ", strip=True).split())
        try:
            span = max(1, min(int(cell.get("colspan", 1)), 50))
        except (TypeError, ValueError):
            span = 1
        out.extend([(text, cell.name == "th")] * span)
    return out


def html_table_to_markdown(table) -> str:  # type: ignore[no-untyped-def]
    """A BeautifulSoup <table> as pipe-table text (nested tables are read as text of their cell)."""
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    expanded = [(_expanded(r), r.find_parent("thead") is not None) for r in rows]
    expanded = [(cells, in_head) for cells, in_head in expanded if any(text for text, _ in cells)]
    head_rows: list[list[str]] = []
    while expanded and (expanded[0][1] or all(is_th for _, is_th in expanded[0][0])):
        head_rows.append([text for text, _ in expanded.pop(0)[0]])
    body = [[text for text, _ in cells] for cells, _ in expanded]
    width = max((len(r) for r in [*head_rows, *body]), default=0)
    header = None
    if head_rows:
        header = []
        for col in range(width):
            parts: list[str] = []
            for row in head_rows:
                text = row[col] if col < len(row) else ""
                if text and (not parts or parts[-1] != text):
                    parts.append(text)
            header.append(" ".join(parts))
    return markdown_table([r + [""] * (width - len(r)) for r in body], header)


# -- PDF layout text --------------------------------------------------------------------------------


def _columns(line: str) -> list[str]:
    return [c for c in _GAP.split(line.strip()) if c]


def _is_figure(cell: str) -> bool:
    return bool(_FIGURE.match(cell.strip()))


def _is_year(cell: str) -> bool:
    return bool(re.fullmatch(r"(FY\s?)?(19|20)\d\d", cell.strip()))


def _is_row(cells: list[str]) -> bool:
    """A table row: a label and at least one figure (not a bare year) after it."""
    return len(cells) >= 2 and any(_is_figure(c) and not _is_year(c) for c in cells[1:])


def _header_for(cells: list[str], width: int) -> list[str] | None:
    """A header line over figure columns: 2+ columns, no figures but years, no more columns than the rows."""
    if len(cells) < 2 or len(cells) > width:
        return None
    if any(_is_figure(c) and not _is_year(c) for c in cells):
        return None
    if len(cells) == width:
        return cells
    return [""] * (width - len(cells)) + cells


def layout_to_markdown(text: str) -> str:
    """Layout-mode PDF text with its column-laid-out runs rewritten as pipe tables.

    Other lines keep their words, with runs of layout spaces collapsed to one; blank lines between
    rows (layout mode writes one per row gap) are dropped.
    """
    out: list[str] = []
    header_raw: str | None = None  # the last prose line as laid out, while it may head a table
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        run, j = _row_run(lines, i)
        if len(run) >= 2 or (run and _DOT_LEADER.search(lines[i])):
            width = max(len(r) for r in run)
            header = _header_for(_columns(header_raw), width) if header_raw else None
            if header:
                while out and not out[-1]:
                    out.pop()
                out.pop()
            if out and out[-1]:
                out.append("")
            out.extend([markdown_table([r + [""] * (width - len(r)) for r in run], header), ""])
            header_raw, i = None, j
            continue
        line = " ".join(lines[i].split())
        if line:
            out.append(line)
            header_raw = lines[i]
        elif out and out[-1]:
            out.append("")
        i += 1
    return "\n".join(out).strip()


def _row_run(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    """The table rows from `start` on (blank lines between them skipped) and the index after them."""
    run: list[list[str]] = []
    j, end = start, start
    while j < len(lines):
        if not lines[j].strip():
            j += 1
            continue
        cells = _columns(lines[j])
        if not _is_row(cells) or (run and len(cells) != len(run[0])):
            break
        run.append(cells)
        j += 1
        end = j
    return run, end
