"""finbot joins a channel: a short introduction, once, so the channel knows what it does and how to ask."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery import post_message
from adapters.slack.deps import SlackDeps

__all__ = ["EVENTS", "INTRODUCTION", "handle_member_joined", "register"]

log = logging.getLogger(__name__)

EVENTS = ("member_joined_channel",)
INTRODUCTION = (
    "Hi everyone, I'm finbot, the firm's assistant. Mention me (@finbot) with a question about accounts, fees, "
    "transfers or retirement rules and I'll answer in a thread, with the sources; use `/finbot` for an answer "
    "only you can see. When I'm not sure, I say so and can bring in an advisor."
)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_member_joined(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await handle_member_joined(event, client, deps, bot_user_id=context.bot_user_id)

    app.event("member_joined_channel")(on_member_joined)


async def handle_member_joined(
    event: dict[str, Any], client: AsyncWebClient, deps: SlackDeps, *, bot_user_id: str | None
) -> None:
    channel = str(event.get("channel") or "")
    if not bot_user_id or event.get("user") != bot_user_id or not channel or channel in deps.ignored_channels:
        return  # somebody else joined, or finbot joined the advisor channel (its cards speak for it)
    if not await deps.events.claim(f"slack:introduced:{event.get('team') or ''}:{channel}"):
        return
    try:
        await post_message(client, channel, text=INTRODUCTION)
    except SlackApiError as exc:
        log.info("could not introduce finbot in %s: %s", channel, exc.response.get("error"))
