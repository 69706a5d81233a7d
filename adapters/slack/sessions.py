"""Top-level Slack DMs are one running conversation within a session window.

Threads in a DM are the AI-app panel's chats (one conversation each); everything said top-level in the DM
continues the current session until the person has been quiet for the window (SLACK_DM_SESSION_MIN). Slack's
message timestamps date the messages, so the decision needs no clock of our own.

The newest session of each DM is also remembered in memory (`DmSessions`): two DMs that arrive at once in one
process join one session without a database write before the turn (the turn's own read creates the
conversation row and its write records the DM's last message).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from core.store import ConversationStore
from core.types import Conversation

__all__ = ["DmSessions", "continue_session", "dm_session_id"]


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


class DmSessions:
    """The newest session of each DM seen by this process (an LRU of `size` DMs), beside the stored ones.

    The stored conversations say which session a DM continues across processes and restarts; this map covers
    the moments before a turn has written its conversation: a DM's second message finds the first one's session
    here, even while both are still being answered."""

    def __init__(self, *, size: int = 10_000) -> None:
        self._size = size
        self._newest: OrderedDict[tuple[str, str], tuple[str, float]] = OrderedDict()
        """(team, channel) -> (session id, the timestamp of its newest message)."""

    async def session_of(
        self, conversations: ConversationStore, *, team: str, channel: str, ts: str, window_s: float
    ) -> str:
        """The stored session this top-level DM at `ts` continues; else the one remembered here, if still open;
        else a new one (`ts`)."""
        latest = await conversations.latest_in_channel("slack", team, channel)
        key, at = (team, channel), float(ts)
        session = continue_session(latest, ts, window_s=window_s)
        remembered = self._newest.get(key)  # read after the await: a concurrent DM here may have just set it
        if session is None and remembered is not None and abs(at - remembered[1]) <= window_s:
            session = remembered[0]
        session = session or ts
        newest = max(at, remembered[1]) if remembered is not None and remembered[0] == session else at
        self._newest[key] = (session, newest)
        self._newest.move_to_end(key)
        if len(self._newest) > self._size:
            self._newest.popitem(last=False)
        return session
