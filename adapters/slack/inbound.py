"""Slack payloads -> the core's IncomingMessage. Pure functions: no I/O, testable with plain dicts."""

from __future__ import annotations

import re
from typing import Any

from adapters.text import strip_controls
from core.types import Conversation, IncomingMessage, MessageKind, Person

__all__ = [
    "MAX_TEXT",
    "action_to_incoming",
    "command_conversation",
    "command_to_incoming",
    "conversation_for",
    "conversation_of_offer",
    "dm_session_conversation",
    "event_team",
    "event_to_incoming",
    "is_top_level_dm",
    "offer_value",
    "is_direct_channel",
    "is_person_message",
    "mentions",
    "slack_unescape",
    "strip_mention",
]

MAX_TEXT = 4000
_ANSWERED_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
"""Message subtypes that are a person saying something new (edits, joins, bot posts are not)."""


def is_direct_channel(channel: str, channel_type: str | None = None) -> bool:
    """IM channels: `channel_type == "im"` on message events; ids start with D (app_mention has no type)."""
    return channel_type == "im" or (channel_type is None and channel.startswith("D"))


def mentions(text: str, user_id: str | None) -> bool:
    return bool(user_id) and f"<@{user_id}>" in text


def slack_unescape(text: str) -> str:
    """Slack sends a person's literal `&`, `<`, `>` as entities: the core gets what they typed (render.py
    escapes everything on the way out, so decoding here never makes an echo live, only never doubled)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def strip_mention(text: str, user_id: str | None) -> str:
    """Remove `<@BOT>` (and `<@BOT|name>`) from the text; keep other people's mentions."""
    if not user_id:
        return text.strip()
    return re.sub(rf"<@{re.escape(user_id)}(\|[^>]*)?>\s*", "", text).strip()


def event_team(body: dict[str, Any], event: dict[str, Any]) -> str:
    """The workspace of the person who spoke (shared channels carry the speaker's team on the event)."""
    return str(event.get("team") or event.get("user_team") or body.get("team_id") or "")


def is_person_message(event: dict[str, Any]) -> bool:
    """A new message from a person: no bot, no edit/join/delete subtype, some text."""
    return (
        event.get("subtype") in _ANSWERED_SUBTYPES
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and bool(event.get("user"))
        and bool(str(event.get("text") or "").strip())
    )


def conversation_for(*, team: str, channel: str, thread_ts: str | None, is_direct: bool, user: str) -> Conversation:
    """The conversation of a Slack thread; `reference` holds what a later post there needs."""
    return Conversation(
        platform="slack",
        tenant=team,
        channel_id=channel,
        thread_id=thread_ts,
        is_direct=is_direct,
        reference={"channel": channel, "thread_ts": thread_ts, "team": team, "user": user},
    )


def dm_session_conversation(*, team: str, channel: str, user: str, session_id: str, ts: str) -> Conversation:
    """Top-level DMs within a session window are one conversation (`thread_id` = the session's first ts),
    answered top-level in the DM flow (`reference.thread_ts` None); `last_ts` dates the session's last message."""
    return Conversation(
        platform="slack",
        tenant=team,
        channel_id=channel,
        thread_id=session_id,
        is_direct=True,
        reference={"channel": channel, "thread_ts": None, "team": team, "user": user, "dm_session": True,
                   "last_ts": ts},
    )


def is_top_level_dm(event: dict[str, Any]) -> bool:
    """A DM not in a thread (threads in a DM are AI-app assistant threads: one conversation each)."""
    channel = str(event.get("channel") or "")
    in_thread = bool(event.get("thread_ts")) and event.get("thread_ts") != event.get("ts")
    return is_direct_channel(channel, event.get("channel_type")) and not in_thread


def event_to_incoming(
    body: dict[str, Any], *, bot_user_id: str | None, session_id: str | None = None
) -> IncomingMessage:
    """A `message` or `app_mention` event -> IncomingMessage. The reply thread is the message's thread (or the
    message itself, which starts one); a top-level DM with `session_id` belongs to that DM session."""
    event = body["event"]
    team = event_team(body, event)
    channel = str(event["channel"])
    user = str(event["user"])
    is_direct = is_direct_channel(channel, event.get("channel_type"))
    if session_id is not None and is_top_level_dm(event):
        conversation = dm_session_conversation(
            team=team, channel=channel, user=user, session_id=session_id, ts=str(event["ts"])
        )
    else:
        thread_ts = str(event.get("thread_ts") or event["ts"])
        conversation = conversation_for(team=team, channel=channel, thread_ts=thread_ts, is_direct=is_direct, user=user)
    kind: MessageKind = "mention" if event.get("type") == "app_mention" else "message"
    return IncomingMessage(
        event_id=f"slack:{body.get('event_id') or channel + ':' + str(event['ts'])}",
        person=Person.of("slack", team, user),
        conversation=conversation,
        text=slack_unescape(strip_mention(strip_controls(str(event.get("text") or "")), bot_user_id) or "help")[
            :MAX_TEXT
        ],
        kind=kind,
    )


def command_conversation(*, team: str, channel: str, user: str) -> Conversation:
    """Slash-command answers are private to the asker: one conversation per person and channel, and anything
    finbot says there later (an advisor's reply) goes to the person privately (`reference.private`)."""
    conversation = conversation_for(
        team=team, channel=channel, thread_ts=f"cmd-{user}", is_direct=is_direct_channel(channel), user=user
    )
    reference = {**(conversation.reference or {}), "thread_ts": None, "private": True}
    return conversation.model_copy(update={"reference": reference})


def command_to_incoming(body: dict[str, Any]) -> IncomingMessage:
    """A slash command (`/finbot <question>`, form fields) -> IncomingMessage."""
    team = str(body.get("team_id") or "")
    user = str(body["user_id"])
    channel = str(body["channel_id"])
    return IncomingMessage(
        event_id=f"slack:cmd:{body.get('trigger_id') or body.get('command', '') + ':' + user}",
        person=Person.of("slack", team, user, str(body.get("user_name") or "")),
        conversation=command_conversation(team=team, channel=channel, user=user),
        text=slack_unescape(strip_controls(str(body.get("text") or ""))).strip()[:MAX_TEXT],
        kind="command",
    )


def offer_value(conversation: Conversation) -> str:
    """The "Talk to an advisor" button's value: how the click finds this conversation again."""
    reference = conversation.reference or {}
    kind = "c" if reference.get("private") else "s" if reference.get("dm_session") else "t"
    return f"{kind}:{conversation.thread_id or ''}"


def conversation_of_offer(value: str, *, team: str, channel: str, user: str) -> Conversation | None:
    """The conversation an offer button was shown in (see `offer_value`); None for a malformed value."""
    kind, _, thread = value.partition(":")
    if kind == "c":
        return command_conversation(team=team, channel=channel, user=user)
    if not thread or kind not in ("s", "t"):
        return None
    if kind == "s":
        return dm_session_conversation(team=team, channel=channel, user=user, session_id=thread, ts=thread)
    return conversation_for(team=team, channel=channel, thread_ts=thread, is_direct=is_direct_channel(channel),
                            user=user)


def action_to_incoming(
    *, event_id: str, team: str, user: str, conversation: Conversation, text: str
) -> IncomingMessage:
    """A button that speaks for the person (e.g. accepting the offer of an advisor) -> IncomingMessage."""
    return IncomingMessage(
        event_id=event_id,
        person=Person.of("slack", team, user),
        conversation=conversation,
        text=strip_controls(text)[:MAX_TEXT],
        kind="action",
    )
