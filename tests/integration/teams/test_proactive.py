"""Conversation references stored from activities, and used later to post into the conversation."""

from __future__ import annotations

from adapters.teams import reply_card, teams_conversation, thread_reference
from core.types import Citation, Reply
from tests.fakes.bf_activities import CHANNEL_ID, TENANT_ID, conversation_update_activity, message_activity
from tests.integration.teams.conftest import TeamsHarness, card_of


async def _reference(teams: TeamsHarness, conversation_id: str) -> dict:
    key = teams_conversation(TENANT_ID, conversation_id).key
    conversation = await teams.server.container.conversations.get_conversation(key)
    assert conversation is not None and conversation.reference is not None, key
    return conversation.reference


async def test_personal_install_stores_the_reference_and_says_hello(teams: TeamsHarness) -> None:
    posted = await teams.turn(conversation_update_activity(service_url=teams.connector.url))

    assert posted.status == 202
    reference = await _reference(teams, "a:1personal-chat")
    assert reference["serviceUrl"] == teams.connector.url
    assert reference["conversation"]["id"] == "a:1personal-chat"
    assert reference["user"]["aadObjectId"] == "aad-user-1"
    assert len(teams.connector.texts()) == 1 and "finbot" in teams.connector.texts()[0]


async def test_stored_reference_is_used_later_to_post_and_update(teams: TeamsHarness) -> None:
    await teams.turn(message_activity("hello", service_url=teams.connector.url))
    reference = await _reference(teams, "a:1personal-chat")
    teams.connector.clear()

    answer = Reply(text="An advisor answered: the fee is $25.", citations=[Citation(title="Fees", uri="https://x.test/f")])
    activity_id = await teams.teams.send_proactive(reference, card=reply_card(answer, feedback=False))
    await teams.teams.update_proactive(reference, activity_id, reply_card(Reply(text="Resolved."), feedback=False))

    sent = teams.connector.calls("send")
    assert len(sent) == 1 and sent[0].conversation_id == "a:1personal-chat"
    assert sent[0].response["id"] == activity_id
    assert "the fee is $25" in card_of(sent[0].activity)["body"][0]["text"]
    updated = teams.connector.calls("update")
    assert len(updated) == 1 and updated[0].activity_id == activity_id
    assert card_of(updated[0].activity)["body"][0]["text"] == "Resolved."


async def test_channel_install_reference_posts_a_new_thread_then_replies_in_it(teams: TeamsHarness) -> None:
    """The advisor-channel path: the channel reference from the install event starts a thread; replies follow."""
    await teams.turn(
        conversation_update_activity(
            service_url=teams.connector.url, conversation_type="channel", conversation_id=CHANNEL_ID
        )
    )
    channel = await _reference(teams, CHANNEL_ID)
    [introduction] = teams.connector.texts()
    assert "Mention me" in introduction, "a short introduction when added to a team"
    teams.connector.clear()

    root_id = await teams.teams.send_proactive(channel, text="New question from a client")
    await teams.teams.send_proactive(thread_reference(channel, root_id), text="Claimed by Bob")

    first, second = teams.connector.calls("send")
    assert first.conversation_id == CHANNEL_ID and first.activity["text"] == "New question from a client"
    assert second.conversation_id == f"{CHANNEL_ID};messageid={root_id}"


async def test_a_message_in_a_channel_thread_also_stores_the_channel(teams: TeamsHarness) -> None:
    activity = message_activity(
        "hello", service_url=teams.connector.url, conversation_type="channel", mention_bot=True
    )
    await teams.turn(activity)

    thread = await _reference(teams, activity["conversation"]["id"])
    channel = await _reference(teams, CHANNEL_ID)
    assert thread["conversation"]["id"].startswith(f"{CHANNEL_ID};messageid=")
    assert channel["conversation"]["id"] == CHANNEL_ID and "activityId" not in channel
