"""Delivering one answer into a Slack thread as it is written.

Three ways, picked by `open_delivery`:
- `ChatStreamDelivery`: slack_sdk's chat stream helper (`chat.startStream` / `appendStream` / `stopStream`,
  slack_sdk/web/async_chat_stream.py; needs `thread_ts`, and the recipient's team and user in channels).
- `UpdateDelivery`: post the first words, then `chat.update` at most once per `interval_s`.
- `FinalDelivery`: one message when the answer is complete.

Streamed words are person- and document-derived text like the rest: escaped for Slack, Markdown links reduced
to their labels (`render.MarkdownStream`, `render.unfinished_link`); only the citations finbot builds are live.
The final Reply's text is authoritative (it may differ from the streamed words), and the feedback buttons
arrive with the final message. On ANY error while streaming, the partial message is removed (best effort)
and the whole answer is sent as one final `chat.postMessage`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks.block_elements import UrlSourceElement
from slack_sdk.models.messages.chunk import TaskUpdateChunk
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery import delete_message, post_message, refused_blocks, update_message
from adapters.slack.render import (
    MarkdownStream,
    extra_blocks,
    notification_text,
    reply_blocks,
    split_text,
    to_mrkdwn,
    unfinished_link,
)
from core.types import Reply

__all__ = [
    "ChatStreamDelivery",
    "Delivery",
    "FinalDelivery",
    "ReplaceDelivery",
    "Target",
    "UpdateDelivery",
    "open_delivery",
]

log = logging.getLogger(__name__)

STREAM_TEXT_LIMIT = 12000
"""`markdown_text` per stream call (chat.appendStream reference)."""
MAX_TASK_SOURCES = 10


@dataclass(frozen=True, slots=True)
class Target:
    """Where an answer goes: a channel and thread, and who asked (streams in channels need both ids)."""

    channel: str
    thread_ts: str | None
    team_id: str | None = None
    user_id: str | None = None
    offer_value: str | None = None
    """The "Talk to an advisor" button's value (`inbound.offer_value`): how a click finds the conversation."""


class Delivery:
    """One answer's delivery: `add` streamed text, then `finish` with the final Reply (or `discard`)."""

    def __init__(self, client: AsyncWebClient, target: Target) -> None:
        self.client = client
        self.target = target
        self.partial_ts: str | None = None
        self.broken = False
        self.native = True
        """Native Block Kit elements (table, feedback buttons) until Slack refuses them (render.py)."""

    async def add(self, text: str) -> None:
        """Show more of the answer; never raises (a failure switches to the final-message fallback)."""

    async def progress(self, status: str) -> None:
        """A step of the core's work ("searching the knowledge base..."); shown where the delivery can."""

    async def finish(self, reply: Reply) -> str:
        """Deliver the final answer with its buttons; returns the message ts."""
        if not self.broken:
            try:
                return await self._finish(reply)
            except Exception as exc:  # any streaming failure: fall back to one final post
                if refused_blocks(exc):
                    self._plain_blocks(exc)
                else:
                    log.exception("streaming the answer into %s failed; sending it as one message", self.target.channel)
        try:
            return await self._fallback(reply)
        except SlackApiError as exc:
            if not (self.native and refused_blocks(exc)):
                raise
            self._plain_blocks(exc)
            return await self._fallback(reply)

    def _plain_blocks(self, exc: BaseException) -> None:
        """Slack refused a native element (table, feedback buttons): send the classic blocks instead."""
        log.info("Slack refused native blocks in %s (%s); sending classic blocks", self.target.channel, exc)
        self.native = False

    async def discard(self) -> None:
        """The bot must stay silent after all: remove anything shown so far."""
        if self.partial_ts:
            await delete_message(self.client, self.target.channel, self.partial_ts)

    async def _finish(self, reply: Reply) -> str:
        return await self._post_whole(reply)

    async def _post_whole(self, reply: Reply) -> str:
        return await post_message(
            self.client,
            self.target.channel,
            text=notification_text(reply),
            blocks=self._blocks(reply),
            thread_ts=self.target.thread_ts,
        )

    def _blocks(self, reply: Reply) -> list[dict[str, Any]]:
        return reply_blocks(reply, offer_value=self.target.offer_value, native=self.native)

    async def _fallback(self, reply: Reply) -> str:
        await self.discard()
        self.partial_ts = None
        return await self._post_whole(reply)

    def _broke(self, what: str) -> None:
        log.warning("%s failed in %s; the answer will be sent as one message", what, self.target.channel, exc_info=True)
        self.broken = True


