"""Bot Framework activities -> the core's IncomingMessage (and the bits finbot keeps to post again later).

Pure functions over the Agents SDK's (pydantic) `Activity`; nothing here does I/O.
"""

from __future__ import annotations

import copy
from typing import Any

from microsoft_agents.activity import Activity, ConversationReference

from adapters.teams.actions import CardAction
from adapters.text import strip_controls
from core.types import Conversation, IncomingMessage, MessageKind, Person

__all__ = [
    "MAX_TEXT",
    "card_action_of",
    "channel_root_reference",
    "conversation_of",
    "is_personal",
    "person_of",
    "question_text",
    "reference_from_dict",
    "reference_of",
    "split_thread",
    "teams_conversation",
    "tenant_of",
    "to_incoming",
]

MAX_TEXT = 4000
UNKNOWN_TENANT = "unknown"
_THREAD_MARK = ";messageid="


def tenant_of(activity: Activity) -> str:
    """The Microsoft Entra tenant: on the conversation, else in Teams' channelData."""
    if activity.conversation is not None and activity.conversation.tenant_id:
        return str(activity.conversation.tenant_id)
    tenant = (activity.channel_data or {}).get("tenant") if isinstance(activity.channel_data, dict) else None
    return str(tenant.get("id")) if isinstance(tenant, dict) and tenant.get("id") else UNKNOWN_TENANT


def is_personal(activity: Activity) -> bool:
    """A 1:1 chat. A missing `conversationType` is not one: finbot streams, and speaks freely, only where Teams
    says the chat is personal."""
    conversation = activity.conversation
    return conversation is not None and conversation.conversation_type == "personal"


def split_thread(conversation_id: str) -> tuple[str, str | None]:
    """`19:abc@thread.tacv2;messageid=123` -> (`19:abc@thread.tacv2`, `123`); other ids have no thread."""
    channel, mark, message_id = conversation_id.partition(_THREAD_MARK)
    return channel, (message_id or None) if mark else None


def teams_conversation(tenant: str, conversation_id: str, *, personal: bool = False,
                       reference: dict[str, Any] | None = None) -> Conversation:
    """The core's Conversation for a Teams conversation id (a channel thread keeps its root message id)."""
    channel, thread = split_thread(conversation_id)
    return Conversation(
        platform="teams", tenant=tenant, channel_id=channel, thread_id=thread, is_direct=personal, reference=reference
    )


def reference_of(activity: Activity) -> dict[str, Any]:
    """The serialized ConversationReference (camelCase JSON, `serviceUrl` included) for proactive posts."""
    reference = activity.get_conversation_reference().model_dump(by_alias=True, exclude_none=True, mode="json")
    reference["serviceUrl"] = activity.service_url
    return reference


def reference_from_dict(reference: dict[str, Any]) -> ConversationReference:
    return ConversationReference.model_validate(reference)


def channel_root_reference(reference: dict[str, Any]) -> dict[str, Any] | None:
    """A channel thread's reference -> the channel's own (posting there starts a new thread); None if not a thread."""
    conversation = reference.get("conversation") or {}
    channel, thread = split_thread(str(conversation.get("id") or ""))
    if thread is None:
        return None
    root = copy.deepcopy(reference)
    root["conversation"]["id"] = channel
    root.pop("activityId", None)
    return root


def conversation_of(activity: Activity) -> Conversation:
    return teams_conversation(
        tenant_of(activity), str(activity.conversation.id), personal=is_personal(activity),
        reference=reference_of(activity),
    )


def person_of(activity: Activity) -> Person:
    """`teams:{tenant}:{aadObjectId or from.id}`: the Entra object id is the same in every chat and team."""
    sender = activity.from_property
    user_id = (sender.aad_object_id or sender.id) if sender is not None else "unknown"
    return Person.of("teams", tenant_of(activity), str(user_id), (sender.name or "") if sender else "")


def question_text(activity: Activity) -> str:
    """The message text without the @mention of finbot (Teams puts `<at>finbot</at>` in channel messages)."""
    if not activity.text:
        return ""
    text = activity.text
    if activity.recipient is not None and activity.recipient.id:
        text = activity.model_copy(deep=True).remove_recipient_mention() or ""
    return " ".join(strip_controls(text).replace("<at></at>", " ").split())


def to_incoming(activity: Activity) -> IncomingMessage | None:
    """A message activity with words in it -> IncomingMessage; None for empty or card-submit messages."""
    text = question_text(activity)
    if not text:
        return None
    kind: MessageKind = "message" if is_personal(activity) else "mention"
    return IncomingMessage(
        event_id=f"teams:{activity.id}",
        person=person_of(activity),
        conversation=conversation_of(activity),
        text=text[:MAX_TEXT],
        kind=kind,
    )


def card_action_of(activity: Activity) -> CardAction | None:
    """An Action.Submit (`message` with a `value`) or Action.Execute (`adaptiveCard/action` invoke) -> CardAction."""
    invoke = activity.type == "invoke"
    if invoke:
        action = (activity.value or {}).get("action") if isinstance(activity.value, dict) else None
        if activity.name != "adaptiveCard/action" or not isinstance(action, dict):
            return None
        data: dict[str, Any] = action["data"] if isinstance(action.get("data"), dict) else {}
        verb = action.get("verb") or data.get("verb")
    else:
        if not isinstance(activity.value, dict):
            return None
        data = activity.value
        verb = data.get("verb")
    if not isinstance(verb, str) or not verb:
        return None
    return CardAction(
        verb=verb,
        data=dict(data),
        person=person_of(activity),
        conversation=conversation_of(activity),
        card_activity_id=activity.reply_to_id,
        invoke=invoke,
    )
