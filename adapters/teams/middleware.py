"""Cross-cutting work on every incoming Teams activity: drop repeats, remember where to post later."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import Middleware, TurnContext

from adapters.teams.inbound import channel_root_reference, conversation_of, person_of, teams_conversation, tenant_of
from adapters.teams.inboxed import CURRENT
from core.store import ConversationStore, EventLog

__all__ = ["ConversationMiddleware", "INCOMING_TYPES"]

log = logging.getLogger(__name__)

INCOMING_TYPES = frozenset(
    {ActivityTypes.message, ActivityTypes.invoke, ActivityTypes.conversation_update, ActivityTypes.installation_update,
     ActivityTypes.message_update, ActivityTypes.message_delete}
)
"""What people and Teams send; proactive continuations (`event`) pass straight through."""
_ANSWERED = (ActivityTypes.message, ActivityTypes.invoke)


class ConversationMiddleware(Middleware):  # the SDK's middleware protocol, as botbuilder's
    """Exactly-once turns (`EventLog.claim`, shared by every process; the durable inbox claimed messages
    already) and a fresh conversation reference per activity,
    install events included: the reference is what proactive posts need later."""

    def __init__(self, conversations: ConversationStore, events: EventLog) -> None:
        self._conversations = conversations
        self._events = events

    async def on_turn(self, context: TurnContext, logic: Callable[[TurnContext], Awaitable[None]]) -> None:
        activity = context.activity
        if activity.type not in INCOMING_TYPES or activity.conversation is None:
            await logic(context)
            return
        turn = CURRENT.get()
        claimed = turn is not None and turn.key == f"teams:{activity.id}"  # by the durable inbox, before the 202
        if (activity.type in _ANSWERED and activity.id and not claimed
                and not await self._events.claim(f"teams:{activity.id}")):
            log.info("Teams activity %s was already handled; not answering twice", activity.id)
            if activity.type == ActivityTypes.invoke:
                await _answer_invoke(context, 200)
            return
        await self._remember(activity)
        await logic(context)

    async def _remember(self, activity: Activity) -> None:
        person = person_of(activity)
        conversation = conversation_of(activity)
        await self._conversations.touch(person, conversation)
        root = channel_root_reference(conversation.reference or {})
        if root is not None:  # a channel thread: the channel itself is reachable too (advisor channel posts)
            channel = teams_conversation(tenant_of(activity), root["conversation"]["id"], reference=root)
            await self._conversations.touch(person, channel)


async def _answer_invoke(context: TurnContext, status: int) -> None:
    await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status)))
