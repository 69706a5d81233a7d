"""The Teams activity handler: translate, call the core once, render, deliver. Nothing else lives here."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ActivityTypes, Attachment, ChannelAccount

from adapters.base import run_turn
from adapters.teams.actions import ActionRegistry, ActionResult, CardAction, CommandRegistry
from adapters.teams.inbound import card_action_of, is_personal, to_incoming
from adapters.teams.render import ADAPTIVE_CARD, OFFER_VERB, card_attachment
from adapters.teams.streaming import SendActivity, TeamsDelivery, final_message
from core.assistant import Assistant
from core.escalation import ACCEPT_OFFER
from core.types import IncomingMessage, Reply

__all__ = ["FinbotTeamsBot", "TeamsSink", "invoke_body"]

log = logging.getLogger(__name__)

WELCOME = (
    "Hi, I'm finbot, your firm's assistant. Ask me about products, fees, rules and procedures; "
    "I answer from the firm's knowledge base with sources, and bring in an advisor when needed."
)
UNKNOWN_ACTION = "That button is no longer available."


def invoke_body(result: ActionResult | None, *, status: int = 200) -> dict[str, Any]:
    """The Universal Actions (`adaptiveCard/action`) response: a card that replaces the clicked one, or a message."""
    if status != 200:
        return {"statusCode": status, "type": "application/vnd.microsoft.error",
                "value": {"code": "BadRequest", "message": UNKNOWN_ACTION}}
    if result is not None and result.card is not None:
        return {"statusCode": 200, "type": ADAPTIVE_CARD, "value": result.card}
    text = result.text if result is not None and result.text else "Done."
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


async def _send(context: TurnContext, activity: Activity) -> str | None:
    response = await context.send_activity(activity)
    return response.id if response is not None else None


class TeamsSink:
    """`run_turn`'s delivery in Teams: streaming by hand in 1:1 chats, one final message elsewhere."""

    def __init__(self, delivery: TeamsDelivery, send: SendActivity) -> None:
        self._delivery = delivery
        self._send = send

    async def progress(self, status: str) -> None:
        await self._delivery.progress(status)

    async def delta(self, text: str) -> None:
        await self._delivery.add(text)

    async def final(self, reply: Reply) -> None:
        if not reply.silent:
            await self._delivery.finish(reply)

    async def apologise(self, text: str) -> None:
        await self._send(Activity(type=ActivityTypes.message, text=text))


class FinbotTeamsBot(TeamsActivityHandler):
    def __init__(
        self,
        assistant: Assistant,
        *,
        actions: ActionRegistry,
        commands: CommandRegistry,
        stream_interval_s: float = 1.0,
    ) -> None:
        self._assistant = assistant
        self._actions = actions
        self._commands = commands
        self._stream_interval_s = stream_interval_s

    # -- messages -----------------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        action = card_action_of(turn_context.activity)
        if action is not None and action.verb == OFFER_VERB:  # "Talk to an advisor": speaks for the person
            await self._answer(turn_context, _accepted_offer(turn_context.activity.id, action))
            return
        if action is not None:  # Action.Submit from one of our cards: a `message` with `value`, no text
            await self._after_submit(turn_context, action, await self._run_action(action))
            return
        message = to_incoming(turn_context.activity)
        if message is None:
            return
        command = self._commands.match(message.text)
        if command is not None:
            handler, args = command
            reply = await handler(message, args)
            if isinstance(reply, ActionResult):  # a command's own card and/or text (e.g. `metrics`)
                cards = [Attachment().deserialize(card_attachment(reply.card))] if reply.card else None
                await _send(turn_context, Activity(type=ActivityTypes.message, text=reply.text, attachments=cards))
                return
            if reply is not None:
                await _send(turn_context, final_message(reply))
                return
        await self._answer(turn_context, message)

    async def _answer(self, turn_context: TurnContext, message: IncomingMessage) -> None:
        async def send(activity: Activity) -> str | None:
            return await _send(turn_context, activity)

        delivery = TeamsDelivery(send, streaming=is_personal(turn_context.activity), interval_s=self._stream_interval_s)
        await delivery.start()
        await run_turn(self._assistant, message, TeamsSink(delivery, send))

    # -- card actions -------------------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        action = card_action_of(turn_context.activity)
        if action is None or self._actions.get(action.verb) is None:
            return InvokeResponse(status=200, body=invoke_body(None, status=400))
        return InvokeResponse(status=200, body=invoke_body(await self._run_action(action)))

    async def _run_action(self, action: CardAction) -> ActionResult | None:
        handler = self._actions.get(action.verb)
        if handler is None:
            log.info("no Teams card action registered for verb %r", action.verb)
            return ActionResult(text=UNKNOWN_ACTION)
        return await handler(action)

    async def _after_submit(self, turn_context: TurnContext, action: CardAction, result: ActionResult | None) -> None:
        if result is None:
            return
        if result.card is not None and action.card_activity_id:
            card = Attachment().deserialize(card_attachment(result.card))
            await turn_context.update_activity(
                Activity(type=ActivityTypes.message, id=action.card_activity_id, attachments=[card])
            )
        if result.text:
            await _send(turn_context, Activity(type=ActivityTypes.message, text=result.text))

    # -- installs -----------------------------------------------------------------------------------

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext) -> None:
        """Say hello once, when finbot itself is added to a 1:1 chat (its reference is already stored)."""
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if is_personal(turn_context.activity) and any(m.id == bot_id for m in members_added or []):
            await _send(turn_context, Activity(type=ActivityTypes.message, text=WELCOME))


def _accepted_offer(activity_id: str | None, action: CardAction) -> IncomingMessage:
    """The offer button pressed: the person's own "yes", in the conversation the card was in."""
    return IncomingMessage(
        event_id=f"teams:{activity_id}",
        person=action.person,
        conversation=action.conversation,
        text=ACCEPT_OFFER,
        kind="action",
    )
