"""Escalation through Slack over real HTTP: signed events and clicks in, the fake Slack Web API records the rest."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from adapters.slack.escalation_card import CLAIM, CLOSE
from bot.server import RunningServer, start_server
from core.store.models import EscalationRow, MessageRow
from tests.conftest import SettingsFactory
from tests.fakes import FakeSlackWebAPI, SlackCall
from tests.fakes.slack_signing import (
    FORM,
    block_actions_body,
    event_callback,
    message_im_payload,
    new_ts,
    signed_headers,
)
from tests.integration.ws_client import ask

SECRET = "test-signing-secret"
ADVISORS = "CADV"


class Slack:
    def __init__(self, server: RunningServer, fake: FakeSlackWebAPI, http: aiohttp.ClientSession) -> None:
        self.server, self.fake, self.http = server, fake, http

    async def _post(self, body: str, content_type: str) -> int:
        headers = signed_headers(body, SECRET, content_type=content_type)
        async with self.http.post(self.server.url + "/slack/events", data=body.encode(), headers=headers) as response:
            return response.status

    async def event(self, payload: dict[str, Any]) -> None:
        assert await self._post(json.dumps(payload), "application/json") == 200

    async def click(self, action_id: str, escalation_id: str, *, user: str, card_ts: str) -> None:
        body = block_actions_body(action_id, escalation_id, user_id=user, channel_id=ADVISORS, message_ts=card_ts)
        assert await self._post(body, FORM) == 200

    async def advisor_says(self, text: str, *, user: str, card_ts: str) -> None:
        ts = new_ts()
        event = {"type": "message", "channel": ADVISORS, "channel_type": "channel", "user": user, "text": text,
                 "ts": ts, "event_ts": ts, "thread_ts": card_ts, "team": "T1", "client_msg_id": f"m-{ts}"}
        await self.event(event_callback(event))

    async def call(self, method: str, predicate: Callable[[SlackCall], bool], timeout: float = 10.0) -> SlackCall:
        return await self.fake.wait_for(
            lambda c: c.api_method == method and c.status is not None and predicate(c), timeout=timeout
        )

    def calls(self, method: str, predicate: Callable[[SlackCall], bool] = lambda c: True) -> list[SlackCall]:
        return [c for c in self.fake.requests if c.api_method == method and predicate(c)]

    async def row(self, escalation_id: str) -> EscalationRow:
        async with self.server.container.db.session() as session:
            row = await session.get(EscalationRow, escalation_id)
        assert row is not None
        return row


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackWebAPI]:
    async with FakeSlackWebAPI() as fake:
        fake.add_user("UADV1", "Jane Advisor")
        fake.add_user("UADV2", "Bob Broker")
        yield fake


def _settings(make_settings: SettingsFactory, fake: FakeSlackWebAPI, **overrides: object) -> Any:
    return make_settings(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_BASE_URL=fake.url + "/api/",
        SLACK_ADVISOR_CHANNEL=ADVISORS,
        **overrides,
    )


@pytest.fixture
async def slack(make_settings: SettingsFactory, fake_slack: FakeSlackWebAPI) -> AsyncIterator[Slack]:
    server = await start_server(_settings(make_settings, fake_slack), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            yield Slack(server, fake_slack, http)
    finally:
        await server.stop()


def _card_of(call: SlackCall) -> tuple[str, list[dict[str, Any]]]:
    blocks = call.json_arg("blocks")
    buttons = {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    return buttons.get(CLAIM, ""), blocks


def _in_dm(slack: Slack, channel: str, text: str) -> Callable[[SlackCall], bool]:
    """A top-level message finbot wrote into the DM (posted, or posted then edited) containing `text`."""
    def match(call: SlackCall) -> bool:
        return (call.args.get("channel") == channel and not call.args.get("thread_ts")
                and text in str(call.args.get("text", "")))
    return match


async def _said_in_dm(slack: Slack, channel: str, text: str) -> SlackCall:
    """finbot's finished top-level message in the DM: posted whole, or edited into its final blocks (the turn is
    saved by then; a partial post of the first words carries no blocks)."""
    match = _in_dm(slack, channel, text)
    return await slack.fake.wait_for(
        lambda c: c.api_method in ("chat.postMessage", "chat.update") and c.status is not None and match(c)
        and bool(c.args.get("blocks"))
    )


async def test_slack_person_to_slack_advisor_channel_and_back(slack: Slack) -> None:
    ts = new_ts()
    await slack.event(message_im_payload("Can I talk to a real person about my account?", user="U1", channel="D1",
                                         ts=ts))
    card = await slack.call("chat.postMessage", lambda c: c.args.get("channel") == ADVISORS)
    escalation_id, blocks = _card_of(card)
    text = json.dumps(blocks)
    assert escalation_id and "Can I talk to a real person" in text and "Asked for a person" in text
    assert "<@U1>" in text and f"https://slack.com/archives/D1/p{ts.replace('.', '')}" in text
    assert {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]} == {CLAIM, CLOSE}
    # Top-level DMs are answered in the DM flow (posted, then edited as the text grows), not in a thread.
    await _said_in_dm(slack, "D1", "advisor")
    card_ts = str(card.response_ts)
    row = await slack.row(escalation_id)
    assert (row.status, row.card_platform, row.card_channel, row.card_message_id) == (
        "open", "slack", ADVISORS, card_ts
    )

    await slack.click(CLAIM, escalation_id, user="UADV1", card_ts=card_ts)
    update = await slack.call("chat.update", lambda c: c.args.get("ts") == card_ts)
    updated = json.dumps(update.json_arg("blocks"))
    assert "Claimed* by Jane Advisor" in updated and CLAIM not in updated and CLOSE in updated
    claimed = await slack.call("chat.postMessage", _in_dm(slack, "D1", "Jane Advisor has picked up your request"))
    assert claimed.args["channel"] == "D1"

    # The person keeps typing in the DM: the advisor sees it in the card's thread, the person is told who has it.
    await slack.event(message_im_payload("Also, I moved house last month", user="U1", channel="D1", ts=new_ts()))
    forwarded = await slack.call("chat.postMessage", lambda c: c.args.get("thread_ts") == card_ts)
    assert forwarded.args["channel"] == ADVISORS and "I moved house" in forwarded.args["text"]
    await _said_in_dm(slack, "D1", "Passed to Jane Advisor, who is handling this")

    await slack.advisor_says("Hi! Jane here, I'll update your address today.", user="UADV1", card_ts=card_ts)
    relay = await slack.call("chat.postMessage", _in_dm(slack, "D1", "update your address"))
    assert "Jane Advisor" in relay.args["text"] and "Jane Advisor" in json.dumps(relay.json_arg("blocks"))
    await slack.call("chat.update", lambda c: "Answered* by Jane Advisor" in json.dumps(c.json_arg("blocks")))
    row = await slack.row(escalation_id)
    assert (row.status, row.advisor_id, row.advisor_name) == ("answered", "slack:T1:UADV1", "Jane Advisor")
    assert row.claim_seconds is not None and row.answer_seconds is not None

    # Another advisor cannot answer someone else's client; they are told who has it.
    await slack.advisor_says("I can help too", user="UADV2", card_ts=card_ts)
    refusal = await slack.call("chat.postEphemeral", lambda c: c.args.get("user") == "UADV2")
    assert "Jane Advisor already has this one" in refusal.args["text"]

    await slack.click(CLOSE, escalation_id, user="UADV1", card_ts=card_ts)
    await slack.call("chat.update", lambda c: "Closed* by Jane Advisor" in json.dumps(c.json_arg("blocks")))
    await slack.call("chat.postMessage", _in_dm(slack, "D1", "closed this conversation"))

    # Nothing in the advisor channel was ever answered by the bot; nothing went into a thread of the DM.
    assert slack.calls("chat.startStream") == []
    assert slack.calls("chat.postMessage", lambda c: c.args.get("channel") == "D1" and c.args.get("thread_ts")) == []
    async with slack.server.container.db.session() as session:
        from sqlalchemy import select

        query = select(MessageRow.role).where(MessageRow.conversation_key == row.conversation_key)
        roles = (await session.scalars(query.order_by(MessageRow.id))).all()
    # ask + notice, the claim note, the person's message + its acknowledgement, the advisor, the close note
    assert roles == ["user", "assistant", "assistant", "user", "assistant", "advisor", "assistant"]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_twenty_simultaneous_slack_claims(
    backend: str, request: pytest.FixtureRequest, make_settings: SettingsFactory, fake_slack: FakeSlackWebAPI
) -> None:
    overrides = {"DATABASE_URL": request.getfixturevalue("postgres_url")} if backend == "postgres" else {}
    server = await start_server(_settings(make_settings, fake_slack, **overrides), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            slack = Slack(server, fake_slack, http)
            await slack.event(message_im_payload("I want to make a complaint", user="U7", channel="D7", ts=new_ts()))
            card = await slack.call("chat.postMessage", lambda c: c.args.get("channel") == ADVISORS)
            escalation_id, _ = _card_of(card)
            card_ts = str(card.response_ts)
            for n in range(20):
                fake_slack.add_user(f"UA{n}", f"Advisor {n}")
            await asyncio.gather(*(slack.click(CLAIM, escalation_id, user=f"UA{n}", card_ts=card_ts)
                                   for n in range(20)))
            # Every click ends in exactly one post: the winner's card update or a refusal. Wait for all 20.
            await slack.call("chat.update", lambda c: c.args.get("ts") == card_ts)
            await fake_slack.wait_for(lambda c: len(slack.calls("chat.postEphemeral")) >= 19, timeout=15)
            refusals = slack.calls("chat.postEphemeral")
            updates = slack.calls("chat.update", lambda c: c.args.get("ts") == card_ts)
            row = await slack.row(escalation_id)
    finally:
        await server.stop()
    assert row.status == "claimed" and row.advisor_name is not None
    assert len(refusals) == 19 and all(f"{row.advisor_name} already has this one" in c.args["text"] for c in refusals)
    assert len(updates) == 1 and f"by {row.advisor_name}" in json.dumps(updates[0].json_arg("blocks"))
    assert {c.args["user"] for c in refusals} | {row.advisor_id.split(":")[-1]} == {f"UA{n}" for n in range(20)}


async def test_web_person_to_slack_advisors_cross_platform(
    make_settings: SettingsFactory, fake_slack: FakeSlackWebAPI
) -> None:
    settings = _settings(make_settings, fake_slack, FINBOT_ADVISOR_DESK="slack", FINBOT_WEB=True)
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
            slack = Slack(server, fake_slack, http)
            turn = await ask(ws, "My husband passed away and I need help with his IRA")
            assert turn.reply["escalation"]["reason"] == "bereavement"
            card = await slack.call("chat.postMessage", lambda c: c.args.get("channel") == ADVISORS)
            escalation_id, blocks = _card_of(card)
            assert escalation_id == turn.reply["escalation"]["id"] and "Web" in json.dumps(blocks)
            await slack.advisor_says("I'm so sorry. I'll call you this afternoon.", user="UADV1",
                                     card_ts=str(card.response_ts))
            async with asyncio.timeout(10):
                claimed = await ws.receive_json()  # answering an unclaimed card claims it: the person is told
                relay = await ws.receive_json()
            assert claimed["type"] == "relay" and claimed["from"] == "finbot" and "Jane Advisor has picked up" in (
                claimed["text"])
            assert relay["type"] == "relay" and relay["from"] == "Jane Advisor" and "call you" in relay["text"]
            assert (await slack.row(escalation_id)).status == "answered"
    finally:
        await server.stop()
