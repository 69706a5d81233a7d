"""Read a file into (title, chunks): Markdown, plain text, HTML and PDF.

Tables come out of every format as Markdown pipe tables (core.retrieval.tables), so their rows stay
whole and keep their column headers. HTML keeps its block structure (one paragraph per block element,
inline markup joined into its sentence). A PDF page whose layout-mode text (pypdf) has rows laid out
in columns is read in layout mode; other pages are read in pypdf's plain mode, which keeps the
reading order of multi-column prose.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from core.errors import IngestError
from core.retrieval.chunking import TextChunk, chunk_markdown, chunk_text
from core.retrieval.sources import split_front_matter
from core.retrieval.tables import html_table_to_markdown, is_table_line, layout_to_markdown

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
        return title, chunk_text(_html_text(soup), doc_title=title, size=size, overlap=overlap)
    title = _fallback_title(path)
    return title, chunk_text(raw, doc_title=title, size=size, overlap=overlap)


_BLOCKS = [
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "ul",
]  # fmt: skip


def _html_text(soup: BeautifulSoup) -> str:
    """The page's text: tables as pipe tables, one paragraph per block element, no scripts or navigation."""
    for tag in soup(["head", "script", "style", "nav", "footer", "template", "noscript"]):
        tag.decompose()
    for table in reversed(soup.find_all("table")):  # innermost first
        caption = table.find("caption")
        heading = f"{caption.get_text(' ', strip=True)}\n\n" if caption else ""
        table.replace_with(NavigableString(f"\n\n{heading}{html_table_to_markdown(table)}\n\n"))
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _page_text(page) -> str:  # type: ignore[no-untyped-def]
    """Layout mode when it finds rows laid out in columns (they become tables), else plain mode."""
    from pypdf.errors import PyPdfError

    try:
        layout = layout_to_markdown(page.extract_text(extraction_mode="layout") or "")
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError, ZeroDivisionError):
        # layout mode is a best effort on odd fonts; plain mode below still reads the page
        layout = ""
    if any(is_table_line(line) for line in layout.splitlines()):
        return layout
    return page.extract_text() or ""


def _load_pdf(path: Path, *, size: int, overlap: int) -> tuple[str, list[TextChunk]]:
    """Text of every page (pypdf); the title from the PDF's metadata, else the file name."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [_page_text(page) for page in reader.pages]
        meta_title = reader.metadata.title if reader.metadata else None
    except (OSError, PdfReadError, ValueError) as exc:
        raise IngestError(str(path), f"cannot read PDF ({exc.__class__.__name__})") from None
    title = (meta_title or "").strip() or _fallback_title(path)
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise IngestError(str(path), "no text in PDF (scanned images need OCR first)")
    return title, chunk_text(text, doc_title=title, size=size, overlap=overlap)
