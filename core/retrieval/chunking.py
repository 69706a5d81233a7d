"""Split documents into chunks that keep their heading path (the citation title)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TextChunk", "chunk_markdown", "chunk_text"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True, slots=True)
class TextChunk:
    title: str
    text: str
    anchor: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _windows(text: str, size: int, overlap: int) -> list[str]:
    """Cut text into windows of about `size` characters on paragraph/sentence boundaries."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    pieces = re.split(r"(?<=\n\n)|(?<=[.!?])\s+", text)
    out: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > size:
            out.append(current.strip())
            current = current[-overlap:] if overlap else ""
        current += piece if current.endswith(("\n", " ")) or not current else " " + piece
    if current.strip():
        out.append(current.strip())
    return out


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
