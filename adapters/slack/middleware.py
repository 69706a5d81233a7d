"""Exactly-once events: a global Bolt middleware that claims each event in the shared database.

Slack re-sends an event it thinks was not acked (`X-Slack-Retry-Num`), and may deliver one twice; Bolt does not
de-duplicate. The claim is an INSERT into `processed_events` (core.store.EventLog), so it holds across every
finbot process on the same database. A repeat is answered 200 with an empty body and reaches no listener.
The claim happens before the ack. A person's message is claimed through the durable inbox (`Inbox.accept`):
the claim and the stored body are one transaction, so an acknowledged message is never lost; the listener
marks it done after the reply is delivered, and the inbox sweep re-runs it otherwise (`SlackSurface.recover`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from adapters.slack.render import OFFER_ADVISOR
from core.store import EventLog, Inbox

__all__ = ["COMMAND_PREFIX", "INBOX_PREFIXES", "MESSAGE_PREFIX", "OFFER_PREFIX", "claim_key", "exactly_once"]

log = logging.getLogger(__name__)

_MESSAGE_TYPES = frozenset({"message", "app_mention"})
MESSAGE_PREFIX = "slack:msg:"
"""Claim keys of people's messages: the events that go through the durable inbox."""
COMMAND_PREFIX = "slack:cmd:"
"""`/finbot <question>`: a question like a message, answered privately (in the inbox too)."""
OFFER_PREFIX = "slack:offer:"
"""The "Talk to an advisor" button: the person's own "yes", a turn (in the inbox too). Other clicks are not:
feedback is an idempotent vote (claimed only), sharing posts into a channel (a re-run could post it twice)."""
INBOX_PREFIXES = (MESSAGE_PREFIX, COMMAND_PREFIX, OFFER_PREFIX)


def claim_key(body: dict[str, Any]) -> str | None:
    """The id that makes an Events API callback unique (None for other requests).

    A slash command and a button click are keyed on their `trigger_id` (unique per invocation).
    A person's message is keyed on the message itself (`client_msg_id`, else channel and ts): that catches
    retries and the same message delivered again under a new `event_id`. The key is namespaced by event type
    because one message legitimately arrives twice, as `app_mention` and as `message.channels`, and the
    listeners answer only one of the two. Everything else (edits, assistant events) is keyed on `event_id`.
    """
    if body.get("command") and body.get("trigger_id"):  # a slash command (Slack never re-sends one)
        return f"{COMMAND_PREFIX}{body['trigger_id']}"
    if body.get("type") == "block_actions" and body.get("trigger_id"):
        actions = body.get("actions") or []
        first = actions[0] if actions and isinstance(actions[0], dict) else {}
        kind = OFFER_PREFIX if first.get("action_id") == OFFER_ADVISOR else "slack:action:"
        return f"{kind}{body['trigger_id']}"
    if body.get("type") != "event_callback" or not isinstance(body.get("event"), dict):
        return None
    event = body["event"]
    if event.get("type") in _MESSAGE_TYPES and not event.get("subtype") and event.get("channel"):
        message_id = event.get("client_msg_id") or f"{event['channel']}:{event.get('ts')}"
        return f"{MESSAGE_PREFIX}{event['type']}:{body.get('team_id', '')}:{message_id}"
    return f"slack:event:{body['event_id']}" if body.get("event_id") else None


def exactly_once(events: EventLog, inbox: Inbox | None = None) -> Callable[..., Awaitable[Any]]:
    """The middleware: `app.use(exactly_once(events, inbox))`, registered before every listener."""

    async def exactly_once_middleware(
        body: dict[str, Any], context: Any, next: Callable[[], Awaitable[Any]]
    ) -> Any:
        key = claim_key(body)
        if key is not None:
            if inbox is not None and key.startswith(INBOX_PREFIXES):
                payload = {"body": body, "bot_user_id": getattr(context, "bot_user_id", None)}
                first = await inbox.accept(key, platform="slack", payload=payload)
            else:
                first = await events.claim(key)
            if not first:
                log.info("duplicate Slack event %s ignored", key)
                return BoltResponse(status=200, body="")
        return await next()

    return exactly_once_middleware
