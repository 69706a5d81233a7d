"""What the Slack listeners are handed: the core's entry point and a few stores, built by `bot/`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from adapters.slack.sessions import DmSessions
from core.assistant import Assistant
from core.audit.review import ReviewQueue
from core.escalation import EscalationService
from core.memory import MemoryService
from core.metrics.reports import MetricsReports
from core.store import ConversationStore, EventLog, Inbox
from core.store.installations import InstallationStore

__all__ = ["DEFAULT_PROMPTS", "MAX_CONCURRENT_TURNS", "EventPredicate", "SlackDeps", "StreamingMode"]

StreamingMode = Literal["stream", "update", "off"]
EventPredicate = Callable[[dict[str, Any]], bool]
"""Given a Slack message event, True when finbot must not answer it."""

MAX_CONCURRENT_TURNS = 16

DEFAULT_PROMPTS: tuple[str, ...] = (
    "What are the advisory fees?",
    "How much does a domestic wire cost?",
    "How do I roll over my 401(k)?",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackDeps:
    """Services and knobs every listener module receives in `register(app, deps)`.

    `ignored_channels` and `ignore_if` are the hook for advisor relays: messages in those channels
    (the advisor channel, by default) are never answered by the bot; the escalation listeners own them.
    """

    assistant: Assistant
    events: EventLog
    conversations: ConversationStore
    suggested_prompts: tuple[str, ...] = DEFAULT_PROMPTS
    ignored_channels: frozenset[str] = frozenset()
    ignore_if: tuple[EventPredicate, ...] = ()
    streaming: StreamingMode = "stream"
    update_interval_s: float = 1.0
    stream_buffer_chars: int = 256
    """Characters slack_sdk's chat stream collects before each start/append call (fewer calls, fewer 429s)."""
    turns: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_CONCURRENT_TURNS))
    """Turns answered at once by this process; the rest wait their turn (Slack is already acked), so a burst
    of events cannot starve the acks of database connections and CPU."""
    metrics: MetricsReports | None = None
    """`/finbot-metrics`: the dashboard for FINBOT_ADMINS (listeners/metrics_command.py); None: switched off."""
    review: ReviewQueue | None = None
    """`/finbot-review`: the supervision queue for FINBOT_REVIEWERS (listeners/review_command.py)."""
    escalations: EscalationService | None = None
    """Hands conversations to advisors (adapters/slack/escalation.py); None: no Slack desk or relay."""
    advisor_channel: str | None = None
    """SLACK_ADVISOR_CHANNEL: escalation cards go there; advisors answer in the cards' threads."""
    installations: InstallationStore | None = None
    """Workspaces that removed finbot (listeners/lifecycle.py); None: not tracked."""
    memory: MemoryService | None = None
    """What finbot remembers about people: the Home tab shows it, with Forget buttons (listeners/home.py)."""
    dm_session_s: float = 4 * 3600.0
    """Top-level DMs this close together continue one conversation (SLACK_DM_SESSION_MIN)."""
    dm_sessions: DmSessions = field(default_factory=DmSessions)
    """The newest session of each DM this process answered (a DM's next message joins it at once)."""
    inbox: Inbox | None = None
    """The durable inbox: people's messages are stored with their claim (middleware.py) and marked done here."""

    def ignores(self, event: dict[str, Any]) -> bool:
        """True when the event is in an ignored channel or any `ignore_if` predicate says so."""
        if event.get("channel") in self.ignored_channels:
            return True
        return any(predicate(event) for predicate in self.ignore_if)
