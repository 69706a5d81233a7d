"""👍 / 👎 reactions on finbot's answers count as feedback, like the feedback buttons.

The reaction event names the message only by channel and ts; the answer's turn id is read back from the
message's own feedback element (`conversations.replies` with that ts), so any process can handle it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deps import SlackDeps
from adapters.slack.render import FEEDBACK, FEEDBACK_DOWN, FEEDBACK_UP, feedback_of

__all__ = ["EVENTS", "VOTES", "handle_reaction", "turn_of_message", "register"]

log = logging.getLogger(__name__)

EVENTS = ("reaction_added",)
VOTES = {"+1": 1, "thumbsup": 1, "-1": -1, "thumbsdown": -1}
"""Slack's names for 👍 / 👎 (skin tones arrive as `+1::skin-tone-2`)."""


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_reaction(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await handle_reaction(event, client, deps, bot_user_id=context.bot_user_id)

    app.event("reaction_added")(on_reaction)


async def handle_reaction(
    event: dict[str, Any], client: AsyncWebClient, deps: SlackDeps, *, bot_user_id: str | None
) -> None:
    vote = VOTES.get(str(event.get("reaction") or "").split("::")[0])
    item = event.get("item") or {}
    if vote is None or item.get("type") != "message" or not bot_user_id or event.get("item_user") != bot_user_id:
        return  # another emoji, a file, or somebody else's message
    turn_id = await turn_of_message(client, str(item.get("channel") or ""), str(item.get("ts") or ""))
    if turn_id is None:
        log.info("reaction on a finbot message without a turn (%s) ignored", item.get("ts"))
        return
    await deps.assistant.feedback(turn_id, vote)


async def turn_of_message(client: AsyncWebClient, channel: str, ts: str) -> str | None:
    """The turn id that finbot's answer at (channel, ts) carries in its feedback buttons."""
    if not channel or not ts:
        return None
    try:
        response = await client.conversations_replies(channel=channel, ts=ts, latest=ts, inclusive=True, limit=1)
    except SlackApiError as exc:
        log.info("could not read message %s in %s: %s", ts, channel, exc.response.get("error"))
        return None
    for message in response.get("messages") or []:
        if message.get("ts") == ts:
            return _turn_in_blocks(message.get("blocks") or [])
    return None


def _turn_in_blocks(blocks: list[dict[str, Any]]) -> str | None:
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == FEEDBACK:
                found = feedback_of({"action_id": FEEDBACK, "value": element["positive_button"]["value"]})
            elif element.get("action_id") in (FEEDBACK_UP, FEEDBACK_DOWN):
                found = feedback_of(element)
            else:
                continue
            if found is not None:
                return found[0]
    return None
