"""Streaming fallbacks, rate limits, slash commands, buttons and the AI-app panel, over real HTTP."""

from __future__ import annotations

import json

import pytest

from core.store.models import TurnMetricRow
from tests.fakes.slack_signing import (
    assistant_thread_payload,
    block_actions_body,
    event_callback,
    new_ts,
    slash_command_body,
)
from tests.integration.slack.conftest import SlackHarness, replies_in

WIRE = "How much does it cost to send an outgoing domestic wire?"


def _buttons(blocks: list[dict]) -> dict[str, str]:
    """action id -> value of every button; Slack's native feedback buttons as `finbot_feedback:up` / `:down`."""
    buttons = {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    for block in blocks:
        for e in block.get("elements", []) if block["type"] == "context_actions" else []:
            buttons[f"{e['action_id']}:up"] = e["positive_button"]["value"]
            buttons[f"{e['action_id']}:down"] = e["negative_button"]["value"]
    return buttons


@pytest.mark.parametrize("failing", ["chat.startStream", "chat.appendStream", "chat.stopStream"])
async def test_a_streaming_error_gives_one_final_message(slack: SlackHarness, failing: str) -> None:
    slack.fake.fail_method(failing, error="internal_error")
    ts = new_ts()
    await slack.send_event(assistant_thread_payload(WIRE + " Please explain the fees in detail.", channel="D5",
                                                    thread_ts=ts))
    post = await slack.wait_call("chat.postMessage")
    assert post.args["thread_ts"] == ts and "$25" in post.args["text"]
    assert set(_buttons(post.json_arg("blocks"))) == {"finbot_feedback:up", "finbot_feedback:down"}
    if failing != "chat.startStream":
        assert slack.fake.calls("chat.startStream") and slack.fake.calls("chat.delete"), "half-streamed: removed"
    await _marker(slack)
    assert len([c for c in slack.fake.calls("chat.postMessage") if c.args.get("thread_ts") == ts]) == 1


async def _marker(slack: SlackHarness) -> None:
    slack.fake.clear_failures()
    await slack.send_event(assistant_thread_payload("hello", user="U-marker", channel="D-marker"))
    await slack.fake.wait_for(
        lambda c: any(
            x.args.get("channel") == "D-marker" and x.status
            for x in slack.fake.calls("chat.stopStream") + slack.fake.calls("chat.postMessage")
        )
    )


async def test_update_mode_posts_then_edits(slack_settings, fake_slack) -> None:  # type: ignore[no-untyped-def]
    from bot.server import start_server

    server = await start_server(slack_settings(SLACK_STREAMING="update"), host="127.0.0.1", port=0)
    try:
        import aiohttp

        async with aiohttp.ClientSession() as http:
            slack = SlackHarness(server, fake_slack, http)
            ts = new_ts()
            await slack.send_event(assistant_thread_payload(WIRE, channel="D6", thread_ts=ts))
            update = await slack.wait_call("chat.update", lambda c: bool(c.json_arg("blocks")))
        posted = fake_slack.calls("chat.postMessage")
        assert len(posted) == 1 and posted[0].args["thread_ts"] == ts
        assert update.args["ts"] == posted[0].response_ts and "$25" in update.args["text"]
        assert "finbot_feedback:up" in _buttons(update.json_arg("blocks"))
        assert fake_slack.calls("chat.startStream") == []
    finally:
        await server.stop()


async def test_rate_limited_post_is_retried_after_retry_after(slack_settings, fake_slack) -> None:  # type: ignore[no-untyped-def]
    import aiohttp

    from bot.server import start_server

    server = await start_server(slack_settings(SLACK_STREAMING="off"), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            slack = SlackHarness(server, fake_slack, http)
            fake_slack.rate_limit_next("chat.postMessage", retry_after=1)
            ts = new_ts()
            await slack.send_event(assistant_thread_payload(WIRE, channel="D8", thread_ts=ts))
            await slack.wait_call("chat.postMessage", lambda c: c.status == 200)
        attempts = fake_slack.calls("chat.postMessage")
        assert [c.status for c in attempts] == [429, 200]
        assert len(replies_in(fake_slack, ts)) == 2  # the refused attempt and the delivered one
    finally:
        await server.stop()


async def test_slash_command_acks_at_once_then_answers_privately_with_share(slack: SlackHarness) -> None:
    slack.fake.delay_next(1.0, path="/api/chat.postEphemeral")  # the answer cannot be out before the ack returns
    sent = await slack.send_form(slash_command_body("/finbot", WIRE, user_id="U9", channel_id="C9"))
    assert sent.status == 200 and not [c for c in slack.fake.calls("chat.postEphemeral") if c.status is not None]
    assert "Looking that up" in sent.body
    ephemeral = await slack.wait_call("chat.postEphemeral")
    assert ephemeral.args["user"] == "U9" and ephemeral.args["channel"] == "C9"
    assert "$25" in ephemeral.args["text"]
    buttons = _buttons(ephemeral.json_arg("blocks"))
    assert {"finbot_share", "finbot_feedback:up", "finbot_feedback:down"} <= set(buttons)
    assert slack.fake.calls("chat.postMessage") == []

    shared = await slack.send_form(
        block_actions_body("finbot_share", buttons["finbot_share"], user_id="U9", channel_id="C9")
    )
    assert shared.status == 200
    post = await slack.wait_call("chat.postMessage")
    assert post.args["channel"] == "C9" and "$25" in post.args["text"]
    assert "<@U9> asked finbot" in json.dumps(post.json_arg("blocks"))


async def test_empty_slash_command_gets_usage(slack: SlackHarness) -> None:
    sent = await slack.send_form(slash_command_body("/finbot", ""))
    assert sent.status == 200 and "/finbot how much" in sent.body


async def test_feedback_button_is_stored_on_its_turn(slack: SlackHarness) -> None:
    ts = new_ts()
    await slack.send_event(assistant_thread_payload(WIRE, channel="D4", thread_ts=ts))
    stop = await slack.wait_call("chat.stopStream")
    value = _buttons(stop.json_arg("blocks"))["finbot_feedback:down"]
    turn_id = value.removeprefix("down:")
    await slack.server.container.assistant.drain()
    clicked = await slack.send_form(
        block_actions_body("finbot_feedback", value, channel_id="D4", thread_ts=ts, action_type="feedback_buttons")
    )
    assert clicked.status == 200
    thanks = await slack.wait_call("chat.postEphemeral")
    assert thanks.args["thread_ts"] == ts
    async with slack.server.container.db.session() as session:
        row = await session.get(TurnMetricRow, turn_id)
    assert row is not None and row.feedback == -1


async def test_assistant_thread_started_sets_title_and_suggested_prompts(slack: SlackHarness) -> None:
    thread_ts = new_ts()
    event = {
        "type": "assistant_thread_started",
        "assistant_thread": {"user_id": "U1", "context": {}, "channel_id": "D1", "thread_ts": thread_ts},
        "event_ts": thread_ts,
    }
    assert (await slack.send_event(event_callback(event))).status == 200
    prompts = await slack.wait_call("assistant.threads.setSuggestedPrompts")
    assert prompts.args["thread_ts"] == thread_ts
    assert [p["message"] for p in prompts.json_arg("prompts")][0] == "What are the advisory fees?"
    title = slack.fake.calls("assistant.threads.setTitle")
    assert title and title[0].args["channel_id"] == "D1"
    changed = {
        "type": "assistant_thread_context_changed",
        "assistant_thread": {
            "user_id": "U1",
            "context": {"channel_id": "C1"},
            "channel_id": "D1",
            "thread_ts": thread_ts,
        },
        "event_ts": new_ts(),
    }
    assert (await slack.send_event(event_callback(changed))).status == 200
