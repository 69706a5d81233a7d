"""finbot's Teams agent on the Agents SDK's `AgentApplication`: translate, call the core once, render, deliver.

Routes (the SDK's decorators, registered in `FinbotAgent.__init__`):
- `adaptive_card.action_execute`: Action.Execute buttons (Claim / Close, feedback in group chats and channels);
  the result goes back in the invoke response (a card that replaces the clicked one, or a message);
- `invoke("message/submitAction")`: the native feedback loop's thumbs (1:1 chats), stored like Slack's;
- `activity("message")`: questions, commands, Action.Submit buttons (the advisor offer, imBack follow-ups);
- `conversation_update("membersAdded")`: a welcome in 1:1 chats, a short introduction in teams and group chats;
- `activity("messageUpdate")` / `activity("messageDelete")`: an edited question is re-answered in place (unless
  it went to an advisor), a deleted question takes finbot's answer with it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Attachment,
    InvokeResponse,
)
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    MemoryStorage,
    RouteRank,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.authorization import Connections

from adapters.base import replay_turn, run_turn
from adapters.teams.actions import ActionRegistry, ActionResult, CardAction, CommandRegistry
from adapters.teams.delivery import TeamsSink, final_message
from adapters.teams.inbound import card_action_of, is_personal, to_incoming
from adapters.teams.inboxed import CURRENT
from adapters.teams.render import ADAPTIVE_CARD, OFFER_VERB, card_attachment
from core.assistant import Assistant
from core.escalation import ACCEPT_OFFER
from core.store import ConversationStore, EventLog, Inbox
from core.types import IncomingMessage, Reply

__all__ = ["INTRODUCTION", "WELCOME", "AnswerBook", "FinbotAgent", "invoke_body"]

log = logging.getLogger(__name__)

WELCOME = (
    "Hi, I'm finbot, your firm's assistant. Ask me about products, fees, rules and procedures; "
    "I answer from the firm's knowledge base with sources, and bring in an advisor when needed."
)
INTRODUCTION = (
    "Hi everyone, I'm finbot, the firm's assistant. Mention me (@finbot) with a question about products, fees, "
    "rules or procedures and I'll answer here with sources; I bring in an advisor when a question needs one."
)
UNKNOWN_ACTION = "That button is no longer available."
FEEDBACK_THANKS = "Thanks for the feedback."
_EDITED = "editMessage"


def invoke_body(result: ActionResult | None, *, status: int = 200) -> AdaptiveCardInvokeResponse:
    """The Universal Actions (`adaptiveCard/action`) response: a card that replaces the clicked one, or a message."""
    if status != 200:
        return AdaptiveCardInvokeResponse(status_code=status, type="application/vnd.microsoft.error",
                                          value={"code": "BadRequest", "message": UNKNOWN_ACTION})
    if result is not None and result.card is not None:
        return AdaptiveCardInvokeResponse(status_code=200, type=ADAPTIVE_CARD, value=result.card)
    text = result.text if result is not None and result.text else "Done."
    return AdaptiveCardInvokeResponse(status_code=200, type="application/vnd.microsoft.activity.message", value=text)


@dataclass(slots=True)
class Answered:
    answer_id: str
    turn_id: str | None
    escalated: bool


class AnswerBook:
    """Which finbot message answered which question (for edits and deletes). In memory and bounded: an edit or
    delete long after the answer, or after a restart, leaves the old answer as it is."""

    def __init__(self, size: int = 2000) -> None:
        self._size = size
        self._answers: OrderedDict[str, Answered] = OrderedDict()
        self._turns: OrderedDict[str, str] = OrderedDict()
        self._latest: OrderedDict[str, str] = OrderedDict()

    def record(self, question_id: str, answer_id: str, *, conversation_id: str, turn_id: str | None,
               escalated: bool) -> None:
        self._answers[question_id] = Answered(answer_id, turn_id, escalated)
        self._answers.move_to_end(question_id)
        if turn_id:
            self._turns[answer_id] = turn_id
            self._latest[conversation_id] = turn_id
            self._latest.move_to_end(conversation_id)
        for book in (self._answers, self._turns, self._latest):
            while len(book) > self._size:
                book.popitem(last=False)

    def turn_of(self, answer_id: str | None, conversation_id: str) -> str | None:
        """The core's turn id behind one of finbot's messages (the native feedback loop names only the message,
        in `replyToId`; without one, e.g. from the Agents Playground, the conversation's latest answer)."""
        if answer_id:
            return self._turns.get(answer_id)
        return self._latest.get(conversation_id)

    def get(self, question_id: str) -> Answered | None:
        return self._answers.get(question_id)

    def pop(self, question_id: str) -> Answered | None:
        return self._answers.pop(question_id, None)


async def _send(context: TurnContext, activity: Activity) -> str | None:
    response = await context.send_activity(activity)
    return response.id if response is not None else None


def _attachment(card: dict[str, Any]) -> Attachment:
    return Attachment.model_validate(card_attachment(card))


async def _invoke_response(context: TurnContext, status: int, body: Any = None) -> None:
    await context.send_activity(
        Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body))
    )


