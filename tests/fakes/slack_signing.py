"""Signed Slack request bodies: Events API callbacks, slash commands and interactivity payloads."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

_seq = itertools.count(1)


def signed_headers(
    body: bytes | str, secret: str, timestamp: int | None = None, content_type: str = JSON
) -> dict[str, str]:
    """Headers Slack would send with ``body`` (signature over ``v0:{timestamp}:{body}``)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    text = body.decode() if isinstance(body, bytes) else body
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=text)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def new_ts() -> str:
    """A fresh, increasing Slack-style message ts."""
    return f"{int(time.time())}.{next(_seq):06d}"


def event_callback(
    event: dict[str, Any],
    *,
    team_id: str = "T1",
    api_app_id: str = "A1",
    event_id: str | None = None,
    event_time: int | None = None,
    bot_user_id: str = "UBOT",
) -> dict[str, Any]:
    """Wrap ``event`` in an Events API ``event_callback`` envelope."""
    return {
        "token": "verification-token",
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_seq):08d}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {"enterprise_id": None, "team_id": team_id, "user_id": bot_user_id, "is_bot": True}
        ],
        "is_ext_shared_channel": False,
    }


def _message_event(
    event_type: str,
    text: str,
    *,
    user: str,
    channel: str,
    ts: str | None,
    thread_ts: str | None,
    team_id: str,
) -> dict[str, Any]:
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": event_type,
        "client_msg_id": f"msg-{next(_seq):08d}",
        "text": text,
        "user": user,
        "ts": ts,
        "team": team_id,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message_im_payload(
    text: str,
    *,
    user: str = "U1",
    channel: str = "D1",
    ts: str | None = None,
    thread_ts: str | None = None,
    team_id: str = "T1",
    **envelope: Any,
) -> dict[str, Any]:
    """``event_callback`` for a direct message to the bot (``message.im``)."""
    event = _message_event(
        "message", text, user=user, channel=channel, ts=ts, thread_ts=thread_ts, team_id=team_id
    )
    event["channel_type"] = "im"
    return event_callback(event, team_id=team_id, **envelope)


def assistant_thread_payload(text: str, *, thread_ts: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """A message in one of the AI-app panel's threads of the DM (``message.im`` with a ``thread_ts``): its own
    conversation, streamed into that thread. ``thread_ts`` defaults to a fresh thread."""
    return message_im_payload(text, thread_ts=thread_ts or new_ts(), **kwargs)


def app_mention_payload(
    text: str,
    *,
    user: str = "U1",
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    team_id: str = "T1",
    bot_user_id: str = "UBOT",
    **envelope: Any,
) -> dict[str, Any]:
    """``event_callback`` for ``app_mention``; the text is prefixed with ``<@UBOT>`` if not mentioned."""
    mention = f"<@{bot_user_id}>"
    body = text if mention in text else f"{mention} {text}"
    event = _message_event(
        "app_mention", body, user=user, channel=channel, ts=ts, thread_ts=thread_ts, team_id=team_id
    )
    return event_callback(event, team_id=team_id, bot_user_id=bot_user_id, **envelope)


def slash_command_body(
    command: str,
    text: str = "",
    *,
    user_id: str = "U1",
    user_name: str = "alice",
    channel_id: str = "C1",
    team_id: str = "T1",
    response_url: str = "https://hooks.slack.test/commands/T1/1/x",
    trigger_id: str | None = None,
) -> str:
    """Form-encoded body of a slash command invocation."""
    return urlencode(
        {
            "token": "verification-token",
            "team_id": team_id,
            "team_domain": "finbot-test",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger_id or f"trigger-{next(_seq)}",
        }
    )


def block_actions_payload(
    action_id: str,
    value: str = "",
    *,
    block_id: str = "block-1",
    user_id: str = "U1",
    channel_id: str = "C1",
    team_id: str = "T1",
    message_ts: str | None = None,
    thread_ts: str | None = None,
    response_url: str = "https://hooks.slack.test/actions/T1/1/x",
    action_type: str = "button",
) -> dict[str, Any]:
    """An interactivity ``block_actions`` payload for a button click (``feedback_buttons``: Slack's own)."""
    message: dict[str, Any] = {"type": "message", "user": "UBOT", "ts": message_ts or new_ts(), "text": ""}
    if thread_ts:
        message["thread_ts"] = thread_ts
    action = {
        "type": action_type,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "action_ts": new_ts(),
    }
    return {
        "type": "block_actions",
        "token": "verification-token",
        "api_app_id": "A1",
        "team": {"id": team_id, "domain": "finbot-test"},
        "user": {"id": user_id, "username": "alice", "team_id": team_id},
        "channel": {"id": channel_id, "name": "general"},
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel_id},
        "message": message,
        "trigger_id": f"trigger-{next(_seq)}",
        "response_url": response_url,
        "actions": [action],
    }


def block_actions_body(action_id: str, value: str = "", **kwargs: Any) -> str:
    """Form-encoded ``payload=<json>`` body of a ``block_actions`` interaction."""
    return urlencode({"payload": json.dumps(block_actions_payload(action_id, value, **kwargs))})
