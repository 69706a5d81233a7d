"""The one shape every surface has (Slack, Teams, the web chat, the terminal, and whatever comes next).

A surface is one package with `build(services, settings) -> Surface | None` (None: not configured). The
composition root keeps a list of those builders (`bot/container.py` SURFACES): adding a platform is one
package and one line there. Each surface mounts its routes on the one aiohttp app, brings its advisor desk
and its way of reaching people later (the escalation port), and answers every message through `run_turn`.

`run_turn` is the one turn loop: it streams the core's events into a `TurnSink` (the platform's delivery),
and catches and apologises for every failure with the same fixed text. It is also the one place where a
durable inbox slots in: record the message before the stream starts, mark it done after `sink.final`, and
re-run unfinished records through the surface's sink.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from core.assistant import Assistant
from core.audit.review import ReviewQueue
from core.escalation import AdvisorDesk, EscalationService, PersonChannel
from core.memory import MemoryService
from core.metrics.reports import MetricsReports
from core.store import ConversationStore, EventLog, Inbox, InboxItem
from core.store.installations import InstallationStore
from core.types import IncomingMessage, Progress, Reply, TextDelta

if TYPE_CHECKING:
    from aiohttp import web

__all__ = [
    "SORRY", "Recovers", "Surface", "SurfaceBuilder", "SurfaceServices", "TurnSink", "replay_turn", "run_turn",
]

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again, or ask for an advisor."
"""What a person reads when a turn fails, on every surface (never the exception's text)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SurfaceServices:
    """What the composition root hands every surface's `build` (the core's entry point and a few stores)."""

    assistant: Assistant
    conversations: ConversationStore
    events: EventLog
    escalations: EscalationService | None = None
    metrics: MetricsReports | None = None
    """The admin dashboard (`/finbot-metrics` in Slack, `metrics` in Teams); None: off."""
    memory: MemoryService | None = None
    """What finbot remembers about people (shown to them on Slack's Home tab); None: memory is off."""
    installations: InstallationStore | None = None
    """Workspaces / tenants that removed finbot: nothing is posted there."""
    review: ReviewQueue | None = None
    """The supervision queue (`/finbot-review` in Slack) for FINBOT_REVIEWERS; None: the audit trail is off."""
    inbox: Inbox | None = None
    """The durable inbox (core.store.inbox): accepted messages are stored with their claim, done when delivered."""


class TurnSink(Protocol):
    """A platform's delivery of one answer: status lines, streamed text, the final Reply, or the apology."""

    async def progress(self, status: str) -> None: ...

    async def delta(self, text: str) -> None: ...

    async def final(self, reply: Reply) -> None:
        """The authoritative answer (its text may differ from the deltas); `reply.silent`: show nothing."""
        ...

    async def apologise(self, text: str) -> None:
        """The turn failed: remove anything partial and show `text`."""
        ...


@runtime_checkable
class Surface(Protocol):
    """One platform finbot lives on."""

    name: str
    """"slack", "teams", "web", "cli": also the `Conversation.platform` of the people it serves."""

    @property
    def desk(self) -> AdvisorDesk | None:
        """Where advisors work escalations on this platform (None: no advisor desk here)."""
        ...

    @property
    def person_channel(self) -> PersonChannel | None:
        """How finbot reaches this platform's people later (advisor replies, notes); None: it cannot."""
        ...

    def mount(self, app: web.Application) -> None:
        """Add this surface's routes to the one aiohttp app (nothing for the terminal)."""
        ...

    async def start(self) -> None:
        """After the server listens: background connections (e.g. Slack Socket Mode)."""
        ...

    async def stop(self) -> None:
        """Finish the turns in flight and release connections."""
        ...


@runtime_checkable
class Recovers(Protocol):
    """A surface that can run an inbox event again (the sweep, bot/inbox_sweep.py) through a sink it rebuilds
    from the stored payload and conversation reference."""

    async def recover(self, item: InboxItem) -> bool:
        """Run the stored event's turn again; True when settled (delivered, or nothing was due)."""
        ...


class SurfaceBuilder(Protocol):
    def __call__(self, services: SurfaceServices, settings: Any) -> Surface | None:
        """`settings` is `bot.config.Settings` (only bot/ reads the environment; surfaces read the values)."""
        ...


async def run_turn(assistant: Assistant, message: IncomingMessage, sink: TurnSink) -> Reply | None:
    """Answer one message into `sink`; returns the Reply, or None when the turn failed (and was apologised for).

    The durable inbox (record before the stream, done after `sink.final`, re-run what never finished) wraps
    exactly this function.
    """
    reply: Reply | None = None
    try:
        async for event in assistant.stream(message):
            if isinstance(event, TextDelta):
                await sink.delta(event.text)
            elif isinstance(event, Progress):
                await sink.progress(event.status)
            elif isinstance(event, Reply):  # delivered before the core goes on (facts are learned after it)
                reply = event
                await sink.final(reply)
        if reply is None:
            raise RuntimeError("the core's stream ended without a Reply")
    except Exception:  # the edge: log with the conversation, show the person a fixed message
        log.exception("%s turn failed for %s", message.conversation.platform, message.conversation.key)
        try:
            await sink.apologise(SORRY)
        except Exception:  # the platform itself is failing: nothing more to say to the person
            log.exception("could not apologise in %s", message.conversation.key)
        return None
    return reply


async def replay_turn(
    assistant: Assistant, conversations: ConversationStore, message: IncomingMessage, sink: TurnSink
) -> Reply | None:
    """`run_turn` for a message the inbox sweep runs again: when an earlier run already saved the answer (it
    died before delivering, or before marking done), that answer is delivered instead of a second one."""
    saved = await conversations.answer_for(message.event_id)
    if saved is None:
        return await run_turn(assistant, message, sink)
    reply = Reply(text=saved, route=["inbox"], strategy="template")
    try:
        await sink.final(reply)
    except Exception:
        log.exception("could not deliver the saved answer in %s", message.conversation.key)
        return None
    return reply
