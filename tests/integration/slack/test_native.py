"""Slack's native pieces over real HTTP: agent view's App Home, the Home tab, native tables and feedback (and the
classic fallback), reactions as feedback, introductions, file shares, unhandled events.

Payload shapes follow Slack's published examples: app_home_opened (docs.slack.dev/reference/events/
app_home_opened), reaction_added (.../events/reaction_added), member_joined_channel (.../events/
member_joined_channel), a file_share message (.../events/message/file_share), block_actions for
feedback_buttons (docs.slack.dev/reference/block-kit/block-elements/feedback-buttons-element).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.server import start_server
from core.store.installations import InstallationStore
from core.store.models import TurnMetricRow, UserFactRow
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_api import BOT_USER_ID
from tests.fakes.slack_signing import assistant_thread_payload, block_actions_body, message_im_payload, new_ts
from tests.integration.slack.conftest import SlackHarness

WIRE = "How much does it cost to send an outgoing domestic wire?"


def _event(event: dict, *, event_id: str | None = None) -> dict:
    return {
        "token": "verification-token",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{new_ts().replace('.', '')}",
        "event_time": 1700000000,
    }


def _home_opened(tab: str, *, user: str = "U1", channel: str = "D1") -> dict:
    return _event({"type": "app_home_opened", "user": user, "channel": channel, "tab": tab, "event_ts": new_ts()})


async def _answered(slack: SlackHarness, text: str, *, user: str = "U1", channel: str = "D1") -> dict:
    """A DM thread answered end to end; returns the final stopStream call's blocks."""
    await slack.send_event(assistant_thread_payload(text, user=user, channel=channel, thread_ts=new_ts()))
    stop = await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == channel)
    await slack.server.container.assistant.drain()
    return {"blocks": stop.json_arg("blocks"), "ts": stop.response_ts}


async def _feedback_of(slack: SlackHarness, turn_id: str, tries: int = 100) -> int | None:
    """The turn's stored feedback, once the listener (running after the ack) has written it."""
    for _ in range(tries):
        async with slack.server.container.db.session() as session:
            row = await session.get(TurnMetricRow, turn_id)
        if row is not None and row.feedback is not None:
            return row.feedback
        await asyncio.sleep(0.05)
    return None


async def test_opening_the_dm_sets_prompts_without_a_thread_and_greets_once(slack: SlackHarness) -> None:
    assert (await slack.send_event(_home_opened("messages"))).status == 200
    prompts = await slack.wait_call("assistant.threads.setSuggestedPrompts")
    assert prompts.args["channel_id"] == "D1" and "thread_ts" not in prompts.args  # agent view: no thread
    assert prompts.json_arg("prompts")[0]["message"]
    greeting = await slack.wait_call("chat.postMessage")
    assert greeting.args["channel"] == "D1" and "I'm finbot" in greeting.args["text"]

    await slack.send_event(_home_opened("messages"))
    prompts_set = "assistant.threads.setSuggestedPrompts"
    await slack.wait_call(prompts_set, lambda c: len(slack.fake.calls(prompts_set)) >= 2)
    await _answered(slack, "hello", user="U-marker", channel="D-marker")
    assert len([c for c in slack.fake.calls("chat.postMessage") if c.args.get("channel") == "D1"]) == 1


async def test_home_tab_shows_what_finbot_remembers_and_forget_removes_it(slack: SlackHarness) -> None:
    await _answered(slack, "I'm interested in mutual funds and I'm retiring in 2031.")
    await slack.send_event(_home_opened("home"))
    published = await slack.wait_call("views.publish")
    assert published.args["user_id"] == "U1"
    view = published.json_arg("view")
    assert view["type"] == "home"
    text = json.dumps(view)
    assert "mutual funds" in text and "2031" in text
    forget = [b["accessory"] for b in view["blocks"] if "mutual funds" in json.dumps(b) and "accessory" in b][0]

    clicked = await slack.send_form(block_actions_body(forget["action_id"], forget["value"], user_id="U1"))
    assert clicked.status == 200
    await slack.wait_call("views.publish", lambda c: len(slack.fake.calls("views.publish")) >= 2)
    again = slack.fake.calls("views.publish")[1]
    shown = [json.dumps(b["text"]) for b in again.json_arg("view")["blocks"] if "accessory" in b]
    assert len(shown) == 1 and "2031" in shown[0], shown
    async with slack.server.container.db.session() as session:
        facts = (await session.scalars(select(UserFactRow.text).where(UserFactRow.user_id == "slack:T1:U1"))).all()
    assert facts == ["is retiring in 2031"]


