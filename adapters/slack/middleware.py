"""Exactly-once events: a global Bolt middleware that claims each event in the shared database.

Slack re-sends an event it thinks was not acked (`X-Slack-Retry-Num`), and may deliver one twice; Bolt does not
de-duplicate. The claim is an INSERT into `processed_events` (core.store.EventLog), so it holds across every
finbot process on the same database. A repeat is answered 200 with an empty body and reaches no listener.
The claim happens before the ack: a crash after it means at most one answer, never two.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from core.store import EventLog

__all__ = ["claim_keys", "exactly_once"]

log = logging.getLogger(__name__)

_MESSAGE_TYPES = frozenset({"message", "app_mention"})


def claim_keys(body: dict[str, Any]) -> list[str]:
    """The ids that make an Events API callback unique.

    `event_id` catches retries; the message key catches the same message delivered as a new event. It is
    namespaced by event type because one message legitimately arrives twice, as `app_mention` and as
    `message.channels`, and the listeners answer only one of the two.
    """
    if body.get("type") != "event_callback" or not isinstance(body.get("event"), dict):
        return []
    event = body["event"]
    keys = [f"slack:event:{body['event_id']}"] if body.get("event_id") else []
    if event.get("type") in _MESSAGE_TYPES and not event.get("subtype") and event.get("channel"):
        message_id = event.get("client_msg_id") or f"{event['channel']}:{event.get('ts')}"
        keys.append(f"slack:msg:{event['type']}:{body.get('team_id', '')}:{message_id}")
    return keys


def exactly_once(events: EventLog) -> Callable[..., Awaitable[Any]]:
    """The middleware: `app.use(exactly_once(events))`, registered before every listener."""

    async def exactly_once_middleware(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        for key in claim_keys(body):
            if not await events.claim(key):
                log.info("duplicate Slack event %s ignored", key)
                return BoltResponse(status=200, body="")
        return await next()

    return exactly_once_middleware
