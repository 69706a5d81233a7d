"""`/finbot <question>`: an answer only the asker sees, with a "Share to channel" button."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.deps import SlackDeps
from adapters.slack.middleware import INBOX_PREFIXES, claim_key
from adapters.slack.render import escape_mrkdwn
from adapters.slack.turn import answer_privately

__all__ = ["COMMANDS", "USAGE", "handle_command", "register", "rerun_command", "settle"]

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
    """Ack at once (the HTTP 200 must leave within 3 s), then answer with chat.postEphemeral (or the
    command's response_url where the bot cannot post)."""
    question = str(body.get("text") or "").strip()
    key = claim_key(body)
    if not question:
        await ack(text=USAGE)
        await settle(deps, key, True)
        return
    await ack(text=f":mag: Looking that up: _{escape_mrkdwn(question[:200])}_")
    reply = await answer_privately(client, deps, inbound.command_to_incoming(body), respond=respond)
    await settle(deps, key, reply is not None)


async def rerun_command(body: dict[str, Any], client: AsyncWebClient, deps: SlackDeps) -> bool:
    """The inbox sweep: a stored `/finbot <question>` answered privately (its response_url as the fallback)."""
    if not str(body.get("text") or "").strip():
        return True
    url = body.get("response_url")
    respond = AsyncRespond(response_url=url) if isinstance(url, str) and url else None
    reply = await answer_privately(client, deps, inbound.command_to_incoming(body), respond=respond, replay=True)
    return reply is not None


async def settle(deps: SlackDeps, key: str | None, settled: bool) -> None:
    """Done after delivery; otherwise (the turn failed) left to the inbox sweep, after its lease."""
    if deps.inbox is None or key is None or not key.startswith(INBOX_PREFIXES):
        return
    if settled:
        await deps.inbox.done(key)
    else:
        deps.inbox.release(key)
