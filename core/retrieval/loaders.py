"""Read a file into (title, chunks): Markdown, plain text, HTML and PDF."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from core.errors import IngestError
from core.retrieval.chunking import TextChunk, chunk_markdown, chunk_text
from core.retrieval.sources import split_front_matter

__all__ = ["SUPPORTED_SUFFIXES", "load_chunks"]

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".pdf"})


def _title_from_markdown(text: str, fallback: str) -> str:
    match = re.search(r"^#\s+(.+?)\s*$", text, flags=re.MULTILINE)
    return match.group(1) if match else fallback


def _fallback_title(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def load_chunks(path: Path, *, size: int = 1200, overlap: int = 150) -> tuple[str, list[TextChunk]]:
    """Return the document's title and its chunks; IngestError when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(str(path), f"unsupported file type {suffix!r}")
    if suffix == ".pdf":
        return _load_pdf(path, size=size, overlap=overlap)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(str(path), f"cannot read ({exc.__class__.__name__})") from None
    if suffix in (".md", ".markdown"):
        _, raw = split_front_matter(raw)  # metadata (e.g. the document's url), not content
        title = _title_from_markdown(raw, _fallback_title(path))
        return title, chunk_markdown(raw, doc_title=title, size=size, overlap=overlap)
    if suffix in (".html", ".htm"):
        soup = BeautifulSoup(raw, "html.parser")
        title = soup.title.get_text(strip=True) if soup.title else _fallback_title(path)
        for tag in soup(["head", "script", "style", "nav", "footer"]):
            tag.decompose()
        text = soup.get_text("\n", strip=True)
        return title, chunk_text(text, doc_title=title, size=size, overlap=overlap)
    title = _fallback_title(path)
    return title, chunk_text(raw, doc_title=title, size=size, overlap=overlap)


def _load_pdf(path: Path, *, size: int, overlap: int) -> tuple[str, list[TextChunk]]:
    """Text of every page (pypdf); the title from the PDF's metadata, else the file name."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = reader.metadata.title if reader.metadata else None
    except (OSError, PdfReadError, ValueError) as exc:
        raise IngestError(str(path), f"cannot read PDF ({exc.__class__.__name__})") from None
    title = (meta_title or "").strip() or _fallback_title(path)
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise IngestError(str(path), "no text in PDF (scanned images need OCR first)")
    return title, chunk_text(text, doc_title=title, size=size, overlap=overlap)
