"""`/finbot <question>`: an answer only the asker sees, with a "Share to channel" button."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.delivery import post_ephemeral
from adapters.slack.deps import SlackDeps
from adapters.slack.render import notification_text, reply_blocks
from adapters.slack.turn import SORRY

__all__ = ["COMMANDS", "USAGE", "handle_command", "register"]

log = logging.getLogger(__name__)

COMMANDS = ("/finbot",)
USAGE = "Ask me a question after the command, e.g. `/finbot how much does a domestic wire cost?`"


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_finbot(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        await handle_command(ack, body, client, respond, deps)

    app.command("/finbot")(on_finbot)


async def handle_command(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond, deps: SlackDeps
) -> None:
    """Ack at once (the HTTP 200 must leave within 3 s), then answer with chat.postEphemeral."""
    question = str(body.get("text") or "").strip()
    if not question:
        await ack(text=USAGE)
        return
    await ack(text=f":mag: Looking that up: _{question[:200]}_")
    message = inbound.command_to_incoming(body)
    try:
        async with deps.turns:
            reply = await deps.assistant.respond(message)
    except Exception:  # the edge: log, show a fixed message
        log.exception("slash command turn failed for %s", message.conversation.key)
        await _ephemeral(client, respond, body, text=SORRY, blocks=None)
        return
    if reply.silent:
        return
    await _ephemeral(client, respond, body, text=notification_text(reply), blocks=reply_blocks(reply, share=True))


async def _ephemeral(
    client: AsyncWebClient,
    respond: AsyncRespond,
    body: dict[str, Any],
    *,
    text: str,
    blocks: list[dict[str, Any]] | None,
) -> None:
    """chat.postEphemeral; where the bot cannot post (not in the channel), the command's response_url."""
    try:
        await post_ephemeral(client, str(body["channel_id"]), str(body["user_id"]), text=text, blocks=blocks)
    except SlackApiError as exc:
        log.info("postEphemeral refused (%s); answering through response_url", exc.response.get("error"))
        await respond(text=text, blocks=blocks, response_type="ephemeral")