async def test_someone_elses_forget_click_cannot_touch_my_facts(slack: SlackHarness) -> None:
    await _answered(slack, "I'm interested in mutual funds.")
    async with slack.server.container.db.session() as session:
        (fact_id,) = (await session.scalars(select(UserFactRow.id).where(UserFactRow.user_id == "slack:T1:U1"))).all()
    await slack.send_form(block_actions_body("finbot_home_forget", str(fact_id), user_id="U2"))
    await slack.wait_call("views.publish", lambda c: c.args.get("user_id") == "U2")
    async with slack.server.container.db.session() as session:
        assert await session.get(UserFactRow, fact_id) is not None


async def test_figures_are_a_native_table_and_feedback_is_slacks_own(slack: SlackHarness) -> None:
    answer = await _answered(slack, "What is the latest price of AAPL?")
    kinds = [b["type"] for b in answer["blocks"]]
    assert "table" in kinds, kinds
    table = next(b for b in answer["blocks"] if b["type"] == "table")
    assert table["rows"][0] and all(cell["type"] == "raw_text" for row in table["rows"] for cell in row)
    (feedback,) = [e for b in answer["blocks"] if b["type"] == "context_actions" for e in b["elements"]]
    assert feedback["type"] == "feedback_buttons"


async def test_a_workspace_refusing_native_blocks_gets_the_classic_ones(slack: SlackHarness) -> None:
    slack.fake.fail_method("chat.stopStream", error="invalid_blocks", times=1)
    ts = new_ts()
    await slack.send_event(assistant_thread_payload(WIRE, channel="D5", thread_ts=ts))
    post = await slack.wait_call("chat.postMessage", lambda c: c.args.get("thread_ts") == ts)
    blocks = post.json_arg("blocks")
    assert "$25" in post.args["text"]
    assert not [b for b in blocks if b["type"] in ("table", "context_actions")]
    ids = {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert {"finbot_feedback_up", "finbot_feedback_down"} <= ids


async def test_a_thumbs_down_reaction_on_an_answer_is_feedback(slack: SlackHarness) -> None:
    answer = await _answered(slack, WIRE, channel="D4")
    slack.fake.seed_thread("D4", answer["ts"], [{"ts": answer["ts"], "user": BOT_USER_ID, "blocks": answer["blocks"]}])
    turn_id = next(
        e["positive_button"]["value"] for b in answer["blocks"] if b["type"] == "context_actions" for e in b["elements"]
    ).removeprefix("up:")
    reaction = {
        "type": "reaction_added", "user": "U1", "reaction": "-1::skin-tone-3", "item_user": BOT_USER_ID,
        "item": {"type": "message", "channel": "D4", "ts": answer["ts"]}, "event_ts": new_ts(),
    }
    assert (await slack.send_event(_event(reaction))).status == 200
    await slack.wait_call("conversations.replies")
    assert await _feedback_of(slack, turn_id) == -1

    other = {**reaction, "reaction": "tada", "event_ts": new_ts()}  # not a vote: nothing read, nothing stored
    await slack.send_event(_event(other))
    assert len(slack.fake.calls("conversations.replies")) == 1


async def test_finbot_introduces_itself_once_when_added_to_a_channel(slack: SlackHarness) -> None:
    joined = {"type": "member_joined_channel", "user": BOT_USER_ID, "channel": "C9", "channel_type": "C",
              "team": "T1", "inviter": "U1", "event_ts": new_ts()}
    await slack.send_event(_event(joined))
    intro = await slack.wait_call("chat.postMessage", lambda c: c.args.get("channel") == "C9")
    assert "Mention me" in intro.args["text"]
    await slack.send_event(_event({**joined, "event_ts": new_ts()}))  # re-added later: no second introduction
    await slack.send_event(_event({**joined, "user": "U7", "event_ts": new_ts()}))  # a person joining: nothing
    await _answered(slack, "hello", user="U-marker", channel="D-marker")
    assert len([c for c in slack.fake.calls("chat.postMessage") if c.args.get("channel") == "C9"]) == 1


async def test_a_file_shared_in_the_dm_gets_a_note_that_finbot_reads_text(slack: SlackHarness) -> None:
    payload = message_im_payload("", channel="D3")
    payload["event"] |= {"subtype": "file_share", "files": [{"id": "F1", "name": "statement.pdf"}]}
    await slack.send_event(payload)
    note = await slack.wait_call("chat.postMessage", lambda c: c.args.get("channel") == "D3")
    assert "statement.pdf" in note.args["text"] and "text, not files" in note.args["text"]


async def test_a_signed_event_nobody_listens_to_is_acknowledged(slack: SlackHarness) -> None:
    sent = await slack.send_event(_event({"type": "channel_rename", "channel": {"id": "C1", "name": "x"}}))
    assert sent.status == 200


async def test_an_edited_question_is_answered_again_in_place(slack: SlackHarness) -> None:
    thread = "1690000000.000001"  # before the fake Slack's own message ts, as a question comes before its answer
    question = assistant_thread_payload(
        "How much does an outgoing international wire cost?", channel="D8", thread_ts=thread, ts="1690000000.000002"
    )
    await slack.send_event(question)
    stop = await slack.wait_call("chat.stopStream", lambda c: c.args.get("channel") == "D8")
    await slack.server.container.assistant.drain()
    asked = question["event"]
    slack.fake.seed_thread("D8", thread, [
        {"ts": asked["ts"], "user": "U1", "text": asked["text"]},
        {"ts": stop.response_ts, "user": BOT_USER_ID, "bot_id": "B1", "text": "…"},
    ])
    edit = _event({
        "type": "message", "subtype": "message_changed", "channel": "D8", "channel_type": "im", "hidden": True,
        "message": {**asked, "text": WIRE, "edited": {"user": "U1", "ts": new_ts()}},
        "previous_message": asked, "ts": new_ts(), "event_ts": new_ts(),
    })
    assert (await slack.send_event(edit)).status == 200
    update = await slack.wait_call("chat.update", lambda c: c.args.get("channel") == "D8")
    assert update.args["ts"] == stop.response_ts and "$25" in update.args["text"]
    assert len([c for c in slack.fake.calls("chat.startStream") if c.args.get("channel") == "D8"]) == 1


async def test_after_uninstall_finbot_posts_nothing_there_until_events_come_again(slack: SlackHarness) -> None:
    await _answered(slack, "hello")  # the app's client knows its workspace (auth.test)
    (surface,) = [s for s in slack.server.container.surfaces if s.name == "slack"]
    people = surface.person_channel
    conversation = (await slack.server.container.conversations.latest_in_channel("slack", "T1", "D1"))[0]

    assert (await slack.send_event(_event({"type": "app_uninstalled"}))).status == 200
    installations = InstallationStore(slack.server.container.db)
    for _ in range(100):
        if await installations.removed("slack", "T1"):
            break
        await asyncio.sleep(0.05)
    posted_before = len(slack.fake.calls("chat.postMessage"))
    try:
        await people.relay_to_person(conversation, "Your advisor here.", advisor_name="Dana")
    except SlackApiError as exc:
        assert exc.response["error"] == "app_removed"
    else:
        raise AssertionError("a relay was posted to a workspace that uninstalled finbot")
    assert len(slack.fake.calls("chat.postMessage")) == posted_before

    await _answered(slack, "hello again", user="U2", channel="D2")  # installed again: events arrive
    await people.relay_to_person(conversation, "Your advisor here.", advisor_name="Dana")
    relay = await slack.wait_call("chat.postMessage", lambda c: "Your advisor here." in str(c.args.get("text")))
    assert relay.args["channel"] == "D1"


def _task_chunks(fake: FakeSlackWebAPI, channel: str) -> list[dict]:
    calls = [c for c in fake.requests if c.api_method in ("chat.startStream", "chat.appendStream",
                                                                  "chat.stopStream")]
    return [
        chunk
        for c in calls
        if c.args.get("channel") == channel
        for chunk in c.json_arg("chunks") or []
        if chunk.get("type") == "task_update"
    ]


async def test_the_cores_progress_streams_as_task_updates_with_the_sources_found(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> None:
    server = await start_server(slack_settings(FINBOT_PUBLIC_URL="https://finbot.example"), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            await _answered(SlackHarness(server, fake_slack, http), WIRE, channel="D11")
    finally:
        await server.stop()
    tasks = _task_chunks(fake_slack, "D11")
    assert tasks[0]["status"] == "in_progress" and tasks[0]["title"].startswith("Searching the knowledge base")
    assert fake_slack.calls("chat.startStream")[0].args.get("task_display_mode") == "timeline"
    final = {t["id"]: t for t in tasks}  # the last update of each step
    assert all(t["status"] == "complete" for t in final.values())
    search = next(t for t in final.values() if t["title"].startswith("Searching"))
    assert search["sources"] and all(s["url"].startswith("https://finbot.example/kb/") for s in search["sources"])
    assert "$25" in fake_slack.stream_text()


async def test_a_workspace_refusing_task_updates_still_gets_the_streamed_answer(slack: SlackHarness) -> None:
    slack.fake.fail_method("chat.startStream", error="invalid_chunks", times=1)
    await _answered(slack, WIRE, channel="D12")
    starts = [c for c in slack.fake.calls("chat.startStream") if c.args.get("channel") == "D12"]
    assert len(starts) == 2 and starts[1].status == 200
    assert "$25" in slack.fake.stream_text()
    assert not _task_chunks(slack.fake, "D12")[1:], "no more task updates after the refusal"
