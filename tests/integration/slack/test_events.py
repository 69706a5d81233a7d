"""Slack events over real HTTP: DMs, mentions, threads, what is ignored, signatures, exactly-once."""

from __future__ import annotations

import json
import time

from tests.fakes.slack_api import BOT_ID, BOT_USER_ID
from tests.fakes.slack_signing import (
    app_mention_payload,
    assistant_thread_payload,
    message_im_payload,
    new_ts,
    signed_headers,
)
from tests.integration.slack.conftest import SECRET, SlackHarness, replies_in

WIRE = "How much does it cost to send an outgoing domestic wire?"


async def _marker(slack: SlackHarness) -> None:
    """A fresh DM thread answered end to end: everything sent before it has been handled."""
    await slack.send_event(assistant_thread_payload("hello", user="U-marker", channel="D-marker"))
    await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "D-marker")


async def test_dm_thread_is_answered_in_its_thread_streamed_with_citations_and_feedback(slack: SlackHarness) -> None:
    ts = new_ts()
    slack.fake.delay_next(1.0, path="/api/chat.startStream")  # the answer cannot be out before the ack returns
    sent = await slack.send_event(assistant_thread_payload(WIRE, user="U1", channel="D1", thread_ts=ts))
    assert sent.status == 200
    assert slack.fake.calls("chat.stopStream") == [], "acked before the answer, not after it"

    stop = await slack.wait_call("chat.stopStream")
    start = slack.fake.calls("chat.startStream")[0]
    assert start.args["channel"] == "D1" and start.args["thread_ts"] == ts
    assert start.args["recipient_user_id"] == "U1" and start.args["recipient_team_id"] == "T1"
    assert "$25" in slack.fake.stream_text()
    assert slack.fake.calls("chat.appendStream"), "streamed in several calls"
    blocks = stop.json_arg("blocks")
    sources = json.dumps([b for b in blocks if b["type"] == "context"])
    assert "Sources" in sources and "Money Transfers" in sources
    (feedback,) = [e for b in blocks if b["type"] == "context_actions" for e in b["elements"]]
    assert feedback["type"] == "feedback_buttons" and feedback["action_id"] == "finbot_feedback"
    assert feedback["positive_button"]["value"].startswith("up:"), "the buttons carry the turn id"
    assert slack.fake.calls("chat.postMessage") == [], "streamed, not posted"


async def test_progress_shows_as_assistant_thread_status(slack: SlackHarness) -> None:
    ts, thread = new_ts(), new_ts()
    await slack.send_event(message_im_payload(WIRE, channel="D7", ts=ts, thread_ts=thread))
    await slack.wait_call("chat.stopStream")
    statuses = [c.args["status"] for c in slack.fake.calls("assistant.threads.setStatus")]
    assert "searching the knowledge base..." in statuses
    assert all(c.args["thread_ts"] == thread for c in slack.fake.calls("assistant.threads.setStatus"))
    assert slack.fake.calls("chat.startStream")[0].args["thread_ts"] == thread


async def test_mention_in_a_channel_is_answered_in_thread_and_follow_up_keeps_context(slack: SlackHarness) -> None:
    ts = new_ts()
    await slack.send_event(app_mention_payload(WIRE, channel="C1", ts=ts))
    await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "C1")
    start = slack.fake.calls("chat.startStream")[0]
    assert start.args["thread_ts"] == ts and start.args["recipient_user_id"] == "U1"

    follow = message_im_payload("and what about international wires?", channel="C1", thread_ts=ts)
    follow["event"]["channel_type"] = "channel"
    await slack.send_event(follow)
    await slack.wait_call("chat.stopStream", lambda c: len(slack.fake.calls("chat.stopStream")) >= 2)
    assert len(replies_in(slack.fake, ts)) == 2
    key = f"slack:T1:C1:{ts}"
    history = await slack.server.container.conversations.recent_messages(key, 10)
    assert [m.role for m in history] == ["user", "assistant", "user", "assistant"]


async def test_channel_messages_outside_finbots_threads_are_ignored(slack: SlackHarness) -> None:
    chatter = message_im_payload("lunch anyone?", channel="C2")
    chatter["event"]["channel_type"] = "channel"
    stranger_thread = message_im_payload("what about wires?", channel="C2", thread_ts=new_ts())
    stranger_thread["event"]["channel_type"] = "channel"
    for payload in (chatter, stranger_thread):
        assert (await slack.send_event(payload)).status == 200
    await _marker(slack)
    assert [c.args["channel"] for c in slack.fake.calls("chat.startStream")] == ["D-marker"]


async def test_bot_messages_edits_and_own_posts_are_ignored(slack: SlackHarness) -> None:
    own = message_im_payload("my own answer", user=BOT_USER_ID)
    own["event"]["bot_id"] = BOT_ID
    other_bot = message_im_payload("beep", user="U-other-bot")
    other_bot["event"].update(bot_id="B-other", subtype="bot_message")
    edit = message_im_payload("edited")
    edit["event"].update(subtype="message_changed", message={"text": WIRE, "user": "U1", "ts": new_ts()})
    for payload in (own, other_bot, edit):
        assert (await slack.send_event(payload)).status == 200
    await _marker(slack)
    assert [c.args["channel"] for c in slack.fake.calls("chat.startStream")] == ["D-marker"]
    assert slack.fake.calls("chat.postMessage") == []


async def test_bad_signature_is_401_and_nothing_is_processed(slack: SlackHarness) -> None:
    payload = message_im_payload(WIRE)
    assert (await slack.send_event(payload, secret="wrong-secret")).status == 401
    body = json.dumps(payload)
    stale = await slack.post_raw(body, signed_headers(body, SECRET, timestamp=int(time.time()) - 6 * 60))
    assert stale.status == 401
    unsigned = await slack.post_raw(body, {"Content-Type": "application/json"})
    assert unsigned.status == 401
    await _marker(slack)
    assert [c.args["channel"] for c in slack.fake.calls("chat.startStream")] == ["D-marker"]
    # nothing of the rejected event reached the database either
    assert await slack.server.container.events.claim(f"slack:event:{payload['event_id']}")


async def test_malformed_body_is_400(slack: SlackHarness) -> None:
    body = "{not json"
    sent = await slack.post_raw(body, signed_headers(body, SECRET))
    assert sent.status == 400


async def test_retries_and_duplicates_get_exactly_one_reply(slack: SlackHarness) -> None:
    ts = new_ts()
    payload = assistant_thread_payload(WIRE, channel="D3", thread_ts=ts)
    first = await slack.send_event(payload)
    assert first.status == 200
    await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "D3")
    for retry in (1, 2):
        assert (await slack.send_event(payload, retry=retry)).status == 200
    same_message_new_event = {**payload, "event_id": payload["event_id"] + "-redelivered"}
    assert (await slack.send_event(same_message_new_event)).status == 200
    await _marker(slack)
    assert len(replies_in(slack.fake, ts)) == 1
