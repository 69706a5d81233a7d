"""Socket Mode (SLACK_APP_TOKEN): the same Bolt app over Slack's WebSocket, for hosts Slack cannot reach."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

__all__ = ["start_socket_mode"]


async def start_socket_mode(slack_app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    """Connect and return the handler; call `await handler.close_async()` on shutdown."""
    handler = AsyncSocketModeHandler(slack_app, app_token)
    await handler.connect_async()
    return handler
