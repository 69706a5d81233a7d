"""The core's Reply -> what the web chat page shows (safe HTML: raw HTML in answers is escaped)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt

from adapters.kb.links import PAGE_PREFIX
from core.store import StoredMessage
from core.types import Citation, Reply

__all__ = ["history_frame", "render_reply"]

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _linkable(uri: str) -> bool:
    """A source's web address or finbot's own document page (`/kb/...`); never `file:`, `javascript:` or a
    server path (those are shown as a title without a link)."""
    return uri.startswith(("https://", "http://", PAGE_PREFIX))


def _citation_html(citation: Citation) -> str:
    title, tip = html.escape(citation.title), html.escape(citation.snippet, quote=True)
    if not _linkable(citation.uri):
        return f'<li><span title="{tip}">{title}</span></li>'
    return f'<li><a href="{html.escape(citation.uri, quote=True)}" title="{tip}">{title}</a></li>'


def _citations_html(reply: Reply) -> str:
    if not reply.citations:
        return ""
    items = "".join(_citation_html(c) for c in reply.citations)
    return f'<div class="sources"><span>Sources</span><ol>{items}</ol></div>'


def _figures_html(reply: Reply) -> str:
    parts = []
    for figure in reply.figures:
        head = "".join(f"<th>{html.escape(col)}</th>" for col in figure.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in figure.rows
        )
        parts.append(
            f'<table class="figure"><caption>{html.escape(figure.name)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(parts)


def render_reply(reply: Reply) -> dict[str, Any]:
    """The `final` frame: the Reply's fields plus ready-to-insert HTML."""
    body = _MARKDOWN.render(reply.text) + _figures_html(reply) + _citations_html(reply)
    return {"type": "final", "reply": reply.model_dump(mode="json"), "html": body}


def history_frame(messages: Sequence[StoredMessage]) -> dict[str, Any]:
    """The `history` frame: the session's messages, oldest first; the person's own words as plain text."""
    shown = []
    for message in messages:
        text = message.text
        body = f"<p>{html.escape(text)}</p>" if message.role == "user" else _MARKDOWN.render(text)
        shown.append({"role": message.role, "text": text, "html": body, "at": message.created_at.isoformat()})
    return {"type": "history", "messages": shown}
