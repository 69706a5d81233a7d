"""Top-level Slack DMs are one running conversation within a session window.

Threads in a DM are the AI-app panel's chats (one conversation each); everything said top-level in the DM
continues the current session until the person has been quiet for the window (SLACK_DM_SESSION_MIN). Slack's
message timestamps date the messages, so the decision needs no clock of our own.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.store import ConversationStore
from core.types import Conversation

__all__ = ["continue_session", "dm_session_id"]


def continue_session(candidates: Iterable[Conversation], ts: str, *, window_s: float) -> str | None:
    """The session id this top-level DM at `ts` continues, or None to start a new session (pure)."""
    for conversation in candidates:
        reference = conversation.reference or {}
        if not reference.get("dm_session") or not conversation.thread_id:
            continue
        try:
            gap = float(ts) - float(reference.get("last_ts") or conversation.thread_id)
        except ValueError:
            continue
        return conversation.thread_id if -window_s <= gap <= window_s else None
    return None


async def dm_session_id(
    conversations: ConversationStore, *, team: str, channel: str, ts: str, window_s: float
) -> str:
    """The session of a top-level DM: the newest one of this DM if it is still open, else a new one (`ts`)."""
    latest = await conversations.latest_in_channel("slack", team, channel)
    return continue_session(latest, ts, window_s=window_s) or ts
