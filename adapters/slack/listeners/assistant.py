"""Slack's legacy AI-app panel (`assistant_view`): a new thread gets a title and suggested prompts.

The manifest now declares the Agent messaging experience (`agent_view`, see listeners/home.py); these events
still arrive from workspaces whose app was set up with the legacy view. They are plain event listeners, not
Bolt's `AsyncAssistant` middleware, which acks and drops every `message_changed` in a DM thread (so an edited
question could not be answered again, listeners/edits.py).

Messages in assistant threads are `message.im` events, answered by `listeners/messages.py` with the thread
status (`assistant.threads.setStatus`) showing the core's Progress while the graph runs.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deps import SlackDeps

__all__ = ["EVENTS", "PROMPTS_TITLE", "THREAD_TITLE", "handle_thread_started", "register"]

log = logging.getLogger(__name__)

EVENTS = ("assistant_thread_started", "assistant_thread_context_changed")
THREAD_TITLE = "Chat with finbot"
PROMPTS_TITLE = "Ask finbot about your firm's policies"
MAX_PROMPTS = 4


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_thread_started(event: dict[str, Any], client: AsyncWebClient) -> None:
        await handle_thread_started(event, client, deps)

    async def on_context_changed(event: dict[str, Any]) -> None:
        """finbot does not use the channel the person is viewing; nothing to keep."""

    app.event("assistant_thread_started")(on_thread_started)
    app.event("assistant_thread_context_changed")(on_context_changed)


async def handle_thread_started(payload: dict[str, Any], client: AsyncWebClient, deps: SlackDeps) -> None:
    thread = payload.get("assistant_thread") or {}
    channel, thread_ts = thread.get("channel_id"), thread.get("thread_ts")
    if not channel or not thread_ts:
        return
    prompts = [{"title": p[:75], "message": p} for p in deps.suggested_prompts[:MAX_PROMPTS]]
    try:
        await client.assistant_threads_setTitle(channel_id=channel, thread_ts=thread_ts, title=THREAD_TITLE)
        if prompts:
            await client.assistant_threads_setSuggestedPrompts(
                channel_id=channel, thread_ts=thread_ts, prompts=prompts, title=PROMPTS_TITLE
            )
    except SlackApiError as exc:
        log.warning("could not set up assistant thread in %s: %s", channel, exc.response.get("error"))
