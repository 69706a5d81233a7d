"""Platform-neutral types: what adapters hand the core and what the core hands back.

No Slack, Teams or web type appears here. Adapters translate their payloads into
`IncomingMessage` and render `Reply` in their own format.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Platform = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,15}$")]
"""A surface's name: "slack", "teams", "web", "cli", or a new surface's own (adapters.base.Surface.name)."""
MessageKind = Literal["message", "mention", "command", "action"]
Strategy = Literal["llm", "extractive", "template", "human", "refusal"]
"""Who wrote the answer; "human" and "refusal" both mean finbot could not answer it (or a person took it)."""

__all__ = [
    "Citation",
    "Conversation",
    "EscalationNotice",
    "Figure",
    "IncomingMessage",
    "MessageKind",
    "Person",
    "Platform",
    "Progress",
    "Reply",
    "StreamEvent",
    "Strategy",
    "TextDelta",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Conversation(_Frozen):
    """Where a message was said, and how to post there again later."""

    platform: Platform
    tenant: str = Field(description="Slack team id, Teams tenant id, or 'local'.")
    channel_id: str
    thread_id: str | None = None
    is_direct: bool = False
    reference: dict[str, Any] | None = Field(
        default=None,
        description="Opaque to the core: what the adapter needs to post here later "
        "(e.g. a Bot Framework ConversationReference as JSON).",
    )

    @property
    def key(self) -> str:
        """Stable id of this conversation (also the LangGraph thread id)."""
        return f"{self.platform}:{self.tenant}:{self.channel_id}:{self.thread_id or '-'}"


class Person(_Frozen):
    """A person finbot talks to; `id` is stable across sessions for one platform account."""

    id: str
    display_name: str = ""

    @classmethod
    def of(cls, platform: Platform, tenant: str, user_id: str, display_name: str = "") -> Person:
        return cls(id=f"{platform}:{tenant}:{user_id}", display_name=display_name)


class IncomingMessage(_Frozen):
    """One thing a person said to finbot, on any platform."""

    event_id: str = Field(description="Platform id of the event, used for de-duplication.")
    person: Person
    conversation: Conversation
    text: str
    kind: MessageKind = "message"
    received_at: datetime = Field(default_factory=utcnow)


class Citation(_Frozen):
    title: str
    uri: str
    snippet: str = ""
    score: float | None = None


class Figure(_Frozen):
    """A small computed table (portfolio, market, risk) that adapters render as-is."""

    name: str
    columns: list[str]
    rows: list[list[str]]


class EscalationNotice(_Frozen):
    id: str
    reason: str
    expected: str = Field(default="", description="When the person can expect an advisor, in words.")


class Reply(_Frozen):
    """What finbot answers; every adapter renders this one shape."""

    text: str
    citations: list[Citation] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    confidence: int = Field(default=100, ge=0, le=100)
    route: list[str] = Field(default_factory=list)
    strategy: Strategy = "template"
    escalation: EscalationNotice | None = None
    offer_advisor: bool = Field(
        default=False,
        description="finbot offers to bring in an advisor: a button on Slack, Teams and the web, a typed 'yes' "
        "in the terminal; accepting sends core.escalation.ACCEPT_OFFER as the person's message.",
    )
    follow_ups: list[str] = Field(default_factory=list)
    turn_id: str | None = Field(default=None, description="Id of the recorded turn, for feedback.")
    low_confidence: bool = False
    silent: bool = Field(
        default=False, description="True when the bot must stay quiet (an advisor owns the thread)."
    )


class Progress(_Frozen):
    """A status line while the graph works ("searching the knowledge base...")."""

    status: str


class TextDelta(_Frozen):
    text: str


StreamEvent = Progress | TextDelta | Reply
