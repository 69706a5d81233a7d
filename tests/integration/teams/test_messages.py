"""Teams message activities over real HTTP into /api/messages; replies land on the fake Bot Connector."""

from __future__ import annotations

import asyncio

from core.types import Reply
from tests.fakes.bf_activities import message_activity, new_activity_id
from tests.integration.teams.conftest import QUESTION, TeamsHarness, card_of, card_text, stream_info


def _ai_entity(activity: dict) -> dict | None:
    return next((e for e in activity.get("entities") or [] if "AIGeneratedContent" in (e.get("additionalType") or [])),
                None)


async def test_personal_chat_streams_natively_with_the_ai_label_citations_and_the_feedback_loop(
    teams: TeamsHarness,
) -> None:
    """The Agents SDK's streaming_response: informative updates (the core's progress), cumulative chunks, and a
    final message carrying the "AI generated" label, citation entities and Teams' native feedback loop."""
    posted = await teams.turn(message_activity(QUESTION, service_url=teams.connector.url))

    assert posted.status == 202  # answered in the background: Teams wants the HTTP reply fast
    sent = teams.connector.activities()
    assert sent[0]["type"] == "typing" and stream_info(sent[0]) is None, "a plain typing indicator comes first"
    informative = [a for a in sent if (stream_info(a) or {}).get("streamType") == "informative"]
    assert informative and informative[0] is sent[1]
    assert stream_info(sent[1]) == {"type": "streaminfo", "streamType": "informative", "streamSequence": 1}
    assert "searching" in sent[1]["text"], "the core's progress is the informative update"
    stream_id = teams.connector.calls()[1].response["id"]
    chunks = [a for a in sent if a["type"] == "typing" and (stream_info(a) or {}).get("streamType") == "streaming"]
    assert chunks, "the answer streams"
    streamed = [stream_info(a) for a in sent[1:-1]]
    assert [s["streamSequence"] for s in streamed] == list(range(1, 1 + len(streamed)))
    assert all(s.get("streamId") == stream_id for s in streamed[1:])
    texts = [c["text"] for c in chunks]
    assert all(later.startswith(earlier) for earlier, later in zip(texts, texts[1:], strict=False)), (
        "each chunk carries all the text so far"
    )

    final = sent[-1]
    assert final["type"] == "message" and len([a for a in sent if a["type"] == "message"]) == 1
    assert stream_info(final) == {"type": "streaminfo", "streamType": "final", "streamId": stream_id}
    assert "$25" in final["text"]
    ai = _ai_entity(final)
    assert ai is not None and ai["type"] == "https://schema.org/Message", "the AI-generated label"
    [claim] = ai["citation"]
    assert claim["@type"] == "Claim" and claim["position"] == 1 and "Money Transfers" in claim["appearance"]["name"]
    assert final["channelData"]["feedbackLoop"] == {"type": "default"}, "Teams' native thumbs"
    card = card_of(final)
    assert card["version"] == "1.5"
    assert "money-transfers.md" in card_text(card) and "Sources" in card_text(card)
    assert not any(a.get("verb") == "feedback" for a in card.get("actions", [])), "no card thumbs in 1:1"
    # replies go to the conversation the question came from, as replies to it
    assert {c.conversation_id for c in teams.connector.calls()} == {"a:1personal-chat"}


async def test_a_missing_conversation_type_is_not_a_personal_chat(teams: TeamsHarness) -> None:
    activity = message_activity(QUESTION, service_url=teams.connector.url)
    del activity["conversation"]["conversationType"]
    await teams.turn(activity)
    sent = teams.connector.activities()
    assert [a["type"] for a in sent] == ["typing", "message"] and all(stream_info(a) is None for a in sent)
    assert _ai_entity(sent[-1]) is not None


