"""Conversations that never dead-end, through signed Slack requests and the fake Slack Web API: top-level DMs as
one conversation answered in the DM flow, advisors offered (a button) rather than forced, no desk means no
promise, and a private question stays private."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import select

from adapters.slack.escalation_card import CLAIM
from adapters.slack.render import OFFER_ADVISOR
from core.escalation.policy import DEFAULT_CONTACT_LINE
from core.metrics import DashboardQuery
from core.store.models import EscalationRow, MessageRow
from tests.fakes import FakeSlackWebAPI, SlackCall
from tests.fakes.slack_signing import block_actions_body, event_callback, message_im_payload, slash_command_body
from tests.integration.slack.conftest import SlackHarness, running_slack

ADVISORS = "CADV"
WIRE = "How much does a domestic wire cost?"


class Seconds:
    """Slack message timestamps a given number of seconds apart (Slack's clock, not ours)."""

    def __init__(self) -> None:
        self.base = int(time.time())
        self.n = 0

    def at(self, offset_s: int) -> str:
        self.n += 1
        return f"{self.base + offset_s}.{self.n:06d}"


@pytest.fixture
async def desk_slack(slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI) -> AsyncIterator[SlackHarness]:
    """Slack with an advisors' channel (the desk)."""
    fake_slack.add_user("UADV1", "Jane Advisor")
    async with running_slack(slack_settings(SLACK_ADVISOR_CHANNEL=ADVISORS), fake_slack) as harness:
        yield harness


def _finals(fake: FakeSlackWebAPI, channel: str) -> list[SlackCall]:
    """finbot's finished top-level messages in a DM: posted whole or edited into their final blocks."""
    return [
        c for c in fake.requests
        if c.api_method in ("chat.postMessage", "chat.update") and c.status is not None
        and c.args.get("channel") == channel and not c.args.get("thread_ts") and c.args.get("blocks")
    ]


async def _dm(slack: SlackHarness, text: str, *, channel: str = "D1", user: str = "U1", ts: str | None = None
              ) -> SlackCall:
    """Send a top-level DM and return finbot's answer to it."""
    before = len(_finals(slack.fake, channel))
    assert (await slack.send_event(message_im_payload(text, user=user, channel=channel, ts=ts))).status == 200
    await slack.fake.wait_for(lambda c: len(_finals(slack.fake, channel)) > before, timeout=15)
    return _finals(slack.fake, channel)[before]


def _buttons(call: SlackCall) -> dict[str, str]:
    blocks = call.json_arg("blocks")
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


async def _rows(slack: SlackHarness) -> list[EscalationRow]:
    async with slack.server.container.db.session() as session:
        return list((await session.scalars(select(EscalationRow))).all())


async def test_an_off_topic_dm_offers_an_advisor_and_the_next_dm_is_answered(desk_slack: SlackHarness) -> None:
    slack = desk_slack
    off_topic = await _dm(slack, "What is the capital of Mongolia?")
    answered = await _dm(slack, WIRE)
    assert OFFER_ADVISOR in _buttons(off_topic) and await _rows(slack) == []
    assert "$25" in answered.args["text"] and "Sources" in json.dumps(answered.json_arg("blocks"))
    assert OFFER_ADVISOR not in _buttons(answered)
    assert slack.fake.calls("chat.startStream") == [], "top-level DMs are answered in the DM flow, not a thread"


async def test_small_talk_in_a_dm_is_small_talk(slack: SlackHarness) -> None:
    reply = await _dm(slack, "hello hello")
    assert reply.args["text"].startswith("Hello") and OFFER_ADVISOR not in _buttons(reply)
    assert await _rows(slack) == []


async def test_the_alice_conversation_over_dms(desk_slack: SlackHarness) -> None:
    slack = desk_slack
    seconds = Seconds()
    await _dm(slack, "Hi! My name is Alice and I'm interested in mutual funds.", user="UA", channel="DA",
              ts=seconds.at(0))
    recommend = await _dm(slack, "Can you recommend something for long-term growth?", user="UA", channel="DA",
                          ts=seconds.at(20))
    name = await _dm(slack, "What was my name again?", user="UA", channel="DA", ts=seconds.at(40))
    memory = slack.server.container.memory
    assert memory is not None
    before = [f.text for f in await memory.store.facts("slack:T1:UA")]
    await _dm(slack, "My brother says bitcoin is the future.", user="UA", channel="DA", ts=seconds.at(60))
    after = [f.text for f in await memory.store.facts("slack:T1:UA")]
    assert OFFER_ADVISOR in _buttons(recommend) and await _rows(slack) == []
    assert "Alice" in name.args["text"]
    assert before == after and not any("bitcoin" in fact for fact in after)


async def test_with_no_advisor_channel_nothing_is_promised(slack: SlackHarness) -> None:
    off_topic = await _dm(slack, "What is the capital of Mongolia?")
    assert OFFER_ADVISOR not in _buttons(off_topic), "no button offering an advisor nobody can send"
    accepted = await _dm(slack, "yes please")
    assert DEFAULT_CONTACT_LINE in accepted.args["text"]
    reply = await _dm(slack, "I want to talk to a person")
    assert DEFAULT_CONTACT_LINE in reply.args["text"] and "expect" not in reply.args["text"]
    rows = await _rows(slack)
    assert [(r.status, r.reason) for r in rows] == [("unrouted", "no_answer"), ("unrouted", "asked_for_human")]
    assert all(r.card_platform is None for r in rows)
    again = await _dm(slack, WIRE)  # nothing holds the conversation
    assert "$25" in again.args["text"]
    async with slack.http.get(slack.server.url + "/metrics") as response:
        exposition = await response.text()
    assert 'finbot_errors_total{kind="unrouted_handover"} 2.0' in exposition
    board = await DashboardQuery(slack.server.container.db).compute("24h")
    assert board.unrouted == 2


async def test_two_top_level_dms_15_s_apart_are_one_conversation_with_one_hand_over(
    desk_slack: SlackHarness,
) -> None:
    seconds = Seconds()
    first = await _dm(desk_slack, "I want to talk to a person", ts=seconds.at(0))
    second = await _dm(desk_slack, "I want to talk to a person, please", ts=seconds.at(15))
    later = await _dm(desk_slack, WIRE, ts=seconds.at(15 + 5 * 3600))  # after the session window: a new one
    assert "asked one of our advisors" in first.args["text"]
    assert "I've passed this on as well" in second.args["text"]
    assert "$25" in later.args["text"]
    rows = await _rows(desk_slack)
    assert len(rows) == 1 and rows[0].status == "open"
    async with desk_slack.server.container.db.session() as session:
        keys = (await session.scalars(select(MessageRow.conversation_key).where(MessageRow.role == "user")
                                      .order_by(MessageRow.id))).all()
    assert keys[0] == keys[1] == rows[0].conversation_key and keys[2] != keys[0]


async def test_two_top_level_dms_sent_at_once_join_one_session(desk_slack: SlackHarness) -> None:
    """Nothing is written before the turn: the second DM finds the first one's session in memory."""
    seconds = Seconds()
    sent = await asyncio.gather(*(
        desk_slack.send_event(message_im_payload(text, ts=seconds.at(i)))
        for i, text in enumerate((WIRE, "What are the trading hours for stocks?"))
    ))
    assert [s.status for s in sent] == [200, 200]
    await desk_slack.fake.wait_for(lambda c: len(_finals(desk_slack.fake, "D1")) >= 2, timeout=15)
    async with desk_slack.server.container.db.session() as session:
        keys = (await session.scalars(select(MessageRow.conversation_key).where(MessageRow.role == "user"))).all()
    assert len(keys) == 2 and keys[0] == keys[1]


async def test_the_offer_button_hands_the_question_over(desk_slack: SlackHarness) -> None:
    offered = await _dm(desk_slack, "What is the capital of Mongolia?")
    value = _buttons(offered)[OFFER_ADVISOR]
    before = len(_finals(desk_slack.fake, "D1"))
    clicked = await desk_slack.send_form(block_actions_body(OFFER_ADVISOR, value, user_id="U1", channel_id="D1"))
    assert clicked.status == 200
    await desk_slack.fake.wait_for(lambda c: len(_finals(desk_slack.fake, "D1")) > before)
    notice = _finals(desk_slack.fake, "D1")[before]
    assert "asked one of our advisors" in notice.args["text"]
    [row] = await _rows(desk_slack)
    assert row.question == "What is the capital of Mongolia?" and row.reason == "no_answer"
    assert row.card_channel == ADVISORS


async def test_a_private_question_stays_private_through_the_hand_over(desk_slack: SlackHarness) -> None:
    slack = desk_slack
    sent = await slack.send_form(slash_command_body("/finbot", "I want to talk to a person about my margin call",
                                                    user_id="U9", channel_id="C9"))
    assert sent.status == 200
    notice = await slack.wait_call("chat.postEphemeral", lambda c: c.args.get("user") == "U9")
    assert notice.args["channel"] == "C9" and "advisor" in notice.args["text"]
    card = await slack.wait_call("chat.postMessage", lambda c: c.args.get("channel") == ADVISORS)
    card_ts = str(card.response_ts)
    [row] = await _rows(slack)

    await slack.send_form(block_actions_body(CLAIM, row.id, user_id="UADV1", channel_id=ADVISORS, message_ts=card_ts))
    claimed = await slack.wait_call("chat.postMessage", lambda c: "picked up your request" in c.args.get("text", ""))
    reply_ts = str(int(time.time())) + ".999001"
    answer = {"type": "message", "channel": ADVISORS, "channel_type": "channel", "user": "UADV1", "ts": reply_ts,
              "text": "Your account balance is $12,345 and your margin call is due Friday.", "thread_ts": card_ts,
              "team": "T1", "client_msg_id": "m-advisor-1"}
    await slack.send_event(event_callback(answer))
    relay = await slack.wait_call("chat.postMessage", lambda c: "$12,345" in c.args.get("text", ""))
    await slack.send_form(slash_command_body("/finbot", "hello?", user_id="U9", channel_id="C9"))
    await slack.wait_call("chat.postEphemeral", lambda c: "Passed to Jane Advisor" in c.args.get("text", ""))

    dm = "D9"  # the fake's conversations.open: finbot's DM with U9
    assert claimed.args["channel"] == dm and relay.args["channel"] == dm
    assert [c.args["users"] for c in slack.fake.calls("conversations.open")] == ["U9", "U9"]
    in_channel = [c for c in slack.fake.requests if c.args.get("channel") == "C9"]
    assert in_channel and {c.api_method for c in in_channel} == {"chat.postEphemeral"}, "never public in C9"
