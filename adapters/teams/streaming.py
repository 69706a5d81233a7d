"""Delivering one answer into a Teams conversation as it is written (Teams streaming, built by hand).

botbuilder-python has no streaming helper (docs/platform-notes.md, "Timing and streaming"); the protocol is:
1. a plain `typing` at once (Teams wants a first sign of life within 15 s);
2. an informative update: `typing` with text and entity `{"type":"streaminfo","streamType":"informative",
   "streamSequence":1}`; its activity id becomes the `streamId`;
3. streaming chunks: `typing` activities each carrying ALL the text so far, entity `{"type":"streaminfo",
   "streamType":"streaming","streamSequence":n,"streamId":...}`, at most about one per second;
4. the final `message` with entity `{"type":"streaminfo","streamType":"final","streamId":...}` and the card.

Teams streams only in 1:1 chats; group chats and channels get one final message. Any error while streaming
switches to the fallback: one final message with the whole answer in its card.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.schema import Activity, ActivityTypes, Attachment, Entity

from adapters.teams.render import card_attachment, notification_text, reply_card
from core.types import Reply

__all__ = ["SendActivity", "StreamInfo", "TeamsDelivery", "final_message", "stream_entity"]

log = logging.getLogger(__name__)

SendActivity = Callable[[Activity], Awaitable[str | None]]
"""Posts an activity into the conversation; returns the id Teams gave it."""

STREAM_TEXT_LIMIT = 20_000


class StreamInfo(Entity):
    """The `streaminfo` entity; a Model subclass so msrest serializes its fields (a plain Entity drops them)."""

    _attribute_map = {
        "type": {"key": "type", "type": "str"},
        "stream_type": {"key": "streamType", "type": "str"},
        "stream_sequence": {"key": "streamSequence", "type": "int"},
        "stream_id": {"key": "streamId", "type": "str"},
    }

    def __init__(
        self, *, stream_type: str, stream_sequence: int | None = None, stream_id: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(type="streaminfo", **kwargs)
        self.stream_type = stream_type
        self.stream_sequence = stream_sequence
        self.stream_id = stream_id


def stream_entity(stream_type: str, *, sequence: int | None = None, stream_id: str | None = None) -> StreamInfo:
    return StreamInfo(stream_type=stream_type, stream_sequence=sequence, stream_id=stream_id)


def final_message(reply: Reply, *, streamed_into: str | None = None) -> Activity:
    """The answer's last message: the text streamed so far is replaced by the final text plus the card's extras,
    or (not streamed) one message whose card carries everything."""
    if streamed_into is None:
        card = reply_card(reply)
        return Activity(
            type=ActivityTypes.message,
            summary=notification_text(reply),
            attachments=[Attachment().deserialize(card_attachment(card))],
        )
    card = reply_card(reply, include_answer=False)
    has_extras = bool(card["body"] or card.get("actions"))
    return Activity(
        type=ActivityTypes.message,
        text=reply.text,
        text_format="markdown",
        attachments=[Attachment().deserialize(card_attachment(card))] if has_extras else None,
        entities=[stream_entity("final", stream_id=streamed_into)],
    )


class TeamsDelivery:
    """One answer's delivery: `start`, then `progress`/`add` as the core works, then `finish(reply)`.

    `start`, `progress` and `add` never raise: a failure marks the stream broken and `finish` falls back to
    one final message (whose own failure does raise, to the caller's edge).
    """

    def __init__(
        self,
        send: SendActivity,
        *,
        streaming: bool,
        interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._streaming = streaming
        self._interval_s = interval_s
        self._clock = clock
        self._text = ""
        self._sent_text = ""
        self._sequence = 0
        self._last_sent = float("-inf")
        self.stream_id: str | None = None
        self.broken = False

    @property
    def streaming(self) -> bool:
        return self._streaming and not self.broken

    async def start(self) -> None:
        await self._try_send(Activity(type=ActivityTypes.typing))

    async def progress(self, status: str) -> None:
        """The first status line opens the stream as an informative update; later ones are not shown."""
        if self.streaming and self._sequence == 0:
            await self._stream(status, "informative")

    async def add(self, delta: str) -> None:
        self._text += delta
        if self.streaming and self._clock() - self._last_sent >= self._interval_s:
            await self._stream(self._text, "streaming")

    async def finish(self, reply: Reply) -> str | None:
        if self.streaming and self.stream_id is not None:
            try:
                return await self._send(final_message(reply, streamed_into=self.stream_id))
            except Exception:  # any streaming failure: fall back to one final message
                log.exception("ending the Teams stream failed; sending the answer as one message")
                self.broken = True
        return await self._send(final_message(reply))

    async def _stream(self, text: str, stream_type: str) -> None:
        if not text.strip() or text == self._sent_text:
            return
        self._sequence += 1
        activity = Activity(
            type=ActivityTypes.typing,
            text=text[:STREAM_TEXT_LIMIT],
            entities=[stream_entity(stream_type, sequence=self._sequence, stream_id=self.stream_id)],
        )
        self._last_sent = self._clock()
        sent_id = await self._try_send(activity)
        if sent_id is not None and self.stream_id is None:
            self.stream_id = sent_id
        if stream_type == "streaming":
            self._sent_text = text

    async def _try_send(self, activity: Activity) -> str | None:
        if self.broken:
            return None
        try:
            return await self._send(activity)
        except Exception:  # the stream is best effort; the final message is what counts
            log.exception("a Teams streaming update failed; the answer will come as one final message")
            self.broken = True
            return None