class FinalDelivery(Delivery):
    """No streaming: one message when the answer is complete."""


class ReplaceDelivery(Delivery):
    """The answer replaces an earlier one of finbot's in place (an edited question): one `chat.update`."""

    def __init__(self, client: AsyncWebClient, target: Target, ts: str) -> None:
        super().__init__(client, target)
        self.ts = ts

    async def _finish(self, reply: Reply) -> str:
        await update_message(
            self.client, self.target.channel, self.ts, text=notification_text(reply), blocks=self._blocks(reply)
        )
        return self.ts

    async def _fallback(self, reply: Reply) -> str:
        return await self._finish(reply)

    async def discard(self) -> None:
        """Silent after all (e.g. the edit made it a message finbot does not answer): the old answer stays."""


class ChatStreamDelivery(Delivery):
    """Slack's native text streaming through `client.chat_stream(...)` (it buffers ~256 chars per call).

    The core's progress shows as tasks in the message's timeline (`TaskUpdateChunk`: each step in progress,
    then complete; the sources found are attached to the search step at the end). A workspace that refuses
    task chunks gets the text alone.
    """

    def __init__(self, client: AsyncWebClient, target: Target, *, buffer_size: int = 256) -> None:
        super().__init__(client, target)
        self._buffer_size = buffer_size
        self._stream: Any = None
        self._streamed = ""
        """The raw text given to `add` (compared with the final Reply's)."""
        self._markdown = MarkdownStream()
        self._tasks: list[tuple[str, str]] = []
        """(id, title) of each step shown, in order."""
        self._tasks_on = True

    async def _open_stream(self) -> Any:
        if self._stream is None:
            self._stream = await self.client.chat_stream(
                channel=self.target.channel,
                thread_ts=self.target.thread_ts or "",
                recipient_team_id=self.target.team_id,
                recipient_user_id=self.target.user_id,
                buffer_size=self._buffer_size,
                task_display_mode="timeline",
            )
        return self._stream

    async def progress(self, status: str) -> None:
        if self.broken or not self._tasks_on or self._streamed:
            return  # steps are shown before the answer's words, not between them
        title = status.strip().rstrip(".").strip()
        title = title[:1].upper() + title[1:]
        chunks = self._closed_tasks()
        self._tasks.append((f"step-{len(self._tasks) + 1}", title))
        chunks.append(TaskUpdateChunk(id=self._tasks[-1][0], title=title, status="in_progress"))
        try:
            stream = await self._open_stream()
            await stream.append(chunks=chunks)
            self.partial_ts = stream.ts
        except SlackApiError as exc:  # no task chunks here: the answer streams as text alone
            log.info("task updates refused in %s (%s); streaming text only", self.target.channel,
                     exc.response.get("error"))
            self._tasks_on, self._tasks = False, []
            if self._stream is not None and self._stream.ts is None:
                self._stream = None
        except Exception:
            self.partial_ts = self._stream.ts if self._stream is not None else None
            self._broke("chat stream task update")

    def _closed_tasks(self, reply: Reply | None = None, *, last_open: bool = True) -> list[TaskUpdateChunk]:
        """The step in progress marked complete (at the end: with the sources the answer cites)."""
        if not self._tasks:
            return []
        sources = [
            UrlSourceElement(url=c.uri, text=(c.title or c.uri)[:150])
            for c in (reply.citations if reply is not None else [])
            if c.uri.startswith(("http://", "https://"))
        ][:MAX_TASK_SOURCES]
        last = self._tasks[-1]
        closing = [TaskUpdateChunk(id=last[0], title=last[1], status="complete")] if last_open else []
        if sources:
            search = next((t for t in self._tasks if t[1].lower().startswith("searching")), last)
            closing = [c for c in closing if c.id != search[0]]
            closing.append(TaskUpdateChunk(id=search[0], title=search[1], status="complete", sources=sources))
        return closing

    async def add(self, text: str) -> None:
        if self.broken or not text:
            return
        try:
            if self._stream is None:
                await self._open_stream()
            if not self._streamed and self._tasks:  # the answer begins: the last step is done
                await self._stream.append(chunks=self._closed_tasks())
            self._streamed += text
            safe = self._markdown.feed(text)
            if safe:
                await self._stream.append(markdown_text=safe)
            self.partial_ts = self._stream.ts
        except Exception:  # a stream error must never lose the answer
            self.partial_ts = self._stream.ts if self._stream is not None else None
            self._broke("chat stream")

    async def _finish(self, reply: Reply) -> str:
        if self._stream is None:
            return await self._post_whole(reply)
        extras = extra_blocks(reply, offer_value=self.target.offer_value, native=self.native)
        if reply.text.startswith(self._streamed) and len(reply.text) - len(self._streamed) <= STREAM_TEXT_LIMIT:
            rest = (self._markdown.feed(reply.text[len(self._streamed) :]) + self._markdown.flush()) or None
            tasks = self._closed_tasks(reply, last_open=not self._streamed) if self._tasks_on and self._tasks else None
            tasks = tasks or None
            response = await self._stream.stop(markdown_text=rest, blocks=extras, chunks=tasks)
            return str(response.get("ts") or self._stream.ts)
        # The final text differs from what was streamed (a later step changed it): replace the message.
        response = await self._stream.stop()
        ts = str(response.get("ts") or self._stream.ts)
        self.partial_ts = ts
        await update_message(
            self.client, self.target.channel, ts, text=notification_text(reply), blocks=self._blocks(reply)
        )
        return ts


