"""The events people expect in Teams: an edited question is answered again in place, a deleted question takes
finbot's answer with it, and finbot introduces itself when added to a group chat (recorded-shape activities
through real HTTP; the fake connector shows what finbot did)."""

from __future__ import annotations

import aiohttp

from bot.server import start_server
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bf_activities import (
    CHANNEL_ID,
    conversation_update_activity,
    message_activity,
    message_delete_activity,
    message_edit_activity,
)
from tests.integration.teams.conftest import QUESTION, TeamsHarness, card_of, card_text


def _answer_id(teams: TeamsHarness) -> str:
    return [c for c in teams.connector.calls() if c.activity and c.activity["type"] == "message"][-1].response["id"]


async def test_an_edited_question_is_answered_again_in_place(teams: TeamsHarness) -> None:
    question = message_activity("What are the trading hours?", service_url=teams.connector.url,
                                conversation_type="groupChat", mention_bot=True)
    await teams.turn(question)
    answer_id = _answer_id(teams)
    teams.connector.clear()

    posted = await teams.turn(message_edit_activity(question, f"<at>finbot</at> {QUESTION}"))

    assert posted.status == 202
    [update] = teams.connector.calls("update")
    assert update.activity_id == answer_id, "the old answer is replaced, not a new message"
    assert "$25" in card_text(card_of(update.activity))
    assert teams.connector.calls("reply") == [] and teams.connector.calls("send") == []
    assert [m.text for m in await teams.stored_messages("user")][-1] == QUESTION


async def test_an_edit_of_a_question_an_advisor_has_is_not_answered_again(make_settings: SettingsFactory) -> None:
    settings = make_settings(FINBOT_TEAMS=True, FINBOT_TEAMS_STREAM_INTERVAL=0, TEAMS_ADVISOR_CHANNEL=CHANNEL_ID)
    async with FakeBotConnector() as connector:
        server = await start_server(settings, host="127.0.0.1", port=0)
        try:
            async with aiohttp.ClientSession() as http:
                teams = TeamsHarness(server, connector, http)
                await teams.turn(conversation_update_activity(service_url=connector.url, conversation_type="channel",
                                                              conversation_id=CHANNEL_ID))
                question = message_activity("I want to speak to a real person", service_url=connector.url)
                await teams.turn(question)
                assert any("advisor" in t for t in connector.texts() + [card_text(c) for c in connector.cards()])
                answered = teams.teams.agent.answers.get(question["id"])
                assert answered is not None and answered.escalated, "finbot's answer handed it to an advisor"
                connector.clear()
                await teams.turn(message_edit_activity(question, "Actually, what are the trading hours?"))
        finally:
            await server.stop()
    assert connector.calls("update") == [], "the advisor has it: finbot does not answer over them"


async def test_an_edit_of_something_finbot_never_answered_is_left_alone(teams: TeamsHarness) -> None:
    stranger = message_activity("hello all", service_url=teams.connector.url, conversation_type="groupChat")
    await teams.turn(message_edit_activity(stranger, "hello everyone"))
    assert teams.connector.requests == []


async def test_a_deleted_question_takes_the_answer_with_it(teams: TeamsHarness) -> None:
    question = message_activity(QUESTION, service_url=teams.connector.url)
    await teams.turn(question)
    stream_id = teams.connector.calls()[1].response["id"]  # a streamed answer keeps its stream's id
    teams.connector.clear()

    posted = await teams.turn(message_delete_activity(question))

    assert posted.status == 202
    [delete] = teams.connector.calls("delete")
    assert delete.conversation_id == "a:1personal-chat" and delete.activity_id == stream_id
    await teams.turn(message_delete_activity(question))  # Teams retrying: nothing left to delete
    assert len(teams.connector.calls("delete")) == 1


async def test_added_to_a_group_chat_finbot_introduces_itself(teams: TeamsHarness) -> None:
    await teams.turn(conversation_update_activity(service_url=teams.connector.url, conversation_type="groupChat"))
    [introduction] = teams.connector.texts()
    assert "Mention me (@finbot)" in introduction
    await teams.turn(conversation_update_activity(service_url=teams.connector.url, conversation_type="groupChat",
                                                  members_added=[{"id": "29:someone-else"}]))
    assert len(teams.connector.texts()) == 1, "only when finbot itself joins"
