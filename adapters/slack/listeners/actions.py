"""Buttons on finbot's answers: thumbs up/down feedback, sharing a private answer to the channel, and the offer
of an advisor (a click speaks for the person: "Yes, please bring in an advisor.")."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.delivery import post_ephemeral, post_message
from adapters.slack.deps import SlackDeps
from adapters.slack.listeners.commands import settle
from adapters.slack.middleware import claim_key
from adapters.slack.render import (
    FEEDBACK,
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    OFFER_ADVISOR,
    SHARE,
    escape_mrkdwn,
    feedback_of,
    text_blocks,
)
from adapters.slack.turn import Inboxed, answer_in_thread, answer_privately
from core.escalation import ACCEPT_OFFER

__all__ = ["ACTIONS", "handle_feedback", "handle_offer", "handle_share", "register"]

log = logging.getLogger(__name__)

ACTIONS = (FEEDBACK, FEEDBACK_UP, FEEDBACK_DOWN, SHARE, OFFER_ADVISOR)
THANKS = "Thanks for the feedback: it helps us improve finbot's answers."
HISTORY_LOOKBACK = 50


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_feedback(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await handle_feedback(body, action, client, deps)

    async def on_share(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await handle_share(body, action, client, deps)

    async def on_offer(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await settle(deps, claim_key(body), await handle_offer(body, action, client, deps))

    app.action(FEEDBACK)(on_feedback)  # Slack's native feedback buttons
    app.action(FEEDBACK_UP)(on_feedback)  # the emoji buttons (fallback, older answers)
    app.action(FEEDBACK_DOWN)(on_feedback)
    app.action(SHARE)(on_share)
    app.action(OFFER_ADVISOR)(on_offer)


def _where(body: dict[str, Any]) -> tuple[str, str, str, str | None]:
    """(team, channel, user, thread_ts) of a block_actions payload."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    team = str((body.get("user") or {}).get("team_id") or (body.get("team") or {}).get("id") or "")
    thread_ts = message.get("thread_ts") or container.get("thread_ts") or message.get("ts")
    return team, channel, str(body["user"]["id"]), thread_ts


async def handle_feedback(
    body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: SlackDeps
) -> None:
    """Store +1/-1 on the turn the button carries; thank the clicker privately."""
    vote = feedback_of(action)
    stored = vote is not None and await deps.assistant.feedback(*vote)
    if not stored:
        log.info("feedback on an unknown turn %r ignored", action.get("value"))
        return
    _, channel, user, thread_ts = _where(body)
    try:
        await post_ephemeral(client, channel, user, text=THANKS, thread_ts=thread_ts)
    except SlackApiError as exc:
        log.info("could not thank for feedback in %s: %s", channel, exc.response.get("error"))


async def handle_share(body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: SlackDeps) -> None:
    """Post the clicker's own private `/finbot` answer (found by turn id in their history) to the channel."""
    team, channel, user, _ = _where(body)
    key = inbound.command_conversation(team=team, channel=channel, user=user).key
    history = await deps.conversations.recent_messages(key, HISTORY_LOOKBACK)
    turn_id = str(action.get("value") or "")
    index = next((i for i, m in enumerate(history) if m.role == "assistant" and m.turn_id == turn_id), None)
    if index is None:
        await post_ephemeral(client, channel, user, text="I couldn't find that answer any more; please ask again.")
        return
    question = history[index - 1].text if index > 0 and history[index - 1].role == "user" else ""
    intro = f"<@{user}> asked finbot" + (f": _{escape_mrkdwn(question[:300])}_" if question else "")
    blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": intro}]}, *text_blocks(history[index].text)]
    try:
        await post_message(client, channel, text=escape_mrkdwn(history[index].text[:3000]), blocks=blocks[:50])
    except SlackApiError as exc:
        log.info("could not share into %s: %s", channel, exc.response.get("error"))
        await post_ephemeral(
            client, channel, user, text="I can't post in this channel: invite me first (`/invite @finbot`)."
        )


async def handle_offer(
    body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: SlackDeps, *, replay: bool = False,
    shown_ts: str | None = None,
) -> bool:
    """The person accepted the offer of an advisor: a turn in the conversation the button was shown in
    (privately again when that was a slash command's answer). True when settled; `replay`: the inbox sweep."""
    team, channel, user, _ = _where(body)
    built = inbound.conversation_of_offer(str(action.get("value") or ""), team=team, channel=channel, user=user)
    if built is None:
        log.info("offer button with a malformed value ignored")
        return True
    conversation = await deps.conversations.get_conversation(built.key) or built
    message = inbound.action_to_incoming(
        event_id=f"slack:offer:{body.get('trigger_id') or action.get('action_ts') or built.key}",
        team=team, user=user, conversation=conversation, text=ACCEPT_OFFER,
    )
    if (conversation.reference or {}).get("private"):
        reply = await answer_privately(client, deps, message, replay=replay)
    else:
        inboxed = (
            Inboxed(inbox=deps.inbox, key=message.event_id, replay=replay, shown_ts=shown_ts) if deps.inbox else None
        )
        reply = await answer_in_thread(client, deps, message, show_status=False, inboxed=inboxed)
    return reply is not None


async def rerun_offer(
    body: dict[str, Any], client: AsyncWebClient, deps: SlackDeps, *, shown_ts: str | None = None
) -> bool:
    """The inbox sweep: a stored offer click run again (the escalation is asked for once: a saved answer is
    delivered instead of a second turn; a message an earlier run started, `shown_ts`, is edited)."""
    action = next((a for a in body.get("actions") or [] if isinstance(a, dict)), None)
    if action is None:
        return True
    return await handle_offer(body, action, client, deps, replay=True, shown_ts=shown_ts)
