"""An edited question is answered again, in place: finbot's answer to it is replaced (`chat.update`).

Only when finbot answered it and no advisor holds or held the conversation (an advisor's answer is not the
bot's to rewrite). finbot's answer is found from Slack itself (the first bot message after the question in
its thread, or in the DM for a top-level DM), so any process can handle the edit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from re import Pattern
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.base import run_turn
from adapters.slack import inbound
from adapters.slack.deps import SlackDeps
from adapters.slack.sessions import dm_session_id
from adapters.slack.streaming import ReplaceDelivery
from adapters.slack.turn import ThreadSink, target_of

__all__ = ["EDITED", "answer_of", "handle_edit", "register"]

log = logging.getLogger(__name__)

EDITED: dict[str, str | Sequence[str | Pattern[Any] | None] | None] = {"type": "message", "subtype": "message_changed"}
LOOKAHEAD = 20


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_edit(body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await handle_edit(body, client, deps, bot_user_id=context.bot_user_id)

    app.event(EDITED)(on_edit)


async def handle_edit(
    body: dict[str, Any], client: AsyncWebClient, deps: SlackDeps, *, bot_user_id: str | None
) -> None:
    event = body.get("event") or {}
    edited = {
        **(event.get("message") or {}),
        "channel": event.get("channel"),
        "channel_type": event.get("channel_type"),
        "type": "message",
    }
    edited.pop("subtype", None)
    before = str((event.get("previous_message") or {}).get("text") or "")
    if (
        not edited.get("channel")
        or not inbound.is_person_message(edited)
        or edited.get("user") == bot_user_id
        or deps.ignores(edited)
        or str(edited.get("text") or "") == before  # an unfurl or a reaction count changed, not the words
    ):
        return
    answer_ts = await answer_of(client, edited, bot_user_id)
    if answer_ts is None:
        return  # finbot never answered it (a channel message not addressed to finbot, or not yet)
    message = inbound.event_to_incoming(
        {**body, "event": edited}, bot_user_id=bot_user_id, session_id=await _session(edited, body, deps)
    )
    if deps.escalations is not None and await deps.escalations.store.active_for_conversation(message.conversation.key):
        return  # an advisor has the conversation
    delivery = ReplaceDelivery(client, target_of(message), answer_ts)
    async with deps.turns:
        await run_turn(deps.assistant, message, ThreadSink(client, delivery, show_status=False))


async def answer_of(client: AsyncWebClient, edited: dict[str, Any], bot_user_id: str | None) -> str | None:
    """The ts of finbot's first message after the question, in its thread (or top-level in a DM)."""
    channel, ts = str(edited["channel"]), str(edited.get("ts") or "")
    thread_ts = edited.get("thread_ts")
    try:
        if thread_ts or not inbound.is_top_level_dm(edited):
            response = await client.conversations_replies(channel=channel, ts=str(thread_ts or ts), limit=200)
        else:
            response = await client.conversations_history(channel=channel, oldest=ts, limit=LOOKAHEAD)
    except SlackApiError as exc:
        log.info("could not read the thread of an edited message in %s: %s", channel, exc.response.get("error"))
        return None
    later = sorted(
        (m for m in response.get("messages") or [] if float(m.get("ts") or 0) > float(ts or 0)),
        key=lambda m: float(m["ts"]),
    )
    for message in later:
        if message.get("user") == bot_user_id or message.get("bot_id"):
            return str(message["ts"])
        if message.get("user") == edited.get("user"):
            return None  # the person spoke again before finbot answered: that is another turn
    return None


async def _session(edited: dict[str, Any], body: dict[str, Any], deps: SlackDeps) -> str | None:
    if not inbound.is_top_level_dm(edited):
        return None
    return await dm_session_id(
        deps.conversations,
        team=inbound.event_team(body, edited),
        channel=str(edited["channel"]),
        ts=str(edited["ts"]),
        window_s=deps.dm_session_s,
    )
