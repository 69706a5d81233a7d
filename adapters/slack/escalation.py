"""Escalations in Slack: the advisor card in SLACK_ADVISOR_CHANNEL, its Claim / Close buttons, advisors'
thread replies relayed to the person, and the person's later messages forwarded into the card's thread.

`register(app, deps)` (one line in `app.LISTENERS`, before the message listener so that it sees the advisor
channel's messages first) adds the Claim / Close buttons and the advisor-channel listener; the Slack surface
(`surface.py`) brings the `SlackAdvisorDesk` and `SlackPersonChannel` to the core's NotifierRouter. Every state
change goes through the EscalationService. Messages in the advisor channel are never answered by the bot.
What was asked privately (a `/finbot` command) is answered privately: relays go to the person's DM with finbot.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.delivery import post_ephemeral, post_message, update_message
from adapters.slack.deps import SlackDeps
from adapters.slack.escalation_card import (
    CLAIM,
    CLOSE,
    card_blocks,
    card_text,
    forwarded_blocks,
    relay_blocks,
    thread_link,
)
from adapters.slack.render import escape_mrkdwn, to_mrkdwn
from core.escalation import Advisor, CardRef, Escalation, EscalationService
from core.types import Conversation

__all__ = ["SlackAdvisorDesk", "SlackPersonChannel", "advisor_of", "register"]

log = logging.getLogger(__name__)

REMINDER = "<!here> This escalation is still waiting for an advisor: please claim it."


class SlackAdvisorDesk:
    """AdvisorDesk in a Slack channel: one Block Kit card per escalation; its thread is the conversation."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient, channel: str) -> None:
        self._client = client
        self.channel = channel

    async def open_card(self, escalation: Escalation) -> CardRef:
        link = thread_link(escalation, await self._permalink(escalation))
        ts = await post_message(
            self._client, self.channel, text=card_text(escalation), blocks=card_blocks(escalation, link=link)
        )
        return CardRef(platform="slack", channel=self.channel, message_id=ts, extra={"link": link} if link else {})

    async def update_card(self, escalation: Escalation) -> None:
        card = _card(escalation)
        blocks = card_blocks(escalation, link=card.extra.get("link"))
        await update_message(self._client, card.channel, card.message_id, text=card_text(escalation), blocks=blocks)

    async def forward_person_message(self, escalation: Escalation, text: str) -> None:
        card = _card(escalation)
        await post_message(
            self._client,
            card.channel,
            text=escape_mrkdwn(f"The client wrote: {text[:2900]}"),
            blocks=forwarded_blocks(escalation, text),
            thread_ts=card.message_id,
        )

    async def remind(self, escalation: Escalation) -> None:
        card = _card(escalation)
        await post_message(self._client, card.channel, text=REMINDER, thread_ts=card.message_id, reply_broadcast=True)

    async def _permalink(self, escalation: Escalation) -> str | None:
        conversation = escalation.conversation
        thread = conversation.thread_id or ""
        if conversation.platform != "slack" or not thread.replace(".", "").isdigit():
            return None  # no Slack message to link to (a slash command's private conversation)
        try:
            response = await self._client.chat_getPermalink(
                channel=conversation.channel_id, message_ts=conversation.thread_id
            )
        except SlackApiError as exc:
            log.info("no permalink for escalation %s: %s", escalation.id, exc.response.get("error"))
            return None
        return response.get("permalink")


