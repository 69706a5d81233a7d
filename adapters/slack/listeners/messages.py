"""Direct messages, @mentions in channels, and follow-ups in threads finbot is already in.

Top-level DMs continue one conversation within the session window (`sessions.py`) and are answered in the
DM flow (top-level); threads (channels, and the AI-app panel's chats in a DM) are one conversation each.

Ignored: bot messages (finbot's own included), edits and other subtypes, empty text, channels in
`deps.ignored_channels` (the advisor channel: advisors' messages there are relayed, never answered).
Files shared with finbot (in its DM, or with a mention) get a short note that it reads text, not files; the
message's text, if any, is answered as usual. Group DMs (`message.mpim`) are handled like channels.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.delivery import post_message
from adapters.slack.deps import SlackDeps
from adapters.slack.middleware import COMMAND_PREFIX, MESSAGE_PREFIX, OFFER_PREFIX, claim_key
from adapters.slack.render import escape_mrkdwn
from adapters.slack.turn import Inboxed, answer_in_thread
from core.store import InboxItem
from core.types import IncomingMessage

__all__ = ["EVENTS", "FILES_NOTE", "handle_mention", "handle_message", "handle_stored", "register"]

log = logging.getLogger(__name__)

EVENTS = ("message", "app_mention")
FILES_NOTE = (
    "I read text, not files, so I haven't opened {names}. Paste the part you're asking about as a message, "
    "or ask your firm's administrator to add the document to my knowledge base."
)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_message(body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        inboxed = _inboxed(deps, body)
        settled = False
        try:
            settled = await handle_message(body, client, deps, bot_user_id=context.bot_user_id, inboxed=inboxed)
        finally:
            await _settle(inboxed, settled)

    async def on_mention(body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        inboxed = _inboxed(deps, body)
        settled = False
        try:
            settled = await handle_mention(body, client, deps, bot_user_id=context.bot_user_id, inboxed=inboxed)
        finally:
            await _settle(inboxed, settled)

    app.event("message")(on_message)
    app.event("app_mention")(on_mention)


def _inboxed(deps: SlackDeps, body: dict[str, Any]) -> Inboxed | None:
    key = claim_key(body)
    if deps.inbox is None or key is None or not key.startswith(MESSAGE_PREFIX):
        return None
    return Inboxed(inbox=deps.inbox, key=key)


async def _settle(inboxed: Inboxed | None, settled: bool) -> None:
    """Done after delivery; otherwise (the turn failed) left to the inbox sweep, after its lease."""
    if inboxed is None:
        return
    if settled:
        await inboxed.inbox.done(inboxed.key)
    else:
        inboxed.inbox.release(inboxed.key)


async def handle_stored(item: InboxItem, client: AsyncWebClient, deps: SlackDeps) -> bool:
    """An inbox event run again by the sweep: the same listener, resuming a message an earlier run showed."""
    body = item.payload.get("body") or {}
    if item.event_id.startswith(COMMAND_PREFIX):
        from adapters.slack.listeners.commands import rerun_command

        return await rerun_command(body, client, deps)
    if item.event_id.startswith(OFFER_PREFIX):
        from adapters.slack.listeners.actions import rerun_offer

        return await rerun_offer(body, client, deps, shown_ts=(item.delivery or {}).get("ts"))
    event = body.get("event") or {}
    if deps.inbox is None or not isinstance(event, dict):
        return True
    inboxed = Inboxed(
        inbox=deps.inbox, key=item.event_id, shown_ts=(item.delivery or {}).get("ts"), replay=True
    )
    handler = handle_mention if event.get("type") == "app_mention" else handle_message
    return await handler(body, client, deps, bot_user_id=item.payload.get("bot_user_id"), inboxed=inboxed)


def _answerable(event: dict[str, Any], deps: SlackDeps, bot_user_id: str | None) -> bool:
    return inbound.is_person_message(event) and event.get("user") != bot_user_id and not deps.ignores(event)


async def handle_message(
    body: dict[str, Any],
    client: AsyncWebClient,
    deps: SlackDeps,
    *,
    bot_user_id: str | None,
    inboxed: Inboxed | None = None,
) -> bool:
    """`message.im` always; `message.channels/groups` only as a follow-up in a thread finbot is in.

    Returns True when settled (answered, or not for finbot); False when the turn failed (the inbox re-runs it)."""
    event = body.get("event") or {}
    if event.get("files") and inbound.is_direct_channel(str(event.get("channel") or ""), event.get("channel_type")):
        await _note_files(client, event, deps, bot_user_id)
    if not _answerable(event, deps, bot_user_id):
        return True
    if inbound.is_top_level_dm(event):
        message = await _in_dm_session(body, deps, bot_user_id)
        return await _answered(client, deps, message, show_status=False, inboxed=inboxed)
    message = inbound.event_to_incoming(body, bot_user_id=bot_user_id)
    if message.conversation.is_direct:  # an AI-app panel thread: its own conversation, status shown
        return await _answered(client, deps, message, show_status=True, inboxed=inboxed)
    in_thread = event.get("thread_ts") and event.get("thread_ts") != event.get("ts")
    if not in_thread or inbound.mentions(str(event.get("text") or ""), bot_user_id):
        return True  # top-level chatter is not for finbot; a mention is answered by the app_mention listener
    if await deps.conversations.get_conversation(message.conversation.key) is None:
        return True  # a thread finbot never spoke in
    return await _answered(client, deps, message, show_status=False, inboxed=inboxed)


async def handle_mention(
    body: dict[str, Any],
    client: AsyncWebClient,
    deps: SlackDeps,
    *,
    bot_user_id: str | None,
    inboxed: Inboxed | None = None,
) -> bool:
    """`@finbot ...` in a channel: answer in the message's thread (True when settled, as `handle_message`)."""
    event = body.get("event") or {}
    if not _answerable(event, deps, bot_user_id):
        return True
    message = inbound.event_to_incoming(body, bot_user_id=bot_user_id)
    if message.conversation.is_direct:
        return True  # a mention in a DM also arrives as message.im, which answers it
    if event.get("files"):
        await _note_files(client, event, deps, bot_user_id)
    return await _answered(client, deps, message, show_status=False, inboxed=inboxed)


