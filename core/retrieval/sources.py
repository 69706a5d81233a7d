"""Where a document lives on the web, when it says so: citations then link there instead of to finbot's copy.

- Markdown: YAML-style front matter with `url:` (or `source_url:` / `canonical_url:`), as docs sites write it;
  the front matter itself is not part of the indexed text.
- HTML: `<link rel="canonical" href="...">`.

Only http(s) URLs count. Anything else (PDF, plain text, no declaration) is cited with finbot's own page.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

__all__ = ["declared_url", "split_front_matter"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_URL_KEY = re.compile(r"^(?:url|source_url|canonical_url)\s*:\s*['\"]?(\S+?)['\"]?\s*$", re.MULTILINE)
_WEB = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


def split_front_matter(markdown: str) -> tuple[str, str]:
    """(front matter, the rest); the front matter is '' when the document has none."""
    match = _FRONT_MATTER.match(markdown)
    if not match:
        return "", markdown
    return match.group(1), markdown[match.end():]


def _web_url(value: str | None) -> str | None:
    return value if value and _WEB.match(value) else None


def declared_url(path: Path, text: str | None = None) -> str | None:
    """The http(s) URL the document declares for itself, or None."""
    suffix = path.suffix.lower()
    if suffix not in (".md", ".markdown", ".html", ".htm"):
        return None
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    if suffix in (".md", ".markdown"):
        front, _ = split_front_matter(text)
        match = _URL_KEY.search(front)
        return _web_url(match.group(1)) if match else None
    link = BeautifulSoup(text, "html.parser").find("link", rel="canonical")
    href = link.get("href") if link is not None else None
    return _web_url(href if isinstance(href, str) else None)
