"""Small, reusable Slack Web API calls: post, update, ephemeral, delete, thread status.

Used by the answer path and by other features (advisor cards and relays, metrics) that post into Slack.
Rate limits (429) are retried by the client's `AsyncRateLimitErrorRetryHandler` (see `app.make_client`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["delete_message", "post_ephemeral", "post_message", "refused_blocks", "set_status", "update_message"]

log = logging.getLogger(__name__)

BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format", "unsupported_block_type"})
"""What the Web API answers when a workspace or client does not take a block (e.g. a `table`)."""


def refused_blocks(exc: BaseException) -> bool:
    """True when Slack refused a message for its blocks (send classic blocks instead)."""
    return isinstance(exc, SlackApiError) and str(exc.response.get("error") or "") in BLOCK_ERRORS


async def post_message(
    client: AsyncWebClient,
    channel: str,
    *,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    **extra: Any,
) -> str:
    """chat.postMessage; returns the new message's ts (raises SlackApiError on failure)."""
    response = await client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread_ts, **extra)
    return str(response["ts"])


async def update_message(
    client: AsyncWebClient, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]] | None = None
) -> None:
    """chat.update: replace a message's text and blocks."""
    await client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)


async def post_ephemeral(
    client: AsyncWebClient,
    channel: str,
    user: str,
    *,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
) -> None:
    """chat.postEphemeral: a message only `user` sees."""
    await client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts)


async def delete_message(client: AsyncWebClient, channel: str, ts: str) -> bool:
    """chat.delete, best effort (a broken stream's partial message); False when Slack refused."""
    try:
        await client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as exc:
        log.warning("could not delete message %s in %s: %s", ts, channel, exc.response.get("error"))
        return False
    return True


async def set_status(client: AsyncWebClient, channel: str, thread_ts: str, status: str) -> bool:
    """assistant.threads.setStatus ("searching the knowledge base..."); False when Slack refused
    (not an AI-app thread, missing assistant:write)."""
    try:
        await client.assistant_threads_setStatus(
            channel_id=channel, thread_ts=thread_ts, status=status, loading_messages=[status]
        )
    except SlackApiError as exc:
        log.info("thread status not shown in %s: %s", channel, exc.response.get("error"))
        return False
    return True
