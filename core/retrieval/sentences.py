"""Units of extraction: prose sentences, list items and table rows.

Prose is split by nupunkt (the Punkt algorithm, pure Python, no download) with a curated list of
abbreviations instead of its legal-corpus list (which holds words like "stock" and "free"), plus the
sentence starters and per-abbreviation break rates its bundled model learned. So "5:00 p.m. ET on the
day after", "the U.S. unit", "e.g. wires", "Acme Inc. reported", "No. 5", "$1.5 million" and "Dec. 24"
stay whole, and "at 5:00 p.m. We reopen" still splits.

Around it: a line that wraps mid-sentence (the next starts lower-case) is joined to it; each list
item and heading-free line is its own paragraph; a bare "Yes." or "No." stays with the sentence
that qualifies it; a Markdown table row is one unit that keeps its label and figures, each figure
with its column header (see `core.retrieval.tables.row_unit`).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from core.retrieval.tables import is_separator, is_table_line, row_unit, split_cells

__all__ = ["ABBREVIATIONS", "sentence_spans", "sentences"]

ABBREVIATIONS = frozenset(
    """a.m p.m u.s u.s.a u.k e.u u.n e.g i.e etc vs viz cf al approx est ca
    inc corp co cos ltd llc l.l.c plc n.a bros intl assn assoc dept govt
    mr mrs ms dr prof rev hon st jr sr sen rep gov gen col capt lt sgt
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos vol vols pp fig sec ch art para ref yr yrs mo mos wk hr hrs min mins
    ave blvd rd ln pl ct pkwy hwy rte apt ste bldg fl
    ph.d m.d b.a m.a b.s m.s b.sc m.sc j.d""".split()
)

_LIST_MARKER = re.compile(r"^(?:[-*•+]|\d{1,3}[.)])\s+")
_TERMINAL = re.compile(r"[.!?:;]['\")\]*]*$")
_BARE_ANSWER = re.compile(r"^\W*(yes|no|correct|true|false)[.!]\W*$", re.I)

_lock = threading.Lock()
_tokenizer: list[Any] = []


def _punkt() -> Any:
    """The Punkt tokenizer, built once on first use (~0.1 s to read nupunkt's bundled model)."""
    if not _tokenizer:
        with _lock:
            if not _tokenizer:
                import nupunkt
                from nupunkt import PunktParameters, PunktSentenceTokenizer

                learned = nupunkt.load("default").parameters
                params = PunktParameters(
                    abbrev_types=set(ABBREVIATIONS),
                    sent_starters=set(learned.sent_starters),
                    abbrev_break_rates={k: v for k, v in learned.abbrev_break_rates.items() if k in ABBREVIATIONS},
                )
                _tokenizer.append(PunktSentenceTokenizer(params))
    return _tokenizer[0]


def _prose(paragraph: str) -> list[str]:
    """Sentences of one paragraph; a piece starting lower-case is put back on the one before it."""
    out: list[str] = []
    for piece in _punkt().tokenize(paragraph):
        piece = piece.strip()
        if not piece:
            continue
        if out and (piece[0].islower() or _BARE_ANSWER.match(out[-1])):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _table(lines: list[str]) -> list[str]:
    """One unit per data row, with the header's column names when the table has a header."""
    header = split_cells(lines[0]) if len(lines) > 1 and is_separator(lines[1]) else None
    rows = lines[2:] if header else lines
    units = [row_unit(split_cells(line), header) for line in rows if not is_separator(line)]
    return [u for u in units if u.strip()]


def _paragraphs(text: str) -> list[tuple[str, list[str]]]:
    """("prose", [paragraph]) and ("table", lines) blocks, in order; headings left out."""
    blocks: list[tuple[str, list[str]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if is_table_line(line):
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(line)
            else:
                blocks.append(("table", [line]))
            continue
        if not line or line.startswith("#"):
            blocks.append(("break", []))
            continue
        item = _LIST_MARKER.match(line)
        line = line[item.end() :].strip() if item else line
        if not line:
            continue
        previous = blocks[-1] if blocks else None
        if not item and previous and previous[0] == "prose" and line[0].islower():
            if not _TERMINAL.search(previous[1][0]):
                previous[1][0] = f"{previous[1][0]} {line}"
                continue
        blocks.append(("prose", [line]))
    return [b for b in blocks if b[0] != "break"]


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for kind, lines in _paragraphs(text):
        out.extend(_table(lines) if kind == "table" else _prose(lines[0]))
    return tuple(out)


def sentences(text: str) -> list[str]:
    """Split text into units of extraction: sentences, list items and table rows (see module doc)."""
    return list(_split(text))


def sentence_spans(line: str) -> list[str]:
    """The sentences of one line of prose as they are written (for cutting chunks between them)."""
    return _prose(line) if line.strip() else []