async def _answered(
    client: AsyncWebClient, deps: SlackDeps, message: IncomingMessage, *, show_status: bool, inboxed: Inboxed | None
) -> bool:
    reply = await answer_in_thread(client, deps, message, show_status=show_status, inboxed=inboxed)
    return reply is not None


async def _in_dm_session(body: dict[str, Any], deps: SlackDeps, bot_user_id: str | None) -> IncomingMessage:
    """The top-level DM as part of its DM session. Nothing is written here: the turn's read creates the
    conversation and its write records the message; a DM arriving meanwhile finds the session in
    `deps.dm_sessions` (adapters/slack/sessions.py)."""
    event = body["event"]
    session = await deps.dm_sessions.session_of(
        deps.conversations,
        team=inbound.event_team(body, event),
        channel=str(event["channel"]),
        ts=str(event["ts"]),
        window_s=deps.dm_session_s,
    )
    return inbound.event_to_incoming(body, bot_user_id=bot_user_id, session_id=session)


async def _note_files(client: AsyncWebClient, event: dict[str, Any], deps: SlackDeps, bot_user_id: str | None) -> None:
    """Say once, where the file was shared, that finbot does not read files."""
    if event.get("bot_id") or not event.get("user") or event.get("user") == bot_user_id or deps.ignores(event):
        return
    names = ", ".join(f"“{escape_mrkdwn(f.get('name') or f.get('title') or 'the file')}”" for f in event["files"][:3])
    in_thread = event.get("thread_ts") or (None if inbound.is_top_level_dm(event) else event.get("ts"))
    try:
        await post_message(client, str(event["channel"]), text=FILES_NOTE.format(names=names), thread_ts=in_thread)
    except SlackApiError as exc:
        log.info("could not answer a file share in %s: %s", event.get("channel"), exc.response.get("error"))
