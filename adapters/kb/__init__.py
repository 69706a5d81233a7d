"""finbot's own page of a cited document (`/kb/...`): where citations link when the document has no URL.

`mount(app, documents, links)` adds the route; `PassageLinks` signs the links the knowledge base hands out
(core.retrieval.documents.DocumentStore(passage_link=links.href)) and checks them when a page is asked for.
"""

from __future__ import annotations

from aiohttp import web

from adapters.kb.links import PAGE_PREFIX, PassageLinks
from adapters.kb.page import page_handler, render_page
from core.retrieval.documents import DocumentStore

__all__ = ["PAGE_PREFIX", "PassageLinks", "mount", "render_page"]


def mount(app: web.Application, documents: DocumentStore, links: PassageLinks) -> None:
    """GET /kb/<chunk id>/<file name>?sig=... (the file name is for people and is not checked)."""
    app.router.add_get(PAGE_PREFIX + "{chunk_id}/{name}", page_handler(documents, links))
