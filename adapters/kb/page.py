"""`GET /kb/<chunk id>/<file name>?sig=...`: the cited document, with the cited passage highlighted.

The text comes from the knowledge base in the database (any process can serve any link; nothing is read
from the server's files). Documents are data: Markdown is rendered with raw HTML off, so nothing in a
document runs in the reader's browser. A bad signature or an unknown passage is a 404 that says nothing more.
"""

from __future__ import annotations

import html

from aiohttp import web
from aiohttp.typedefs import Handler
from markdown_it import MarkdownIt

from adapters.kb.links import PassageLinks
from core.retrieval.documents import DocumentStore, PassageDocument

__all__ = ["page_handler", "render_page"]

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})
NOT_FOUND = "No such passage: the link may be incomplete, or the document was removed from the knowledge base."

STYLE = """
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1d2733}
header p{color:#5b6775;margin:.2rem 0 1.5rem}
section{padding:.4rem .9rem;margin:.6rem -.9rem;border-left:4px solid transparent}
section h2{font-size:1rem;color:#5b6775;margin:.6rem 0 .2rem}
section.cited{background:#fff7d6;border-left-color:#e0a800}
section.cited h2::after{content:"  \\2190  the cited passage";color:#9a7400;font-weight:normal}
"""


def render_page(document: PassageDocument) -> str:
    """The page's HTML: the title, where the document comes from, every section, the cited one marked."""
    sections = []
    for i, chunk in enumerate(document.chunks):
        attrs = ' id="passage" class="cited"' if i == document.cited else ""
        heading = chunk.title.removeprefix(document.title + " > ")  # the section path within this document
        title = f"<h2>{html.escape(heading)}</h2>" if heading != document.title or i == document.cited else ""
        sections.append(f"<section{attrs}>{title}{_MARKDOWN.render(chunk.text)}</section>")
    origin = html.escape(document.name)
    if document.url:
        url = html.escape(document.url, quote=True)
        origin = f'{origin} &middot; <a href="{url}" rel="noopener noreferrer">the original</a>'
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        '<meta name=referrer content=no-referrer><meta name=robots content="noindex,nofollow">'
        f"<title>{html.escape(document.title)} - finbot</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{html.escape(document.title)}</h1><p>From the knowledge base: {origin}</p></header>"
        f"{''.join(sections)}</body></html>"
    )


def page_handler(documents: DocumentStore, links: PassageLinks) -> Handler:
    async def page(request: web.Request) -> web.StreamResponse:
        chunk_id = request.match_info["chunk_id"]
        if not links.verify(chunk_id, request.query.get("sig", "")):
            raise web.HTTPNotFound(text=NOT_FOUND)
        document = await documents.passage_document(chunk_id)
        if document is None:
            raise web.HTTPNotFound(text=NOT_FOUND)
        return web.Response(
            text=render_page(document),
            content_type="text/html",
            headers={
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )

    return page
