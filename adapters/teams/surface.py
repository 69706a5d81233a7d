"""The Teams surface (adapters.base.Surface): the Microsoft 365 Agents SDK on `POST /api/messages`, the advisor desk on
TEAMS_ADVISOR_CHANNEL, proactive relays into people's chats, and the admin `metrics` command.

On with MicrosoftAppId; FINBOT_TEAMS=true runs it anonymously (Emulator-style local testing). Light to import:
the SDK loads only when `build` finds Teams on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.base import SurfaceServices
from core.escalation import AdvisorDesk, PersonChannel
from core.store import InboxItem

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.teams.app import TeamsApp

__all__ = ["TeamsSurface", "build"]


class TeamsSurface:
    name = "teams"

    def __init__(self, app: TeamsApp, *, desk: AdvisorDesk | None, person_channel: PersonChannel) -> None:
        self.app = app
        self._desk = desk
        self._people = person_channel

    @property
    def desk(self) -> AdvisorDesk | None:
        return self._desk

    @property
    def person_channel(self) -> PersonChannel | None:
        return self._people

    def mount(self, app: web.Application) -> None:
        from adapters.teams.routes import register

        register(app, self.app)

    async def start(self) -> None:
        """Nothing to connect: Teams calls us."""

    async def stop(self) -> None:
        await self.app.drain()

    async def recover(self, item: InboxItem) -> bool:
        """The inbox sweep (adapters.base.Recovers): the stored activity answered again, once."""
        return await self.app.recover(item)


def build(services: SurfaceServices, settings: Any, *, token_provider_factory: Any = None) -> TeamsSurface | None:
    """`token_provider_factory`: the seam for outgoing Bot Framework tokens (tests); default MSAL with the app id."""
    if not settings.teams_enabled:
        return None
    from adapters.teams import escalation, metrics_command, review_command
    from adapters.teams.app import TeamsApp
    from adapters.teams.config import TeamsConfig

    config = TeamsConfig(
        app_id=settings.microsoft_app_id,
        app_password=settings.microsoft_app_password.get_secret_value() if settings.microsoft_app_password else "",
        app_tenant_id=settings.microsoft_app_tenant_id,
        app_type=settings.microsoft_app_type,
        stream_interval_s=settings.teams_stream_interval_s,
        openid_metadata_url=settings.teams_openid_metadata_url,
        token_issuer=settings.teams_token_issuer,
    )
    app = TeamsApp(
        config,
        assistant=services.assistant,
        conversations=services.conversations,
        events=services.events,
        inbox=services.inbox,
        token_provider_factory=token_provider_factory,
    )
    if services.metrics is not None:  # `metrics [period]` for FINBOT_ADMINS
        app.commands.register(metrics_command.COMMAND, metrics_command.metrics_handler(services.metrics))
    if services.review is not None:  # `review` for FINBOT_REVIEWERS: the supervision queue (core.audit.review)
        app.commands.register(review_command.COMMAND, review_command.review_handler(services.review))
        app.actions.register(review_command.VERB, review_command.review_action_handler(services.review))
    desk = None
    if services.escalations is not None and settings.teams_advisor_channel:
        desk = escalation.TeamsAdvisorDesk(app, services.escalations, settings.teams_advisor_channel)
        escalation.register(app, services.escalations)
    return TeamsSurface(app, desk=desk, person_channel=escalation.TeamsPersonChannel(app))
