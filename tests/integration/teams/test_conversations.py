"""Conversations that never dead-end, through Bot Framework activities and the fake connector: off-topic questions
offer an advisor (an Action.Submit button), small talk is small talk, and feedback is never a public message."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from sqlalchemy import select

from adapters.teams.render import OFFER_VERB
from bot.server import start_server
from core.escalation.policy import DEFAULT_CONTACT_LINE
from core.store.models import EscalationRow
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bf_activities import CHANNEL_ID, conversation_update_activity, message_activity
from tests.integration.teams.conftest import QUESTION, TeamsHarness, card_of, card_text


def _last_message(teams: TeamsHarness) -> dict[str, Any]:
    return [c.activity for c in teams.connector.calls() if c.activity and c.activity["type"] == "message"][-1]


def _said(activity: dict[str, Any]) -> str:
    """What the person reads: the streamed text and / or the card's text."""
    card = next((a["content"] for a in activity.get("attachments") or [] if "adaptive" in a["contentType"]), None)
    return "\n".join(filter(None, [activity.get("text") or "", card_text(card) if card else ""]))


def _actions(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return card_of(activity).get("actions", []) if activity.get("attachments") else []


async def _ask(teams: TeamsHarness, text: str, **activity: Any) -> dict[str, Any]:
    await teams.turn(message_activity(text, service_url=teams.connector.url, **activity))
    return _last_message(teams)


async def _rows(teams: TeamsHarness) -> list[EscalationRow]:
    async with teams.server.container.db.session() as session:
        return list((await session.scalars(select(EscalationRow))).all())


async def test_an_off_topic_question_then_an_answerable_one(teams: TeamsHarness) -> None:
    off_topic = await _ask(teams, "What is the capital of Mongolia?")
    answered = await _ask(teams, QUESTION)
    assert "couldn't find" in _said(off_topic) and "client service team" in _said(off_topic), "the contact line"
    assert not any(a.get("data", {}).get("verb") == OFFER_VERB for a in _actions(off_topic)), "no desk: no button"
    assert "$25" in _said(answered) and "Sources" in _said(answered)
    assert await _rows(teams) == []


async def test_small_talk_is_small_talk(teams: TeamsHarness) -> None:
    reply = await _ask(teams, "hello hello")
    assert _said(reply).startswith("Hello") and await _rows(teams) == []
    assert not any(a.get("data", {}).get("verb") == OFFER_VERB for a in _actions(reply))


async def test_without_an_advisor_channel_a_yes_gets_the_contact_line(teams: TeamsHarness) -> None:
    await _ask(teams, "What is the capital of Mongolia?")
    assert DEFAULT_CONTACT_LINE in _said(await _ask(teams, "yes"))
    [row] = await _rows(teams)
    assert (row.status, row.question, row.reason) == ("unrouted", "What is the capital of Mongolia?", "no_answer")


async def test_the_offer_button_hands_the_question_to_the_advisor_channel(make_settings: SettingsFactory) -> None:
    settings = make_settings(FINBOT_TEAMS=True, FINBOT_TEAMS_STREAM_INTERVAL=0, TEAMS_ADVISOR_CHANNEL=CHANNEL_ID)
    async with FakeBotConnector() as connector:
        server = await start_server(settings, host="127.0.0.1", port=0)
        try:
            async with aiohttp.ClientSession() as http:
                teams = TeamsHarness(server, connector, http)
                await teams.turn(conversation_update_activity(service_url=connector.url, conversation_type="channel",
                                                              conversation_id=CHANNEL_ID))
                offered = await _ask(teams, "What is the capital of Mongolia?")
                data = next(a["data"] for a in _actions(offered) if a.get("data", {}).get("verb") == OFFER_VERB)
                await teams.turn(message_activity(None, service_url=connector.url, value=data))
                notice = _said(_last_message(teams))
                [row] = await _rows(teams)
        finally:
            await server.stop()
    assert "asked one of our advisors" in notice
    assert (row.status, row.question, row.card_channel) == ("open", "What is the capital of Mongolia?", CHANNEL_ID)


async def test_feedback_in_a_channel_is_not_a_message_the_channel_sees(teams: TeamsHarness) -> None:
    answer = await _ask(teams, QUESTION, conversation_type="channel", mention_bot=True)
    card = card_of(answer)
    data = next(a["data"] for a in card["actions"] if a.get("data", {}).get("rating") == 1)
    teams.connector.clear()
    await teams.turn(message_activity(None, service_url=teams.connector.url, conversation_type="channel",
                                      value=data, reply_to_id="card-1"))
    assert [c for c in teams.connector.calls() if c.activity and c.activity["type"] == "message"] == []
    async with teams.server.container.db.session() as session:
        from core.store.models import TurnMetricRow

        row = await session.get(TurnMetricRow, data["turn_id"])
    assert row is not None and row.feedback == 1, json.dumps(data)
