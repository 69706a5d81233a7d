"""Loaders and chunking: Markdown headings, text, HTML, PDF; chunk size and overlap."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import IngestError
from core.retrieval.chunking import chunk_text
from core.retrieval.loaders import load_chunks


def _pdf(text: str, title: str = "Fee Schedule") -> bytes:
    """A minimal one-page PDF with a text line and a title in its metadata."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_markdown_keeps_heading_path_as_title(tmp_path: Path) -> None:
    doc = tmp_path / "fees.md"
    doc.write_text("# Fees\n\nIntro.\n\n## Wires\n\n### Outgoing\n\nDomestic wires cost $25.\n", encoding="utf-8")
    title, chunks = load_chunks(doc)
    assert title == "Fees"
    assert [(c.title, c.anchor) for c in chunks] == [("Fees", ""), ("Fees > Wires > Outgoing", "outgoing")]


def test_html_to_text_without_scripts(tmp_path: Path) -> None:
    doc = tmp_path / "page.html"
    doc.write_text(
        "<html><head><title>Hours</title><script>var x=1;</script></head>"
        "<body><nav>menu</nav><p>We are open 9 to 5.</p></body></html>",
        encoding="utf-8",
    )
    title, chunks = load_chunks(doc)
    assert title == "Hours" and chunks[0].text == "We are open 9 to 5."


def test_pdf_text_and_title(tmp_path: Path) -> None:
    doc = tmp_path / "schedule.pdf"
    doc.write_bytes(_pdf("Outgoing domestic wires cost 25 dollars."))
    title, chunks = load_chunks(doc)
    assert title == "Fee Schedule"
    assert "Outgoing domestic wires cost 25 dollars." in chunks[0].text


def test_broken_pdf_is_an_ingest_error(tmp_path: Path) -> None:
    doc = tmp_path / "broken.pdf"
    doc.write_bytes(b"%PDF-1.4 nothing here")
    with pytest.raises(IngestError):
        load_chunks(doc)


def test_chunk_size_and_overlap() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(60))
    small = chunk_text(text, doc_title="T", size=200, overlap=40)
    large = chunk_text(text, doc_title="T", size=1000, overlap=0)
    assert len(small) > len(large) > 1
    assert all(len(c.text) <= 260 for c in small)
    assert small[0].text[-20:] in small[1].text  # overlap carried into the next chunk
