"""The Slack surface (adapters.base.Surface): the Bolt app on `POST /slack/events` (or Socket Mode), its advisor
desk in SLACK_ADVISOR_CHANNEL, and relays into people's threads and DMs. On when SLACK_BOT_TOKEN and
SLACK_SIGNING_SECRET are set.

Light to import: Bolt and the Slack SDK load only when `build` finds Slack configured.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from adapters.base import SurfaceServices
from core.escalation import AdvisorDesk, PersonChannel
from core.store import InboxItem

if TYPE_CHECKING:
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp

    from adapters.slack.deps import SlackDeps

__all__ = ["SlackSurface", "build"]

log = logging.getLogger(__name__)


class SlackSurface:
    name = "slack"

    def __init__(
        self, app: AsyncApp, deps: SlackDeps, *, signing_secret: str, app_token: str | None = None
    ) -> None:
        from adapters.slack.escalation import SlackAdvisorDesk, SlackPersonChannel

        self.app = app
        self.deps = deps
        self._app_token = app_token
        self._signing_secret = signing_secret
        self._socket_mode: Any = None
        self._desk = (
            SlackAdvisorDesk(app.client, deps.advisor_channel)
            if deps.advisor_channel and deps.escalations is not None
            else None
        )
        self._people = SlackPersonChannel(app.client)

    @property
    def desk(self) -> AdvisorDesk | None:
        return self._desk

    @property
    def person_channel(self) -> PersonChannel | None:
        return self._people

    def mount(self, app: web.Application) -> None:
        from adapters.slack.routes import mount

        mount(app, self.app, self._signing_secret)

    async def recover(self, item: InboxItem) -> bool:
        """The inbox sweep: the stored event through the same listener, resuming any message already shown."""
        from adapters.slack.listeners.messages import handle_stored

        return await handle_stored(item, self.app.client, self.deps)

    async def start(self) -> None:
        """With SLACK_APP_TOKEN, events also arrive over Socket Mode (no public URL needed)."""
        if self._app_token:
            from adapters.slack.socket_mode import start_socket_mode

            self._socket_mode = await start_socket_mode(self.app, self._app_token)
            log.info("Slack Socket Mode connected")

    async def stop(self) -> None:
        if self._socket_mode is not None:
            await self._socket_mode.close_async()
            self._socket_mode = None
        from adapters.slack.app import close_client

        await close_client(self.app.client)


def build(services: SurfaceServices, settings: Any) -> SlackSurface | None:
    if not settings.slack_enabled:
        return None
    from adapters.slack.app import build_slack_app
    from adapters.slack.deps import DEFAULT_PROMPTS, SlackDeps

    advisor_channel = settings.slack_advisor_channel
    deps = SlackDeps(
        assistant=services.assistant,
        events=services.events,
        conversations=services.conversations,
        suggested_prompts=tuple(settings.suggested_prompts) or DEFAULT_PROMPTS,
        ignored_channels=frozenset({advisor_channel} if advisor_channel else ()),
        streaming=settings.slack_streaming,
        stream_buffer_chars=settings.slack_stream_buffer,
        metrics=services.metrics,
        review=services.review,
        escalations=services.escalations,
        memory=services.memory,
        installations=services.installations,
        advisor_channel=advisor_channel,
        dm_session_s=settings.slack_dm_session_min * 60,
        inbox=services.inbox,
    )
    signing_secret = settings.slack_signing_secret.get_secret_value()
    app = build_slack_app(
        deps,
        token=settings.slack_bot_token.get_secret_value(),
        signing_secret=signing_secret,
        base_url=settings.slack_api_base_url,
    )
    token = settings.slack_app_token
    return SlackSurface(
        app, deps, signing_secret=signing_secret, app_token=token.get_secret_value() if token else None
    )
