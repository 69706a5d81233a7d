"""Citations link to the source: the document's own URL when it declares one, else finbot's `/kb/...` page of
the document with the cited passage highlighted; never a `file://` path of the server."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from bot.container import Container
from bot.server import start_server
from core.types import Conversation, IncomingMessage, Person
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask

QUESTION = "How much does a domestic wire cost?"
HOSTILE = """# Hostile Notes

## Gift wrapping fees
Gift wrapping of paper statements costs $7 per statement. <script>alert("x")</script>
See [the price list](javascript:alert(1)) or <img src=x onerror=alert(2)>.
"""
DECLARED = """---
url: https://help.harborpine.test/gift-wrapping
---
# Gift Wrapping

## How much does gift wrapping cost?
Gift wrapping of paper statements costs $7 per statement.
"""


async def _ask(url: str, question: str = QUESTION) -> dict:
    async with aiohttp.ClientSession() as http, http.ws_connect(url + "/ws/chat") as ws:
        return (await ask(ws, question)).reply


async def test_a_web_chat_citation_opens_the_document_with_the_passage_highlighted(
    make_settings: SettingsFactory,
) -> None:
    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    try:
        reply = await _ask(server.url)
        assert reply["citations"]
        for citation in reply["citations"]:
            assert "file:" not in citation["uri"] and citation["uri"].startswith("/kb/")
        link = next(c for c in reply["citations"] if "money-transfers.md" in c["uri"])
        async with aiohttp.ClientSession() as http, http.get(server.url + link["uri"]) as page:
            assert page.status == 200 and page.content_type == "text/html"
            assert "default-src 'none'" in page.headers["Content-Security-Policy"]
            body = await page.text()
        cited = body[body.index('<section id="passage" class="cited">'):]
        cited = cited[: cited.index("</section>")]
        assert link["title"].split(" > ")[-1] in cited  # the cited section, marked
        assert "$" in cited and "wire" in cited.lower()
        assert "Money Transfers" in body and "money-transfers.md" in body
        assert str(server.container.settings.data_dir.parent) not in body  # no server path on the page

        path, _, query = link["uri"].partition("?")
        async with aiohttp.ClientSession() as http:
            for bad in (f"{path}?sig=0000", path, f"/kb/ffffffffffffffff-0/x.md?{query}"):
                async with http.get(server.url + bad) as refused:
                    assert refused.status == 404, bad
    finally:
        await server.stop()


async def test_document_text_is_shown_as_data_never_as_markup(make_settings: SettingsFactory, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    server = await start_server(make_settings(FINBOT_SAMPLE_KNOWLEDGE=False), host="127.0.0.1", port=0)
    try:
        await server.container.ingestor.ingest_path(folder)
        reply = await _ask(server.url, "How much does gift wrapping of paper statements cost?")
        async with aiohttp.ClientSession() as http, http.get(server.url + reply["citations"][0]["uri"]) as page:
            body = await page.text()
        assert "Gift wrapping of paper statements costs $7" in body
        assert "<script>alert" not in body and "href=\"javascript:" not in body and "<img" not in body
        assert "&lt;script&gt;" in body
    finally:
        await server.stop()


async def test_a_document_that_declares_its_url_is_cited_by_it(make_settings: SettingsFactory, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "gift-wrapping.md").write_text(DECLARED, encoding="utf-8")
    container = await Container.open(make_settings(FINBOT_SAMPLE_KNOWLEDGE=False))
    try:
        await container.ingestor.ingest_path(folder)
        reply = await container.assistant.respond(_message("How much does gift wrapping cost?"))
    finally:
        await container.close()
    assert [c.uri for c in reply.citations] == [
        "https://help.harborpine.test/gift-wrapping#how-much-does-gift-wrapping-cost"
    ]
    assert "url:" not in reply.text


async def test_with_a_public_url_links_are_absolute_and_any_process_with_the_secret_serves_them(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    """Slack and Teams need absolute links; a second process (its own data dir) accepts the first one's links."""
    shared = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}", "FINBOT_LINK_SECRET": "same-key"}
    first = await start_server(
        make_settings(**shared, FINBOT_DATA_DIR=tmp_path / "a", FINBOT_PUBLIC_URL="https://finbot.harborpine.test/"),
        host="127.0.0.1", port=0,
    )
    second = await start_server(make_settings(**shared, FINBOT_DATA_DIR=tmp_path / "b"), host="127.0.0.1", port=0)
    stranger = await start_server(
        make_settings(DATABASE_URL=shared["DATABASE_URL"], FINBOT_DATA_DIR=tmp_path / "c"), host="127.0.0.1", port=0
    )
    try:
        reply = await first.container.assistant.respond(_message(QUESTION, platform="slack"))
        uri = reply.citations[0].uri
        assert uri.startswith("https://finbot.harborpine.test/kb/")
        link = urlsplit(uri)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{second.url}{link.path}?{link.query}") as page:
                assert page.status == 200
            async with http.get(f"{stranger.url}{link.path}?{link.query}") as page:
                assert page.status == 404  # another key: FINBOT_LINK_SECRET must be the same everywhere
    finally:
        for server in (stranger, second, first):
            await server.stop()


def _message(text: str, *, platform: str = "web") -> IncomingMessage:
    return IncomingMessage(
        event_id=uuid.uuid4().hex,
        text=text,
        person=Person(id=f"{platform}:t:u"),
        conversation=Conversation(platform=platform, tenant="t", channel_id="c", is_direct=True),  # type: ignore[arg-type]
    )
