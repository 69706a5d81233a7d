"""A document's own web address (front matter `url:`, HTML canonical link) and front matter kept out of the text."""

from __future__ import annotations

from pathlib import Path

from core.retrieval.loaders import load_chunks
from core.retrieval.sources import declared_url, split_front_matter

MARKDOWN = """---
title: Wire fees
url: https://help.harborpine.test/fees
---
# Wire Fees

## Domestic
A domestic wire costs $25.
"""


def test_markdown_front_matter_declares_the_url_and_is_not_indexed(tmp_path: Path) -> None:
    doc = tmp_path / "fees.md"
    doc.write_text(MARKDOWN, encoding="utf-8")
    assert declared_url(doc) == "https://help.harborpine.test/fees"
    title, chunks = load_chunks(doc)
    assert title == "Wire Fees"
    assert all("url:" not in c.text and "---" not in c.text for c in chunks)
    assert split_front_matter("# No front matter\ntext") == ("", "# No front matter\ntext")


def test_html_canonical_link_declares_the_url(tmp_path: Path) -> None:
    page = tmp_path / "fees.html"
    page.write_text('<html><head><link rel="canonical" href="https://harborpine.test/fees"><title>Fees</title>'
                    "</head><body><p>A wire costs $25.</p></body></html>", encoding="utf-8")
    assert declared_url(page) == "https://harborpine.test/fees"


def test_only_web_addresses_count(tmp_path: Path) -> None:
    for value in ("javascript:alert(1)", "file:///etc/passwd", "/relative/path", "ftp://x.test/a"):
        doc = tmp_path / "x.md"
        doc.write_text(f"---\nurl: {value}\n---\n# X\ntext\n", encoding="utf-8")
        assert declared_url(doc) is None, value
    (tmp_path / "plain.txt").write_text("url: https://x.test\n", encoding="utf-8")
    assert declared_url(tmp_path / "plain.txt") is None
