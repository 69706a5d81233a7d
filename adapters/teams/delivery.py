"""Delivering one answer into a Teams conversation (`run_turn`'s TurnSink): the Agents SDK's native streaming in
1:1 chats, one final message elsewhere; every AI answer carries the "AI generated" label and its sources as
citation entities.

The SDK's `context.streaming_response` turns itself on for every Teams conversation; finbot streams only where
Teams says the chat is personal (`conversationType == "personal"`; a missing type is not). In 1:1 chats the
native feedback loop (thumbs on the message, a `message/submitAction` invoke) replaces the card's buttons; in
group chats and channels the card carries Action.Execute feedback buttons.

By hand, because the SDK has no public way to do it: replacing the streamed text with the core's authoritative
final text (or with the apology), and giving up the stream after a failed send (the SDK re-raises unknown
connector errors from its background queue and would keep streaming the next chunks).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    Attachment,
    ClientCitation,
    ClientCitationAppearance,
)
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.app.streaming import Citation as SdkCitation
from microsoft_agents.hosting.core.app.streaming.citation_util import CitationUtil

from adapters.teams.render import card_attachment, notification_text, reply_card
from core.types import Citation, Reply

__all__ = ["TeamsSink", "client_citations", "final_message", "sdk_citations"]

log = logging.getLogger(__name__)

ABSTRACT_CHARS = 160


def _web(uri: str) -> str | None:
    return uri if uri.startswith(("http://", "https://")) else None


def sdk_citations(citations: list[Citation]) -> list[SdkCitation]:
    """The core's sources -> the SDK's streaming citations (`[n]` in the text refers to the n-th)."""
    return [SdkCitation(content=c.snippet or c.title, title=c.title, url=_web(c.uri)) for c in citations]


def client_citations(text: str, citations: list[Citation]) -> list[ClientCitation] | None:
    """Citation entities (`Claim`) for the sources the text refers to as `[n]` (what Teams shows as pills)."""
    claims = [
        ClientCitation(
            position=n,
            appearance=ClientCitationAppearance(
                name=c.title or f"Document #{n}", abstract=CitationUtil.snippet(c.snippet or c.title, ABSTRACT_CHARS),
                url=_web(c.uri),
            ),
        )
        for n, c in enumerate(citations, start=1)
    ]
    return CitationUtil.get_used_citations(text, claims) if claims else None


def _attachment(card: dict[str, Any]) -> Attachment:
    return Attachment.model_validate(card_attachment(card))


def final_message(reply: Reply, *, feedback: bool = True, feedback_loop: bool = False) -> Activity:
    """The whole answer as one message (group chats, channels, and the fallback after a failed stream);
    `feedback`: thumbs on the card; `feedback_loop`: Teams' own thumbs on the message instead (1:1 chats)."""
    activity = Activity(
        type=ActivityTypes.message,
        summary=notification_text(reply),
        attachments=[_attachment(reply_card(reply, feedback=feedback and not feedback_loop))],
    )
    if feedback_loop and reply.turn_id:
        activity.channel_data = {"feedbackLoop": {"type": "default"}}
    activity.add_ai_metadata(client_citations(reply.text, reply.citations))
    return activity


class TeamsSink:
    """One answer's delivery; `personal` turns the native stream on (1:1 chats only)."""

    def __init__(
        self, context: TurnContext, *, personal: bool, interval_s: float = 1.0,
        on_shown: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._context = context
        self._on_shown = on_shown
        """Told the id of the message holding the answer once it exists (the durable inbox notes it)."""
        self._stream = context.streaming_response if personal else None
        if self._stream is not None:
            self._stream._interval = interval_s  # the SDK fixes Teams at 1 s; tests stream every delta
        self._started = False
        self.broken = False
        self._stream_id: str | None = None
        self._message_id: str | None = None
        context.on_send_activities(self._watch)

    @property
    def answer_id(self) -> str | None:
        """The id of the message that holds the answer (a streamed message keeps its stream's id)."""
        return self._message_id if self.broken else (self._stream_id or self._message_id)

    async def _watch(self, context: TurnContext, activities: list[Activity], send: Any) -> Any:
        try:
            responses = await send()
        except Exception:
            self.broken = True  # no more stream: the answer will come as one final message
            raise
        for activity, response in zip(activities, responses or [], strict=False):
            streamed = any(getattr(e, "type", None) == "streaminfo" for e in activity.entities or [])
            if streamed and self._stream_id is None and not self.broken:
                self._stream_id = response.id
            elif activity.type == ActivityTypes.message and self._message_id is None:
                self._message_id = response.id
        shown = self.answer_id
        if self._on_shown is not None and shown:
            on_shown, self._on_shown = self._on_shown, None
            await on_shown(shown)
        return responses

    @property
    def streaming(self) -> bool:
        return self._stream is not None and self._stream.is_streaming_channel and not self.broken

    async def start(self) -> None:
        """A plain typing indicator at once (Teams wants a first sign of life within 15 s)."""
        try:
            await self._context.send_activity(Activity(type=ActivityTypes.typing))
        except Exception:  # best effort; the final message is what counts
            log.exception("the Teams typing indicator failed; the answer will come as one final message")
        self._started = True

    async def progress(self, status: str) -> None:
        """The core's progress (searching, checking sources...) as the stream's informative updates."""
        if self.streaming:
            self._stream.queue_informative_update(status)  # type: ignore[union-attr]

    async def delta(self, text: str) -> None:
        if self.streaming:
            self._stream.queue_text_chunk(text)  # type: ignore[union-attr]

    async def final(self, reply: Reply) -> None:
        if reply.silent:
            return
        if self.streaming:
            try:
                await self._end_stream(reply)
                return
            except Exception:  # any streaming failure: fall back to one final message
                log.exception("ending the Teams stream failed; sending the answer as one message")
                self.broken = True
        await self._context.send_activity(final_message(reply, feedback_loop=self._stream is not None))

    async def _end_stream(self, reply: Reply) -> None:
        stream = self._stream
        assert stream is not None
        stream._message = reply.text  # the core's final text is authoritative (no public setter)
        stream.set_citations(sdk_citations(reply.citations))
        stream.set_generated_by_ai_label(True)
        stream.set_feedback_loop(bool(reply.turn_id))
        card = reply_card(reply, include_answer=False, feedback=False)
        if card["body"] or card.get("actions"):
            stream.set_attachments([_attachment(card)])
        await stream.end_stream()
        if self.broken:
            raise RuntimeError("a streaming update failed")

    async def apologise(self, text: str) -> None:
        if self.streaming and self._stream.get_message():  # type: ignore[union-attr]
            self._stream._message = text  # type: ignore[union-attr]  # replace the partial answer
            try:
                await self._stream.end_stream()  # type: ignore[union-attr]
                return
            except Exception:
                log.exception("ending the Teams stream with the apology failed")
        await self._context.send_activity(Activity(type=ActivityTypes.message, text=text))
