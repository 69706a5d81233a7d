"""Teams activities in the durable inbox (core.store.inbox): stored with their claim before the 202, done after
the answer is delivered, re-run by the sweep with the claims they arrived with.

A `message` activity (questions, commands, Action.Submit buttons, the advisor offer) is accepted by the route
before Teams gets its 202 (`payload_of`: the activity and the validated JWT claims, so a re-run addresses the
same `serviceUrl` as the same bot). The turn runs with an `InboxTurn` in a context variable: the middleware
knows the claim is taken already, the agent notes the id of the message that holds the answer, and any failure
marks the turn failed so it is left to the sweep. A re-run (`replay`) edits the message an earlier run showed
instead of posting a second, and delivers the answer an earlier run saved instead of answering again.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core.authorization import ClaimsIdentity

__all__ = ["CURRENT", "InboxTurn", "inbox_key", "payload_of", "restore"]

PREFIX = "teams:"


@dataclass(slots=True)
class InboxTurn:
    key: str
    shown_id: str | None = None
    """The message an earlier run of this activity posted (its answer): a re-run updates it."""
    replay: bool = False
    failed: bool = False


CURRENT: ContextVar[InboxTurn | None] = ContextVar("teams_inbox_turn", default=None)
"""The inbox record of the activity this task is answering (None: not inboxed)."""


def inbox_key(activity: Activity) -> str | None:
    """The claim key of an activity that goes through the inbox (messages with an id); None otherwise."""
    if activity.type == ActivityTypes.message and activity.id:
        return f"{PREFIX}{activity.id}"
    return None


def payload_of(claims: ClaimsIdentity, activity: Activity) -> dict[str, Any]:
    return {
        "activity": activity.model_dump(mode="json", by_alias=True, exclude_none=True),
        "claims": dict(claims.claims or {}),
        "auth": claims.authentication_type,
    }


def restore(payload: dict[str, Any]) -> tuple[ClaimsIdentity, Activity]:
    """The claims and activity a stored payload was accepted with (the JWT is not validated again: it was)."""
    claims = ClaimsIdentity(dict(payload.get("claims") or {}), payload.get("auth"))
    return claims, Activity.model_validate(payload["activity"])
