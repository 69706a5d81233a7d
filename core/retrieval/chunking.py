"""Split documents into chunks that keep their heading path (the citation title).

A section longer than the chunk size is cut between whole units: sentences (the splitter of
`core.retrieval.sentences`, so "5:00 p.m." is no cut), lines, paragraphs and table rows. A table
never loses a row to a cut, and each chunk holding rows of a table starts with the table's header
row, so it still says what each column is. The overlap carries whole trailing units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.retrieval.sentences import sentence_spans
from core.retrieval.tables import is_separator, is_table_line

__all__ = ["TextChunk", "chunk_markdown", "chunk_text"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True, slots=True)
class TextChunk:
    title: str
    text: str
    anchor: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    joiner: str
    """What goes between this unit and the one before it in a chunk."""
    header: str = ""
    """For a table row: its table's header and separator lines."""


def _units(text: str) -> list[_Unit]:
    """The text as cuttable units: sentences of prose lines, and table lines (rows know their header)."""
    units: list[_Unit] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in paragraph.splitlines() if line.strip()]
        header = ""
        for i, line in enumerate(lines):
            joiner = "\n\n" if i == 0 and units else "\n" if i else ""
            if is_table_line(line):
                if i + 1 < len(lines) and is_separator(lines[i + 1]) and not is_separator(line):
                    header = f"{line}\n{lines[i + 1]}"
                    units.append(_Unit(line, joiner))
                elif is_separator(line) and header.endswith(line):
                    units.append(_Unit(line, joiner))
                else:
                    units.append(_Unit(line, joiner, header))
                continue
            header = ""
            for n, sentence in enumerate(sentence_spans(line)):
                units.append(_Unit(sentence, joiner if n == 0 else " "))
    return units


def _tail(units: list[_Unit], overlap: int) -> list[_Unit]:
    """The last whole units of a chunk that fit in `overlap` characters."""
    kept: list[_Unit] = []
    length = 0
    for unit in reversed(units):
        length += len(unit.text) + len(unit.joiner)
        if length > overlap:
            break
        kept.insert(0, unit)
    return kept


def _render(units: list[_Unit]) -> str:
    return "".join((u.joiner if i else "") + u.text for i, u in enumerate(units)).strip()


def _windows(text: str, size: int, overlap: int) -> list[str]:
    """Cut text into windows of about `size` characters between whole units (see the module doc)."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    out: list[str] = []
    current: list[_Unit] = []
    length = 0
    for unit in _units(text):
        if current and length + len(unit.joiner) + len(unit.text) > size:
            out.append(_render(current))
            current = _tail(current, overlap) if overlap else []
            length = len(_render(current))
        if unit.header and not any(u.text in (unit.header, unit.header.split("\n")[0]) for u in current):
            at = next((i for i, u in enumerate(current) if u.header == unit.header), len(current))
            current.insert(at, _Unit(unit.header, "\n\n" if at else ""))
            if at < len(current) - 1:
                current[at + 1] = _Unit(current[at + 1].text, "\n", current[at + 1].header)
            length = len(_render(current))
        current.append(unit)
        length += len(unit.joiner) + len(unit.text)
    if current:
        out.append(_render(current))
    return [w for w in out if w]


def chunk_markdown(markdown: str, *, doc_title: str, size: int = 1200, overlap: int = 150) -> list[TextChunk]:
    """One chunk per section (split further when long); title = 'Doc > Section > Subsection'."""
    path: list[str] = []
    sections: list[tuple[list[str], list[str]]] = [([], [])]
    for line in markdown.splitlines():
        match = _HEADING.match(line)
        if match:
            level = len(match.group(1))
            path = path[: level - 1] + [match.group(2)]
            sections.append((list(path), []))
        else:
            sections[-1][1].append(line)
    chunks: list[TextChunk] = []
    for heading_path, lines in sections:
        body = "\n".join(lines).strip()
        if not body:
            continue
        names = [h for h in heading_path if h != doc_title]
        title = " > ".join([doc_title, *names]) if names else doc_title
        anchor = _slug(heading_path[-1]) if len(heading_path) > 1 else ""
        chunks.extend(TextChunk(title, piece, anchor) for piece in _windows(body, size, overlap))
    return chunks


def chunk_text(text: str, *, doc_title: str, size: int = 1200, overlap: int = 150) -> list[TextChunk]:
    return [TextChunk(doc_title, piece) for piece in _windows(text, size, overlap)]