async def test_channel_mention_gets_one_final_card_and_the_mention_is_stripped(teams: TeamsHarness) -> None:
    activity = message_activity(
        "What are the trading hours?", service_url=teams.connector.url, conversation_type="channel", mention_bot=True
    )
    assert activity["text"].startswith("<at>finbot</at>")

    await teams.turn(activity)

    sent = teams.connector.activities()
    assert [a["type"] for a in sent] == ["typing", "message"], "no streaming in channels"
    assert all(stream_info(a) is None for a in sent)
    card = card_of(sent[-1])
    assert "Trading Hours" in card_text(card)
    feedback = [a for a in card["actions"] if a["data"].get("verb") == "feedback"]
    assert [(a["type"], a["verb"]) for a in feedback] == [("Action.Execute", "feedback")] * 2
    assert _ai_entity(sent[-1]) is not None, "the AI label in channels too"
    user_messages = await teams.stored_messages("user")
    assert [m.text for m in user_messages] == ["What are the trading hours?"], "the assistant got the bare question"
    assert teams.connector.calls()[-1].conversation_id == activity["conversation"]["id"]


async def test_group_chat_gets_one_final_message(teams: TeamsHarness) -> None:
    await teams.turn(
        message_activity(QUESTION, service_url=teams.connector.url, conversation_type="groupChat", mention_bot=True)
    )
    sent = teams.connector.activities()
    assert [a["type"] for a in sent] == ["typing", "message"]
    assert "$25" in card_text(card_of(sent[-1]))


async def test_duplicate_activity_id_is_answered_once(teams: TeamsHarness) -> None:
    activity = message_activity(QUESTION, service_url=teams.connector.url, activity_id=new_activity_id())
    first, second = await asyncio.gather(teams.post(activity), teams.post(activity))
    await teams.teams.drain()
    again = await teams.turn(activity)  # a later retry too

    assert first.status == second.status == again.status == 202
    assert len(teams.connector.activities("message")) == 1
    assert len(await teams.stored_messages("user")) == 1


async def test_streaming_error_downgrades_to_one_final_message(teams: TeamsHarness) -> None:
    teams.connector.fail_next(500, path="reply")  # the first post of the turn: the typing indicator

    await teams.turn(message_activity(QUESTION, service_url=teams.connector.url))

    failed = [c for c in teams.connector.calls() if c.status == 500]
    assert len(failed) == 1 and failed[0].activity["type"] == "typing"
    delivered = [c.activity for c in teams.connector.calls() if c.status == 200]
    assert all(stream_info(a) is None for a in delivered), "no stream after a streaming error"
    messages = [a for a in delivered if a["type"] == "message"]
    assert len(messages) == 1
    card = card_of(messages[0])
    assert "$25" in card_text(card) and "money-transfers.md" in card_text(card), "the card carries the whole answer"
    assert messages[0]["channelData"]["feedbackLoop"] == {"type": "default"}, "still Teams' own thumbs in 1:1"


async def test_malformed_json_is_400_and_nothing_is_stored(teams: TeamsHarness) -> None:
    for body in (b"{not json", b"[1, 2]", b'{"text": "no type"}', b""):
        assert (await teams.post_raw(body)).status == 400
    assert await teams.conversation_count() == 0
    assert teams.connector.requests == []


async def test_malformed_authorization_header_in_anonymous_mode_is_401(teams: TeamsHarness) -> None:
    """No token can name an empty app id: finbot refuses any Authorization header in anonymous mode."""
    activity = message_activity(QUESTION, service_url=teams.connector.url)
    for header in ("garbage", "Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer a.b.c"):
        assert (await teams.post(activity, {"Authorization": header})).status == 401
    await teams.teams.drain()
    assert await teams.conversation_count() == 0
    assert teams.connector.requests == []


async def test_registered_command_answers_instead_of_the_assistant(teams: TeamsHarness) -> None:
    seen: list[tuple[str, str]] = []

    async def ping(message, args: str) -> Reply:  # type: ignore[no-untyped-def]
        seen.append((message.person.id, args))
        return Reply(text=f"pong {args}")

    teams.teams.commands.register("ping", ping)
    await teams.turn(message_activity("ping 7d", service_url=teams.connector.url))

    assert seen == [("teams:tenant-1:aad-user-1", "7d")]
    assert "pong 7d" in card_text(card_of(teams.connector.activities("message")[-1]))
    assert await teams.stored_messages("user") == []
