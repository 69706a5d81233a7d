"""Posting into a Teams conversation later, from a stored conversation reference (advisor relays, reminders),
through the Agents SDK's `continue_conversation`.

A reference is what `inbound.reference_of` stored on the conversation (`Conversation.reference`): it cannot be
rebuilt from a user id alone (docs/platform-notes.md, "Proactive"). Posting to a channel's own reference (no
`;messageid=`) starts a new thread there; `thread_reference` addresses a reply into that thread.
"""

from __future__ import annotations

import copy
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, TurnContext

from adapters.teams.inbound import reference_from_dict
from adapters.teams.render import card_attachment

__all__ = ["Proactive", "thread_reference"]


def thread_reference(channel_reference: dict[str, Any], root_activity_id: str) -> dict[str, Any]:
    """The reference of the thread a channel post started (Teams: `{channel};messageid={root id}`)."""
    reference = copy.deepcopy(channel_reference)
    channel = str(reference["conversation"]["id"]).split(";", 1)[0]
    reference["conversation"]["id"] = f"{channel};messageid={root_activity_id}"
    reference.pop("activityId", None)
    return reference


def _message(text: str | None, card: dict[str, Any] | None, activity_id: str | None = None) -> Activity:
    if text is None and card is None:
        raise ValueError("a proactive message needs text or a card")
    activity = Activity(type=ActivityTypes.message, id=activity_id, text=text)
    if card is not None:  # the SDK's model refuses `attachments=None`
        activity.attachments = [Attachment.model_validate(card_attachment(card))]
    return activity


def _not_a_reply(context: TurnContext) -> None:
    """The SDK addresses sends as replies to the turn's activity; a continuation's id is a random uuid
    (`ConversationReference.get_continuation_activity`), so drop it and post a plain new message."""
    context.activity.id = None


class Proactive:
    """`send` and `update` messages in stored conversations through the SDK's `continue_conversation`."""

    def __init__(self, adapter: ChannelServiceAdapter, *, app_id: str) -> None:
        self._adapter = adapter
        self._app_id = app_id

    async def send(self, reference: dict[str, Any], *, text: str | None = None,
                   card: dict[str, Any] | None = None) -> str | None:
        """Post a new message (text and/or an Adaptive Card) into the conversation; returns its activity id."""
        activity = _message(text, card)
        sent: list[str | None] = []

        async def post(context: TurnContext) -> None:
            _not_a_reply(context)
            response = await context.send_activity(activity)
            sent.append(response.id if response else None)

        await self._continue(reference, post)
        return sent[0] if sent else None

    async def update(self, reference: dict[str, Any], activity_id: str, *, text: str | None = None,
                     card: dict[str, Any] | None = None) -> None:
        """Replace a message finbot posted earlier (e.g. an advisor card once it is claimed)."""
        activity = _message(text, card, activity_id)

        async def put(context: TurnContext) -> None:
            _not_a_reply(context)
            await context.update_activity(activity)

        await self._continue(reference, put)

    async def _continue(self, reference: dict[str, Any], callback: Any) -> None:
        if self._app_id:
            await self._adapter.continue_conversation(self._app_id, self._continuation(reference), callback)
            return
        # Anonymous mode: `continue_conversation("")` builds claims {"aud": "", "appid": ""}, which the SDK then
        # does not treat as anonymous and asks for a token it cannot get; empty claims are anonymous.
        await self._adapter.continue_conversation_with_claims(ClaimsIdentity(), self._continuation(reference), callback)

    @staticmethod
    def _continuation(reference: dict[str, Any]) -> Activity:
        """A fresh post, not a reply to the message the reference was taken from."""
        parsed = reference_from_dict(reference)
        parsed.activity_id = None
        return parsed.get_continuation_activity()
