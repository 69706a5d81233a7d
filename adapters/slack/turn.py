"""One answered message in Slack: the core's stream (through `adapters.base.run_turn`) into a thread, a DM, or
privately (a slash command's ephemeral answer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.base import replay_turn, run_turn
from adapters.slack.delivery import post_ephemeral, post_message, refused_blocks, set_status
from adapters.slack.deps import SlackDeps
from adapters.slack.inbound import offer_value
from adapters.slack.render import notification_text, reply_blocks
from adapters.slack.streaming import Delivery, Target, UpdateDelivery, open_delivery
from core.store import Inbox
from core.types import IncomingMessage, Reply

__all__ = ["EphemeralSink", "Inboxed", "ThreadSink", "answer_in_thread", "answer_privately", "target_of"]

log = logging.getLogger(__name__)


def target_of(message: IncomingMessage) -> Target:
    """Where the answer goes: the reference's thread (None: top-level, e.g. a DM session), and who asked."""
    conversation = message.conversation
    reference = conversation.reference or {}
    thread_ts = reference["thread_ts"] if "thread_ts" in reference else conversation.thread_id
    return Target(
        channel=str(reference.get("channel") or conversation.channel_id),
        thread_ts=thread_ts,
        team_id=conversation.tenant or None,
        user_id=reference.get("user"),
        offer_value=offer_value(conversation),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Inboxed:
    """The durable-inbox side of a turn: where to note the message shown, and what an earlier run showed."""

    inbox: Inbox
    key: str
    shown_ts: str | None = None
    """The message an earlier run of this event posted: this run edits it instead of posting a second."""
    replay: bool = False
    """Run by the sweep: deliver the saved answer when the earlier run got that far (adapters.base.replay_turn)."""


class ThreadSink:
    """Streams into the thread (or top-level in a DM session); Progress as the AI-app thread status."""

    def __init__(
        self, client: AsyncWebClient, delivery: Delivery, *, show_status: bool, inboxed: Inboxed | None = None
    ) -> None:
        self._client = client
        self._delivery = delivery
        self._status = show_status and delivery.target.thread_ts is not None
        self._inboxed = inboxed
        self._noted = inboxed.shown_ts if inboxed else None

    async def progress(self, status: str) -> None:
        target = self._delivery.target
        if self._status and target.thread_ts:
            self._status = await set_status(self._client, target.channel, target.thread_ts, status)
        await self._delivery.progress(status)

    async def delta(self, text: str) -> None:
        await self._delivery.add(text)
        await self._note()

    async def final(self, reply: Reply) -> None:
        if reply.silent:
            await self._delivery.discard()
            return
        await self._delivery.finish(reply)

    async def _note(self) -> None:
        """The first words are shown: remember their message, so a re-run of this event edits it."""
        ts = self._delivery.partial_ts
        if self._inboxed is not None and ts and ts != self._noted:
            self._noted = ts
            await self._inboxed.inbox.note_delivery(self._inboxed.key, {"ts": ts})

    async def apologise(self, text: str) -> None:
        await self._delivery.discard()
        target = self._delivery.target
        await post_message(self._client, target.channel, text=text, thread_ts=target.thread_ts)


class EphemeralSink:
    """A private answer (slash commands, their buttons): one `chat.postEphemeral` when the answer is complete;
    where the bot cannot post (not in the channel), the command's `response_url`."""

    def __init__(self, client: AsyncWebClient, target: Target, *, respond: object = None) -> None:
        self._client = client
        self._target = target
        self._respond = respond

    async def progress(self, status: str) -> None:
        """Nothing: the ack already said finbot is looking."""

    async def delta(self, text: str) -> None:
        """Ephemeral messages cannot be edited: the answer goes out whole in `final`."""

    async def final(self, reply: Reply) -> None:
        if reply.silent:
            return
        blocks = reply_blocks(reply, share=True, offer_value=self._target.offer_value)
        try:
            await self._post(notification_text(reply), blocks)
        except SlackApiError as exc:
            if not refused_blocks(exc):
                raise
            log.info("Slack refused native blocks (%s); sending classic blocks", exc.response.get("error"))
            classic = reply_blocks(reply, share=True, offer_value=self._target.offer_value, native=False)
            await self._post(notification_text(reply), classic)

    async def apologise(self, text: str) -> None:
        await self._post(text, None)

    async def _post(self, text: str, blocks: list[dict] | None) -> None:
        target = self._target
        assert target.user_id, "a private answer needs its person"
        try:
            await post_ephemeral(self._client, target.channel, target.user_id, text=text, blocks=blocks)
        except SlackApiError as exc:
            if self._respond is None:
                raise
            log.info("postEphemeral refused (%s); answering through response_url", exc.response.get("error"))
            await self._respond(text=text, blocks=blocks, response_type="ephemeral")  # type: ignore[operator]


async def answer_in_thread(
    client: AsyncWebClient,
    deps: SlackDeps,
    message: IncomingMessage,
    *,
    show_status: bool,
    inboxed: Inboxed | None = None,
) -> Reply | None:
    """Run the turn and deliver it where the message was said; `show_status` uses the AI-app thread status
    (`assistant.threads.setStatus`) for Progress events. Returns the Reply (None when the turn failed)."""
    target = target_of(message)
    delivery: Delivery
    if inboxed is not None and inboxed.shown_ts:  # an earlier run showed the first words: edit that message
        delivery = UpdateDelivery(client, target, interval_s=deps.update_interval_s)
        delivery.partial_ts = inboxed.shown_ts
    else:
        delivery = open_delivery(
            client, target, mode=deps.streaming, interval_s=deps.update_interval_s,
            buffer_size=deps.stream_buffer_chars,
        )
    sink = ThreadSink(client, delivery, show_status=show_status, inboxed=inboxed)
    async with deps.turns:
        if inboxed is not None and inboxed.replay:
            return await replay_turn(deps.assistant, deps.conversations, message, sink)
        return await run_turn(deps.assistant, message, sink)


async def answer_privately(
    client: AsyncWebClient, deps: SlackDeps, message: IncomingMessage, *, respond: object = None,
    replay: bool = False,
) -> Reply | None:
    """Run the turn and answer only the asker (ephemeral); `replay`: run by the inbox sweep (an answer an
    earlier run saved is delivered instead of a second turn)."""
    sink = EphemeralSink(client, target_of(message), respond=respond)
    async with deps.turns:
        if replay:
            return await replay_turn(deps.assistant, deps.conversations, message, sink)
        return await run_turn(deps.assistant, message, sink)
