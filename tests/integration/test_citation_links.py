"""A local file's citation, on every surface, links to the document served by finbot (`/kb/...`) or to the
source's own URL — never to `file://` or any path of the server (web HTML, Slack Block Kit, Teams cards)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from adapters.slack.render import reply_blocks
from adapters.teams.delivery import final_message
from adapters.teams.render import reply_card
from adapters.web.render import render_reply
from bot.container import Container
from bot.server import start_server
from core.types import Citation, Conversation, IncomingMessage, Person, Reply
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask, browser

LOCAL = """# Safe Deposit Boxes

## How much does a safe deposit box cost?
A small safe deposit box costs $60 a year; a large one costs $120 a year.
"""
QUESTION = "How much does a safe deposit box cost?"
PUBLIC = "https://finbot.harborpine.test"


def _kb(tmp_path: Path) -> Path:
    folder = tmp_path / "server-only" / "knowledge"
    folder.mkdir(parents=True)
    (folder / "safe-deposit.md").write_text(LOCAL, encoding="utf-8")
    return folder


def _message(platform: str) -> IncomingMessage:
    return IncomingMessage(
        event_id=uuid.uuid4().hex, text=QUESTION, person=Person(id=f"{platform}:t:u"),
        conversation=Conversation(platform=platform, tenant="t", channel_id="c", is_direct=True),  # type: ignore[arg-type]
    )


def _links(rendered: str) -> list[str]:
    """Every link target in rendered output: Slack `<url|text>`, markdown `](url)`, HTML href, JSON url fields."""
    found = re.findall(r"<(https?://[^|>]+)\|", rendered) + re.findall(r"\]\(([^)]+)\)", rendered)
    found += re.findall(r'href="([^"]+)"', rendered) + re.findall(r'"url": "([^"]+)"', rendered)
    return found


async def test_slack_and_teams_link_a_local_file_to_finbots_page(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    folder = _kb(tmp_path)
    container = await Container.open(make_settings(FINBOT_SAMPLE_KNOWLEDGE=False, FINBOT_PUBLIC_URL=PUBLIC))
    try:
        await container.ingestor.ingest_path(folder)
        rendered = {}
        for platform in ("slack", "teams", "web"):
            reply = await container.assistant.respond(_message(platform))
            assert reply.citations, platform
            if platform == "slack":
                rendered[platform] = json.dumps(reply_blocks(reply))
            elif platform == "teams":
                activity = final_message(reply).model_dump(mode="json", exclude_none=True)
                rendered[platform] = json.dumps([reply_card(reply), activity])
            else:
                frame = render_reply(reply)
                rendered[platform] = frame["html"] + json.dumps(frame["reply"])
    finally:
        await container.close()
    for platform, text in rendered.items():
        assert "file:" not in text and str(tmp_path) not in text and "server-only" not in text, platform
        links = _links(text)
        assert links, platform
        assert all(link.startswith(f"{PUBLIC}/kb/") for link in links), (platform, links)


async def test_the_web_chat_links_a_local_file_to_a_page_that_opens(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    folder = _kb(tmp_path)
    server = await start_server(make_settings(FINBOT_SAMPLE_KNOWLEDGE=False), host="127.0.0.1", port=0)
    try:
        await server.container.ingestor.ingest_path(folder)
        async with browser() as http:
            async with http.ws_connect(server.url + "/ws/chat") as ws:
                turn = await ask(ws, QUESTION)
            links = _links(turn.final["html"])
            statuses = []
            for link in links:
                async with http.get(server.url + link) as page:
                    statuses.append(page.status)
                    body = await page.text()
                assert "$60 a year" in body and str(tmp_path) not in body
    finally:
        await server.stop()
    frame = json.dumps(turn.final)
    assert "file:" not in frame and str(tmp_path) not in frame
    assert links and all(link.startswith("/kb/") and "sig=" in link for link in links)
    assert statuses == [200] * len(links)


def test_a_citation_that_is_not_a_web_or_finbot_link_is_never_live() -> None:
    reply = Reply(text="See the sources.", citations=[
        Citation(title="Fees", uri="file:///srv/finbot/kb/fees.md"),
        Citation(title="Trick", uri="javascript:alert(1)"),
        Citation(title="Elsewhere", uri="//evil.example/x"),
        Citation(title="Page", uri="/kb/abc-0/fees.md?sig=00#passage"),
    ])
    web = render_reply(reply)["html"]
    slack = json.dumps(reply_blocks(reply))
    teams = json.dumps(reply_card(reply))
    assert _links(web) == ["/kb/abc-0/fees.md?sig=00#passage"]
    assert "Fees" in web and "Trick" in web and "Elsewhere" in web
    for text in (slack, teams):
        assert _links(text) == [] and "/srv/finbot" not in text  # no public URL: titles, no link