class SlackPersonChannel:
    """PersonChannel for Slack people: post into their original thread (or DM) as from the advisor; a private
    conversation (a slash command's) gets its messages in the person's own DM with finbot, never in the channel."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def relay_to_person(self, conversation: Conversation, text: str, *, advisor_name: str | None) -> None:
        reference = conversation.reference or {}
        channel = str(reference.get("channel") or conversation.channel_id)
        thread_ts = reference["thread_ts"] if "thread_ts" in reference else conversation.thread_id
        blocks = relay_blocks(text, advisor_name)
        if reference.get("private"):
            channel, thread_ts = await self._direct_channel(str(reference["user"])), None
            blocks = [_context(f"About your private question in <#{reference.get('channel')}>"), *blocks]
        fallback = f"{advisor_name} (your advisor): {text}" if advisor_name else text
        await post_message(self._client, channel, text=to_mrkdwn(fallback[:3000]), blocks=blocks, thread_ts=thread_ts)

    async def _direct_channel(self, user: str) -> str:
        """The DM between finbot and the person (conversations.open with only them)."""
        response = await self._client.conversations_open(users=user)
        return str(response["channel"]["id"])


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _card(escalation: Escalation) -> CardRef:
    assert escalation.card is not None and escalation.card.platform == "slack"
    return escalation.card


async def advisor_of(client: AsyncWebClient, *, team: str, user: str) -> Advisor:
    """The advisor's id and the name the person will see (users.info; the user id if Slack refuses)."""
    name = user
    try:
        info = (await client.users_info(user=user)).get("user") or {}
        profile = info.get("profile") or {}
        name = profile.get("real_name") or profile.get("display_name") or info.get("real_name") or user
    except SlackApiError as exc:
        log.info("users.info failed for an advisor: %s", exc.response.get("error"))
    return Advisor(id=f"slack:{team}:{user}", name=str(name))


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """The advisor channel's listeners (card buttons, thread replies) when SLACK_ADVISOR_CHANNEL is set."""
    service = deps.escalations
    channel = deps.advisor_channel
    if service is None or not channel:
        return

    async def in_advisor_channel(body: dict[str, Any]) -> bool:
        return (body.get("event") or {}).get("channel") == channel

    async def on_advisor_message(body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await handle_advisor_message(body, client, service, bot_user_id=context.bot_user_id)

    async def on_claim(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await handle_button(body, action, client, service)

    app.event("message", matchers=[in_advisor_channel])(on_advisor_message)
    app.action(CLAIM)(on_claim)
    app.action(CLOSE)(on_claim)


async def handle_advisor_message(
    body: dict[str, Any], client: AsyncWebClient, service: EscalationService, *, bot_user_id: str | None
) -> None:
    """An advisor's reply in a card's thread is the answer to the client; anything else there is ignored."""
    event = body.get("event") or {}
    if not inbound.is_person_message(event) or event.get("user") == bot_user_id:
        return
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return  # top-level chatter in the advisor channel
    escalation = await service.find_by_card("slack", str(event["channel"]), str(thread_ts))
    if escalation is None:
        return
    user = str(event["user"])
    advisor = await advisor_of(client, team=inbound.event_team(body, event), user=user)
    text = inbound.strip_mention(str(event.get("text") or ""), bot_user_id)
    outcome = await service.answer(escalation.id, advisor, text)
    if not outcome.ok:
        await _tell(client, str(event["channel"]), user, outcome.message, thread_ts=str(thread_ts))


async def handle_button(
    body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, service: EscalationService
) -> None:
    """Claim / Close: the service decides (one winner); a refused advisor is told why, privately."""
    user = str(body["user"]["id"])
    team = str(body["user"].get("team_id") or (body.get("team") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")
    advisor = await advisor_of(client, team=team, user=user)
    escalation_id = str(action.get("value") or "")
    if action.get("action_id") == CLAIM:
        outcome = await service.claim(escalation_id, advisor)
    else:
        outcome = await service.close(escalation_id, advisor)
    if not outcome.ok:
        await _tell(client, channel, user, outcome.message)


async def _tell(client: AsyncWebClient, channel: str, user: str, text: str, *, thread_ts: str | None = None) -> None:
    try:
        await post_ephemeral(client, channel, user, text=text, thread_ts=thread_ts)
    except SlackApiError as exc:
        log.info("could not tell advisor %s in %s: %s", user, channel, exc.response.get("error"))