class FinbotAgent(AgentApplication[TurnState]):
    def __init__(
        self,
        assistant: Assistant,
        *,
        connections: Connections,
        events: EventLog,
        actions: ActionRegistry,
        commands: CommandRegistry,
        stream_interval_s: float = 1.0,
        conversations: ConversationStore | None = None,
        inbox: Inbox | None = None,
    ) -> None:
        # No typing timer (finbot sends one typing indicator itself) and no mention stripping (inbound does it).
        super().__init__(
            ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False, remove_recipient_mention=False),
            connection_manager=connections,
        )
        self._assistant = assistant
        self._events = events
        self._actions = actions
        self._commands = commands
        self._stream_interval_s = stream_interval_s
        self._conversations = conversations
        self._inbox = inbox
        self.answers = AnswerBook()
        self.adaptive_card.action_execute(re.compile(""))(self._on_execute)  # every verb: the registry decides
        # Action.Execute values the SDK's model refuses (an empty verb, no action) never reach action_execute.
        self.invoke("adaptiveCard/action", rank=RouteRank.LAST)(self._on_unknown_execute)
        self.invoke("message/submitAction")(self._on_feedback_loop)
        self.conversation_update("membersAdded")(self._on_members_added)
        self.activity(ActivityTypes.message_update)(self._on_message_update)
        self.activity(ActivityTypes.message_delete)(self._on_message_delete)
        self.activity(ActivityTypes.message)(self._on_message)

    # -- messages -----------------------------------------------------------------------------------

    async def _on_message(self, context: TurnContext, state: TurnState) -> None:
        action = card_action_of(context.activity)
        if action is not None and action.verb == OFFER_VERB:  # "Talk to an advisor": speaks for the person
            await self._answer(context, _accepted_offer(context.activity.id, action))
            return
        if action is not None:  # Action.Submit from one of our cards: a `message` with `value`, no text
            await self._after_submit(context, action, await self._run_action(action))
            return
        message = to_incoming(context.activity)
        if message is None:
            return
        command = self._commands.match(message.text)
        if command is not None:
            handler, args = command
            reply = await handler(message, args)
            if isinstance(reply, ActionResult):  # a command's own card and/or text (e.g. `metrics`)
                answer = Activity(type=ActivityTypes.message, text=reply.text)
                if reply.card:
                    answer.attachments = [_attachment(reply.card)]
                await _send(context, answer)
                return
            if reply is not None:
                await _send(context, final_message(reply, feedback=False))
                return
        await self._answer(context, message)

    async def _answer(self, context: TurnContext, message: IncomingMessage) -> None:
        turn = CURRENT.get()
        personal = is_personal(context.activity)
        sink: Any
        if turn is not None and turn.replay and turn.shown_id:  # an earlier run showed the answer: edit it
            sink = _UpdateSink(context, turn.shown_id, feedback=not personal)
        else:
            sink = TeamsSink(context, personal=personal, interval_s=self._stream_interval_s,
                             on_shown=self._noter(turn.key) if turn is not None else None)
            await sink.start()
        if turn is not None and turn.replay and self._conversations is not None:
            reply = await replay_turn(self._assistant, self._conversations, message, sink)
        else:
            reply = await run_turn(self._assistant, message, sink)
        if reply is None and turn is not None:  # apologised for: the inbox sweep answers it after its lease
            turn.failed = True
        answer_id = sink.answer_id
        if reply is not None and answer_id and context.activity.id:
            self.answers.record(context.activity.id, answer_id, conversation_id=context.activity.conversation.id,
                                turn_id=reply.turn_id, escalated=reply.escalation is not None)

    def _noter(self, key: str) -> Any:
        """Remember the answer's message id in the inbox, so a re-run of this activity edits it."""
        inbox = self._inbox
        if inbox is None:
            return None

        async def note(answer_id: str) -> None:
            await inbox.note_delivery(key, {"id": answer_id})

        return note

    # -- edits and deletes --------------------------------------------------------------------------

    async def _on_message_update(self, context: TurnContext, state: TurnState) -> None:
        """An edited question is answered again, in place of the old answer, unless an advisor has it."""
        activity = context.activity
        if _event_type(activity) != _EDITED or not activity.id:
            return
        answered = self.answers.get(activity.id)
        message = to_incoming(activity)
        if answered is None or answered.escalated or message is None:
            return
        digest = hashlib.sha256(message.text.encode()).hexdigest()[:16]  # the same in every process
        if not await self._events.claim(f"teams:edit:{activity.id}:{digest}"):
            return
        edited = IncomingMessage(event_id=f"teams:edit:{activity.id}", person=message.person,
                                 conversation=message.conversation, text=message.text, kind=message.kind)
        sink = _UpdateSink(context, answered.answer_id, feedback=not is_personal(activity))
        reply = await run_turn(self._assistant, edited, sink)
        if reply is not None:  # the thumbs on the updated message now rate the new turn
            self.answers.record(activity.id, answered.answer_id, conversation_id=activity.conversation.id,
                                turn_id=reply.turn_id, escalated=reply.escalation is not None)

    async def _on_message_delete(self, context: TurnContext, state: TurnState) -> None:
        """The person deleted their question: finbot's answer to it goes too."""
        if not context.activity.id:
            return
        answered = self.answers.pop(context.activity.id)
        if answered is not None:
            await context.delete_activity(answered.answer_id)

    # -- card actions -------------------------------------------------------------------------------

    async def _on_execute(self, context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        action = card_action_of(context.activity)
        if action is None or self._actions.get(action.verb) is None:
            return invoke_body(None, status=400)
        return invoke_body(await self._run_action(action))

    async def _on_unknown_execute(self, context: TurnContext, state: TurnState) -> None:
        body = invoke_body(None, status=400).model_dump(mode="json", by_alias=True, exclude_none=True)
        await _invoke_response(context, 200, body)

    async def _on_feedback_loop(self, context: TurnContext, state: TurnState) -> None:
        """Teams' native thumbs: `{"actionName": "feedback", "actionValue": {"reaction": "like"|"dislike", ...}}`
        on the answer message (its `replyToId`); the turn id is looked up from the answer's id."""
        value = context.activity.value if isinstance(context.activity.value, dict) else {}
        action_value = value.get("actionValue")
        reaction = action_value.get("reaction") if isinstance(action_value, dict) else None
        turn_id = self.answers.turn_of(context.activity.reply_to_id, context.activity.conversation.id)
        if value.get("actionName") == "feedback" and reaction in ("like", "dislike") and turn_id:
            note = _feedback_text(action_value) if isinstance(action_value, dict) else None
            await self._assistant.feedback(turn_id, 1 if reaction == "like" else -1, note)
        else:
            log.info("a Teams feedback invoke finbot cannot place (reply to %s)", context.activity.reply_to_id)
        await _invoke_response(context, 200, {})

    async def _run_action(self, action: CardAction) -> ActionResult | None:
        handler = self._actions.get(action.verb)
        if handler is None:
            log.info("no Teams card action registered for verb %r", action.verb)
            return ActionResult(text=UNKNOWN_ACTION)
        return await handler(action)

    async def _after_submit(self, context: TurnContext, action: CardAction, result: ActionResult | None) -> None:
        if result is None:
            return
        if result.card is not None and action.card_activity_id:
            await context.update_activity(
                Activity(type=ActivityTypes.message, id=action.card_activity_id, attachments=[_attachment(result.card)])
            )
        if result.text:
            await _send(context, Activity(type=ActivityTypes.message, text=result.text))

    # -- installs -----------------------------------------------------------------------------------

    async def _on_members_added(self, context: TurnContext, state: TurnState) -> None:
        """Hello once when finbot itself is added: a welcome in a 1:1 chat, an introduction in a team or group."""
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(m.id == bot_id for m in activity.members_added or []):
            return
        await _send(context, Activity(type=ActivityTypes.message,
                                      text=WELCOME if is_personal(activity) else INTRODUCTION))


class _UpdateSink:
    """An edited question's new answer replaces the old one (no stream: the message already exists)."""

    def __init__(self, context: TurnContext, answer_id: str, *, feedback: bool) -> None:
        self._context = context
        self._answer_id = answer_id
        self._feedback = feedback

    @property
    def answer_id(self) -> str:
        return self._answer_id

    async def progress(self, status: str) -> None:
        return None

    async def delta(self, text: str) -> None:
        return None

    async def final(self, reply: Reply) -> None:
        if reply.silent:
            return
        activity = final_message(reply, feedback_loop=not self._feedback)
        activity.id = self._answer_id
        activity.text = reply.text
        await self._context.update_activity(activity)

    async def apologise(self, text: str) -> None:
        await self._context.update_activity(Activity(type=ActivityTypes.message, id=self._answer_id, text=text))


def _feedback_text(action_value: dict[str, Any]) -> str | None:
    """The words a person typed with their thumb (Teams sends them as a JSON string: `{"feedbackText": ...}`)."""
    raw = action_value.get("feedback")
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    text = parsed.get("feedbackText") if isinstance(parsed, dict) else None
    return (text.strip()[:1000] or None) if isinstance(text, str) else None


def _event_type(activity: Activity) -> str | None:
    data = activity.channel_data
    if isinstance(data, dict):
        return data.get("eventType")
    return getattr(data, "event_type", None)


def _accepted_offer(activity_id: str | None, action: CardAction) -> IncomingMessage:
    """The offer button pressed: the person's own "yes", in the conversation the card was in."""
    return IncomingMessage(
        event_id=f"teams:{activity_id}",
        person=action.person,
        conversation=action.conversation,
        text=ACCEPT_OFFER,
        kind="action",
    )

