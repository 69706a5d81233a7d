"""Web chat frames -> the core's IncomingMessage."""

from __future__ import annotations

import re
import uuid

from adapters.text import strip_controls
from core.types import Conversation, IncomingMessage, MessageKind, Person

__all__ = ["WEB_TENANT", "clean_id", "to_incoming"]

WEB_TENANT = "local"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT = 4000


def clean_id(value: str | None) -> str:
    """A client-supplied id if it is safe to use as a key, else a fresh random one."""
    return value if value and _SAFE_ID.match(value) else uuid.uuid4().hex


def to_incoming(
    *, user_id: str, session_id: str, text: str, display_name: str = "", kind: MessageKind = "message"
) -> IncomingMessage:
    conversation = Conversation(platform="web", tenant=WEB_TENANT, channel_id=session_id, is_direct=True)
    return IncomingMessage(
        event_id=f"web:{uuid.uuid4().hex}",
        person=Person.of("web", WEB_TENANT, user_id, display_name),
        conversation=conversation,
        text=strip_controls(text)[:MAX_TEXT],
        kind=kind,
    )
