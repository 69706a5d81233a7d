"""Person- and document-derived text never becomes a live link or a mention in Slack (issue 14, part 5): an
echoed Markdown link, `<!channel>` and a `<url|text>` link go through signed requests into what the fake Slack
Web API receives, in Block Kit and the message `text`, in the streamed `markdown_text`, and in the advisor card.
Only the links finbot builds (citations) are live."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.fakes import FakeSlackWebAPI, SlackCall
from tests.fakes.slack_signing import assistant_thread_payload, message_im_payload, new_ts
from tests.integration.slack.conftest import SlackHarness, running_slack

ADVISORS = "CADV"
PUBLIC = "https://finbot.harborpine.test"
PLANTED = "[verify here](https://evil.example/login) <!channel> <!here> <https://x.test/a|your bank> <@U0BOSS>"
REMEMBER = f"My bank is {PLANTED}"
LIVE = re.compile(r"<!channel>|<!here>|<https://x\.test|<@U0BOSS>|\]\(https://evil|<https://evil")
"""Anything that would ping people or be a live link of the person's making."""


@pytest.fixture
async def desk_slack(slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI) -> AsyncIterator[SlackHarness]:
    async with running_slack(slack_settings(SLACK_ADVISOR_CHANNEL=ADVISORS), fake_slack) as harness:
        yield harness


def _sent(calls: list[SlackCall]) -> str:
    """Every text and block finbot sent in `calls`, as Slack received it."""
    return "\n".join(
        json.dumps({k: c.args.get(k) for k in ("text", "blocks", "markdown_text", "chunks")}) + c.streamed_markdown
        for c in calls
    )


def _calls(fake: FakeSlackWebAPI, channel: str) -> list[SlackCall]:
    return [c for c in fake.requests if c.status is not None and c.args.get("channel") == channel]


async def _final(slack: SlackHarness, channel: str) -> SlackCall:
    """finbot's finished message in a DM: posted whole, or its first words edited into the final blocks."""
    return await slack.fake.wait_for(
        lambda c: c.api_method in ("chat.postMessage", "chat.update") and c.status is not None
        and c.args.get("channel") == channel and bool(c.args.get("blocks")),
        timeout=15,
    )


async def test_an_echoed_link_and_mentions_stay_inert_in_block_kit_and_text(slack: SlackHarness) -> None:
    assert (await slack.send_event(message_im_payload(REMEMBER, user="U1", channel="D1"))).status == 200
    reply = await _final(slack, "D1")
    sent = _sent(_calls(slack.fake, "D1"))
    assert "verify here" in reply.args["text"], "the echo is there, as text"
    assert "&lt;!channel&gt;" in sent and "&lt;!here&gt;" in sent
    assert not LIVE.findall(sent)


async def test_the_streamed_markdown_text_is_escaped_and_has_no_live_link(slack: SlackHarness) -> None:
    ts = new_ts()
    await slack.send_event(assistant_thread_payload(REMEMBER, user="U2", channel="D2", thread_ts=ts))
    await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "D2")
    streamed = "".join(c.streamed_markdown for c in _calls(slack.fake, "D2"))
    assert "verify here" in streamed and "&lt;!channel&gt;" in streamed
    assert not LIVE.findall(streamed) and not LIVE.findall(_sent(_calls(slack.fake, "D2")))


async def test_the_advisor_card_shows_the_question_inert(desk_slack: SlackHarness) -> None:
    question = f"I want to talk to a person about {PLANTED}"
    await desk_slack.send_event(message_im_payload(question, user="U3", channel="D3"))
    card = await desk_slack.wait_call("chat.postMessage", lambda c: c.args.get("channel") == ADVISORS)
    sent = _sent([card])
    assert "verify here" in sent and "&lt;!channel&gt;" in sent, "the client's words are on the card, as text"
    assert not LIVE.findall(sent)


async def test_citations_stay_live_links(slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI) -> None:
    """The only links in an answer are finbot's own: its sources (finbot's page of each, under its public URL)."""
    async with running_slack(slack_settings(FINBOT_PUBLIC_URL=PUBLIC), fake_slack) as slack:
        await slack.send_event(message_im_payload("How much does a domestic wire cost?", user="U4", channel="D4"))
        reply = await _final(slack, "D4")
    sources = [b for b in reply.json_arg("blocks") if b["type"] == "context" and "Sources" in json.dumps(b)]
    assert sources and re.search(rf"<{re.escape(PUBLIC)}/kb/[^|>]+\|[^>]+>", sources[0]["elements"][0]["text"])
