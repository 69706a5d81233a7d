"""One answered message: the core's stream -> thread status, streamed text, the final Block Kit reply."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery import post_message, set_status
from adapters.slack.deps import SlackDeps
from adapters.slack.streaming import Target, open_delivery
from core.types import IncomingMessage, Progress, Reply, TextDelta

__all__ = ["SORRY", "answer_in_thread", "target_of"]

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again, or ask for an advisor."


def target_of(message: IncomingMessage) -> Target:
    conversation = message.conversation
    user = (conversation.reference or {}).get("user")
    return Target(
        channel=conversation.channel_id,
        thread_ts=conversation.thread_id,
        team_id=conversation.tenant or None,
        user_id=user,
    )


async def answer_in_thread(
    client: AsyncWebClient, deps: SlackDeps, message: IncomingMessage, *, show_status: bool
) -> Reply | None:
    """Run the turn and deliver it into the message's thread; `show_status` uses the AI-app thread status
    (`assistant.threads.setStatus`) for Progress events. Returns the Reply (None when the turn failed)."""
    async with deps.turns:
        return await _answer(client, deps, message, show_status=show_status)


async def _answer(
    client: AsyncWebClient, deps: SlackDeps, message: IncomingMessage, *, show_status: bool
) -> Reply | None:
    target = target_of(message)
    delivery = open_delivery(
        client, target, mode=deps.streaming, interval_s=deps.update_interval_s, buffer_size=deps.stream_buffer_chars
    )
    status_ok = show_status and target.thread_ts is not None
    reply: Reply | None = None
    try:
        async for event in deps.assistant.stream(message):
            if isinstance(event, TextDelta):
                await delivery.add(event.text)
            elif isinstance(event, Progress) and status_ok and target.thread_ts:
                status_ok = await set_status(client, target.channel, target.thread_ts, event.status)
            elif isinstance(event, Reply):
                reply = event
        assert reply is not None, "the core's stream ends with a Reply"
    except Exception:  # the edge: log with the conversation, show the person a fixed message
        log.exception("slack turn failed for %s", message.conversation.key)
        await delivery.discard()
        await post_message(client, target.channel, text=SORRY, thread_ts=target.thread_ts)
        return None
    if reply.silent:
        await delivery.discard()
        return reply
    await delivery.finish(reply)
    return reply
