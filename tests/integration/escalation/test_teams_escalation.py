"""Escalation through Teams over real HTTP: Bot Framework activities in, the fake connector records the rest."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from adapters.teams.escalation_card import CLAIM_VERB, CLOSE_VERB
from bot.server import start_server
from core.store.models import EscalationRow
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bf_activities import CHANNEL_ID, conversation_update_activity, invoke_activity, message_activity
from tests.integration.teams.conftest import TeamsHarness

PERSONAL = "a:1personal-chat"
CARLA = {"from_id": "29:carla", "from_name": "Carla Client", "aad_object_id": "aad-carla"}
DANA = {"from_id": "29:dana", "from_name": "Dana Advisor", "aad_object_id": "aad-dana"}
ERIK = {"from_id": "29:erik", "from_name": "Erik Planner", "aad_object_id": "aad-erik"}


@pytest.fixture
async def teams(make_settings: SettingsFactory) -> AsyncIterator[TeamsHarness]:
    settings = make_settings(FINBOT_TEAMS=True, FINBOT_TEAMS_STREAM_INTERVAL=0, TEAMS_ADVISOR_CHANNEL=CHANNEL_ID)
    async with FakeBotConnector() as connector:
        server = await start_server(settings, host="127.0.0.1", port=0)
        try:
            async with aiohttp.ClientSession() as http:
                yield TeamsHarness(server, connector, http)
        finally:
            await server.stop()


def _card(activity: dict[str, Any]) -> dict[str, Any]:
    return next(a["content"] for a in activity.get("attachments") or [] if "adaptive" in a["contentType"])


def _posts_in(connector: FakeBotConnector, conversation_id: str) -> list[dict[str, Any]]:
    return [c.activity for c in connector.requests
            if c.operation in ("send", "reply") and c.conversation_id == conversation_id and c.activity
            and c.activity.get("type") == "message"]


async def _row(teams: TeamsHarness, escalation_id: str) -> EscalationRow:
    async with teams.server.container.db.session() as session:
        row = await session.get(EscalationRow, escalation_id)
    assert row is not None
    return row


async def test_teams_person_to_teams_advisor_channel_and_back(teams: TeamsHarness) -> None:
    url = teams.connector.url
    # finbot is installed in the team: the advisor channel's reference is captured.
    await teams.turn(conversation_update_activity(service_url=url, conversation_type="channel",
                                                  conversation_id=CHANNEL_ID))
    await teams.turn(message_activity("I want to speak to a real person", service_url=url, **CARLA))

    card_post = next(c for c in teams.connector.calls("send") if c.conversation_id == CHANNEL_ID)
    card = _card(card_post.activity)
    card_id = card_post.response["id"]
    actions = {a["data"]["verb"]: a for a in card["actions"]}
    assert set(actions) == {CLAIM_VERB, CLOSE_VERB} and all(a["type"] == "Action.Execute" for a in actions.values())
    escalation_id = actions[CLAIM_VERB]["data"]["escalation_id"]
    text = json.dumps(card)
    assert "I want to speak to a real person" in text and "Carla Client" in text and "Asked for a person" in text
    assert any("advisor" in (a.get("text") or "") for a in _posts_in(teams.connector, PERSONAL))
    row = await _row(teams, escalation_id)
    assert (row.status, row.card_platform, row.card_channel, row.card_message_id) == (
        "open", "teams", CHANNEL_ID, card_id
    )

    thread = f"{CHANNEL_ID};messageid={card_id}"
    claim = {"verb": CLAIM_VERB, "escalation_id": escalation_id}
    execute = {"action": {"type": "Action.Execute", "verb": CLAIM_VERB, "data": claim}, "trigger": "manual"}
    claimed_by_dana = await teams.post(invoke_activity(value=execute, service_url=url, conversation_type="channel",
                                                       conversation_id=thread, reply_to_id=card_id, **DANA))
    await teams.teams.drain()
    assert claimed_by_dana.status == 200 and claimed_by_dana.body["statusCode"] == 200
    update = teams.connector.calls("update")
    assert len(update) == 1 and update[0].activity_id == card_id
    claimed = json.dumps(_card(update[0].activity))
    assert "Claimed by Dana Advisor" in claimed and CLAIM_VERB not in claimed
    assert "Dana Advisor has picked up your request" in _posts_in(teams.connector, PERSONAL)[-1]["text"]

    refused = await teams.post(invoke_activity(value=execute, service_url=url, conversation_type="channel",
                                               conversation_id=thread, reply_to_id=card_id, **ERIK))
    assert "Dana Advisor already has this one" in refused.body["value"], "the refusal is the invoke's answer"
    assert len(teams.connector.calls("update")) == 1, "a refused claim does not touch the card"

    # Carla keeps typing: Dana sees it in the card's thread; the bot only tells Carla who has it.
    before = len(_posts_in(teams.connector, PERSONAL))
    await teams.turn(message_activity("What are the trading hours? Are you there?", service_url=url, **CARLA))
    acknowledged = _posts_in(teams.connector, PERSONAL)[before:]
    assert len(acknowledged) == 1 and "Passed to Dana Advisor, who is handling this." in json.dumps(acknowledged)
    assert any("Are you there?" in (a.get("text") or "") and "Carla Client" in a["text"]
               for a in _posts_in(teams.connector, thread))

    # Dana answers in the card's thread (mentioning finbot): relayed to Carla, not answered by the bot.
    thread_posts = len(_posts_in(teams.connector, thread))
    await teams.turn(message_activity("Hello Carla, Dana here. Markets open 9:30 ET.", service_url=url,
                                      conversation_type="channel", conversation_id=thread, mention_bot=True, **DANA))
    relay = _posts_in(teams.connector, PERSONAL)[-1]
    assert relay["text"] == "**Dana Advisor** (your advisor): Hello Carla, Dana here. Markets open 9:30 ET."
    assert len(_posts_in(teams.connector, thread)) == thread_posts, "the bot never answers in the advisor channel"
    assert "Answered by Dana Advisor" in json.dumps(_card(teams.connector.calls("update")[-1].activity))
    row = await _row(teams, escalation_id)
    assert (row.status, row.advisor_id, row.advisor_name) == ("answered", "teams:tenant-1:aad-dana", "Dana Advisor")
    advisor_messages = await teams.stored_messages("advisor")
    assert [m.text for m in advisor_messages] == ["Hello Carla, Dana here. Markets open 9:30 ET."]

    await teams.turn(message_activity(None, service_url=url, conversation_type="channel", conversation_id=thread,
                                      value={"verb": CLOSE_VERB, "escalation_id": escalation_id},
                                      reply_to_id=card_id, **DANA))
    assert "Closed by Dana Advisor" in json.dumps(_card(teams.connector.calls("update")[-1].activity))
    assert "closed this conversation" in _posts_in(teams.connector, PERSONAL)[-1]["text"]
    assert (await _row(teams, escalation_id)).status == "closed"


async def test_top_level_messages_in_the_advisor_channel_are_not_answered(teams: TeamsHarness) -> None:
    url = teams.connector.url
    await teams.turn(conversation_update_activity(service_url=url, conversation_type="channel",
                                                  conversation_id=CHANNEL_ID))
    await teams.turn(message_activity("What are the trading hours?", service_url=url, conversation_type="channel",
                                      mention_bot=True, **DANA))
    said = [c.activity.get("text") for c in teams.connector.requests
            if c.activity and c.activity.get("type") == "message"]
    assert len(said) == 1 and "Mention me" in said[0], "only the introduction when finbot joined the team"
