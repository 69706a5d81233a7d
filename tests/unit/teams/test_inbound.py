"""Activity -> IncomingMessage, references and card actions (pure functions)."""

from __future__ import annotations

from microsoft_agents.activity import Activity

from adapters.teams.inbound import card_action_of, channel_root_reference, split_thread, to_incoming
from tests.fakes.bf_activities import invoke_activity, message_activity

URL = "https://smba.example.test/amer/"


def test_personal_message() -> None:
    message = to_incoming(Activity.model_validate(message_activity("  What are   the fees? ", service_url=URL)))
    assert message is not None
    assert message.text == "What are the fees?" and message.kind == "message"
    assert message.person.id == "teams:tenant-1:aad-user-1" and message.person.display_name == "Alice Adviser"
    assert message.conversation.key == "teams:tenant-1:a:1personal-chat:-" and message.conversation.is_direct
    reference = message.conversation.reference
    assert reference is not None and reference["serviceUrl"] == URL
    assert reference["conversation"]["id"] == "a:1personal-chat" and reference["bot"]["id"] == "28:finbot"


def test_channel_mention_is_stripped_and_the_thread_kept() -> None:
    raw = message_activity("fees?", service_url=URL, conversation_type="channel", mention_bot=True, activity_id="42")
    message = to_incoming(Activity.model_validate(raw))
    assert message is not None and message.text == "fees?" and message.kind == "mention"
    assert message.conversation.channel_id == "19:channel@thread.tacv2" and message.conversation.thread_id == "42"
    assert not message.conversation.is_direct
    root = channel_root_reference(message.conversation.reference or {})
    assert root is not None and root["conversation"]["id"] == "19:channel@thread.tacv2" and "activityId" not in root


def test_person_falls_back_to_the_channel_account_id() -> None:
    raw = message_activity("hi", service_url=URL)
    del raw["from"]["aadObjectId"]
    message = to_incoming(Activity.model_validate(raw))
    assert message is not None and message.person.id == "teams:tenant-1:29:user-1"


def test_empty_and_mention_only_messages_are_not_questions() -> None:
    assert to_incoming(Activity.model_validate(message_activity("", service_url=URL))) is None
    only_mention = message_activity(None, service_url=URL, conversation_type="channel", mention_bot=True)
    assert to_incoming(Activity.model_validate(only_mention)) is None


def test_card_actions_from_submit_and_execute() -> None:
    submit = message_activity(None, service_url=URL, value={"verb": "feedback", "turn_id": "t", "rating": 1},
                              reply_to_id="99")
    action = card_action_of(Activity.model_validate(submit))
    assert action is not None and action.verb == "feedback" and action.card_activity_id == "99" and not action.invoke
    execute = invoke_activity(
        value={"action": {"type": "Action.Execute", "verb": "claim", "data": {"case": "c1"}}}, service_url=URL
    )
    action = card_action_of(Activity.model_validate(execute))
    assert action is not None and action.verb == "claim" and action.data == {"case": "c1"} and action.invoke
    assert card_action_of(Activity.model_validate(message_activity("hi", service_url=URL))) is None


def test_split_thread() -> None:
    assert split_thread("19:a@thread.tacv2;messageid=5") == ("19:a@thread.tacv2", "5")
    assert split_thread("a:1xyz") == ("a:1xyz", None)