class UpdateDelivery(Delivery):
    """Post the first words, then edit the message with `chat.update` at most once per `interval_s`."""

    def __init__(
        self,
        client: AsyncWebClient,
        target: Target,
        *,
        interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(client, target)
        self._interval_s = interval_s
        self._clock = clock
        self._text = ""
        self._last = 0.0

    async def add(self, text: str) -> None:
        if self.broken or not text:
            return
        self._text += text
        words = self._text[: unfinished_link(self._text)]  # a link cut between deltas waits for its end
        shown = to_mrkdwn(split_text(words)[0]) + " …" if words.strip() else ""
        try:
            if self.partial_ts is None and shown:
                self.partial_ts = await post_message(
                    self.client, self.target.channel, text=shown, thread_ts=self.target.thread_ts
                )
                self._last = self._clock()
            elif self.partial_ts is not None and self._clock() - self._last >= self._interval_s:
                self._last = self._clock()
                await update_message(self.client, self.target.channel, self.partial_ts, text=shown)
        except Exception:  # a failed edit must never lose the answer
            self._broke("chat.update")

    async def _finish(self, reply: Reply) -> str:
        if self.partial_ts is None:
            return await self._post_whole(reply)
        await update_message(
            self.client, self.target.channel, self.partial_ts, text=notification_text(reply), blocks=self._blocks(reply)
        )
        return self.partial_ts


def open_delivery(
    client: AsyncWebClient, target: Target, *, mode: str, interval_s: float = 1.0, buffer_size: int = 256
) -> Delivery:
    """Native streaming where the SDK has it and the thread is known; else updates; or one final message."""
    if mode == "stream" and target.thread_ts and hasattr(client, "chat_stream"):
        return ChatStreamDelivery(client, target, buffer_size=buffer_size)
    if mode in ("stream", "update"):
        return UpdateDelivery(client, target, interval_s=interval_s)
    return FinalDelivery(client, target)
