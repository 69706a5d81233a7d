"""Builders for incoming Microsoft Teams (Bot Framework) activities, as JSON-ready dicts."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any, Literal

ConversationType = Literal["personal", "groupChat", "channel"]

TENANT_ID = "tenant-1"
TEAM_ID = "19:team@thread.tacv2"
CHANNEL_ID = "19:channel@thread.tacv2"
BOT_ID = "28:finbot"
BOT_NAME = "finbot"

_seq = itertools.count(1)


def new_activity_id() -> str:
    return str(1_690_000_000_000 + next(_seq))


def default_conversation_id(conversation_type: ConversationType, activity_id: str) -> str:
    """Realistic ids: ``a:1...`` for 1:1, ``19:...@thread.v2`` for group chats, thread ids in channels."""
    if conversation_type == "personal":
        return "a:1personal-chat"
    if conversation_type == "groupChat":
        return "19:group-chat@thread.v2"
    return f"{CHANNEL_ID};messageid={activity_id}"


def _base_activity(
    activity_type: str,
    *,
    service_url: str,
    conversation_type: ConversationType,
    conversation_id: str | None,
    from_id: str,
    from_name: str,
    aad_object_id: str,
    tenant_id: str,
    activity_id: str | None,
    bot_id: str,
    bot_name: str,
    team_id: str,
    channel_id: str,
) -> dict[str, Any]:
    activity_id = activity_id or new_activity_id()
    conversation: dict[str, Any] = {
        "conversationType": conversation_type,
        "id": conversation_id or default_conversation_id(conversation_type, activity_id),
        "tenantId": tenant_id,
    }
    if conversation_type != "personal":
        conversation["isGroup"] = True
    channel_data: dict[str, Any] = {"tenant": {"id": tenant_id}}
    if conversation_type == "channel":
        channel_data.update(
            {
                "teamsTeamId": team_id,
                "teamsChannelId": channel_id,
                "team": {"id": team_id, "name": "Advisers", "aadGroupId": "aad-group-1"},
                "channel": {"id": channel_id, "name": "General"},
            }
        )
    now = datetime.now(UTC).isoformat()
    return {
        "type": activity_type,
        "id": activity_id,
        "timestamp": now,
        "localTimestamp": now,
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": from_id, "name": from_name, "aadObjectId": aad_object_id},
        "conversation": conversation,
        "recipient": {"id": bot_id, "name": bot_name},
        "locale": "en-US",
        "entities": [{"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"}],
        "channelData": channel_data,
    }


def message_activity(
    text: str | None,
    *,
    service_url: str,
    conversation_type: ConversationType = "personal",
    conversation_id: str | None = None,
    from_id: str = "29:user-1",
    from_name: str = "Alice Adviser",
    aad_object_id: str = "aad-user-1",
    tenant_id: str = TENANT_ID,
    activity_id: str | None = None,
    mention_bot: bool = False,
    bot_id: str = BOT_ID,
    bot_name: str = BOT_NAME,
    value: dict[str, Any] | None = None,
    reply_to_id: str | None = None,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
) -> dict[str, Any]:
    """An incoming ``message``; ``mention_bot`` prefixes ``<at>finbot</at>`` and adds the mention entity."""
    activity = _base_activity(
        "message",
        service_url=service_url,
        conversation_type=conversation_type,
        conversation_id=conversation_id,
        from_id=from_id,
        from_name=from_name,
        aad_object_id=aad_object_id,
        tenant_id=tenant_id,
        activity_id=activity_id,
        bot_id=bot_id,
        bot_name=bot_name,
        team_id=team_id,
        channel_id=channel_id,
    )
    if mention_bot:
        tag = f"<at>{bot_name}</at>"
        text = f"{tag} {text or ''}".rstrip()
        mention = {"type": "mention", "mentioned": {"id": bot_id, "name": bot_name}, "text": tag}
        activity["entities"].append(mention)
    activity.update({"text": text, "textFormat": "plain"})
    if value is not None:
        activity["value"] = value
    if reply_to_id is not None:
        activity["replyToId"] = reply_to_id
    return activity


def conversation_update_activity(
    *,
    service_url: str,
    conversation_type: ConversationType = "personal",
    conversation_id: str | None = None,
    members_added: list[dict[str, Any]] | None = None,
    from_id: str = "29:user-1",
    from_name: str = "Alice Adviser",
    aad_object_id: str = "aad-user-1",
    tenant_id: str = TENANT_ID,
    activity_id: str | None = None,
    bot_id: str = BOT_ID,
    bot_name: str = BOT_NAME,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
) -> dict[str, Any]:
    """``conversationUpdate`` announcing members added (by default: the bot itself was installed)."""
    activity = _base_activity(
        "conversationUpdate",
        service_url=service_url,
        conversation_type=conversation_type,
        conversation_id=conversation_id,
        from_id=from_id,
        from_name=from_name,
        aad_object_id=aad_object_id,
        tenant_id=tenant_id,
        activity_id=activity_id,
        bot_id=bot_id,
        bot_name=bot_name,
        team_id=team_id,
        channel_id=channel_id,
    )
    activity["membersAdded"] = members_added if members_added is not None else [{"id": bot_id}]
    if conversation_type == "channel":
        activity["channelData"]["eventType"] = "teamMemberAdded"
    return activity


def invoke_activity(
    name: str = "adaptiveCard/action",
    value: dict[str, Any] | None = None,
    *,
    service_url: str,
    conversation_type: ConversationType = "personal",
    conversation_id: str | None = None,
    from_id: str = "29:user-1",
    from_name: str = "Alice Adviser",
    aad_object_id: str = "aad-user-1",
    tenant_id: str = TENANT_ID,
    activity_id: str | None = None,
    reply_to_id: str | None = None,
    bot_id: str = BOT_ID,
    bot_name: str = BOT_NAME,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
) -> dict[str, Any]:
    """An ``invoke`` (default: Adaptive Card ``Action.Execute``); ``value`` defaults to an empty action."""
    activity = _base_activity(
        "invoke",
        service_url=service_url,
        conversation_type=conversation_type,
        conversation_id=conversation_id,
        from_id=from_id,
        from_name=from_name,
        aad_object_id=aad_object_id,
        tenant_id=tenant_id,
        activity_id=activity_id,
        bot_id=bot_id,
        bot_name=bot_name,
        team_id=team_id,
        channel_id=channel_id,
    )
    default_value = {"action": {"type": "Action.Execute", "verb": "", "data": {}}, "trigger": "manual"}
    activity.update({"name": name, "value": value if value is not None else default_value})
    if reply_to_id is not None:
        activity["replyToId"] = reply_to_id
    return activity


def message_edit_activity(question: dict[str, Any], text: str) -> dict[str, Any]:
    """The ``messageUpdate`` Teams sends when a person edits a message (same id, new text; channelData
    ``eventType: editMessage``), after Microsoft's "Update and delete messages sent from your bot" examples."""
    activity = {**question, "type": "messageUpdate", "text": text}
    activity["channelData"] = {**question.get("channelData", {}), "eventType": "editMessage"}
    return activity


def message_delete_activity(question: dict[str, Any]) -> dict[str, Any]:
    """The ``messageDelete`` Teams sends when a person deletes a message (its id; channelData ``eventType:
    softDeleteMessage``), after the same Microsoft examples."""
    activity = {key: value for key, value in question.items() if key not in ("text", "textFormat", "value")}
    activity["type"] = "messageDelete"
    activity["channelData"] = {**question.get("channelData", {}), "eventType": "softDeleteMessage"}
    return activity
