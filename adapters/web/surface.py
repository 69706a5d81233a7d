"""The web surface (adapters.base.Surface): the chat page and `/ws/chat`, and the advisor desk `/advisor`
(with escalations on). On by FINBOT_WEB, or by default when neither Slack nor Teams is configured."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from adapters.base import SurfaceServices
from adapters.web import advisor, routes
from adapters.web.advisor import WebAdvisorDesk, WebPersonChannel
from adapters.web.hub import WebChatHub
from core.escalation import AdvisorDesk, PersonChannel
from core.store import InboxItem

__all__ = ["WebSurface", "build"]


class WebSurface:
    name = "web"

    def __init__(self, services: SurfaceServices, *, advisor_token: str | None = None) -> None:
        self._services = services
        self._advisor_token = advisor_token
        self.chat_hub = WebChatHub()
        """Open chat sockets by conversation (relays reach the person's open chat)."""
        self.desk_hub = WebChatHub()
        """Open advisor pages."""
        self._desk = WebAdvisorDesk(self.desk_hub) if services.escalations is not None else None
        self._people = WebPersonChannel(self.chat_hub)

    @property
    def desk(self) -> AdvisorDesk | None:
        return self._desk

    @property
    def person_channel(self) -> PersonChannel | None:
        return self._people

    def mount(self, app: web.Application) -> None:
        services = self._services
        routes.register(app, services.assistant, self.chat_hub, services.conversations, services.inbox)
        if services.escalations is not None:
            advisor.register(app, services.escalations, desk_hub=self.desk_hub, token=self._advisor_token)

    async def recover(self, item: InboxItem) -> bool:
        """The inbox sweep: the stored message answered into the conversation's open sockets and history."""
        services = self._services
        return await routes.recover(
            item, assistant=services.assistant, conversations=services.conversations, hub=self.chat_hub
        )

    async def start(self) -> None:
        """Nothing to connect: the page calls us."""

    async def stop(self) -> None:
        """Open sockets close with the server."""


def build(services: SurfaceServices, settings: Any) -> WebSurface | None:
    if not settings.web_enabled:
        return None
    token = settings.advisor_token
    return WebSurface(services, advisor_token=token.get_secret_value() if token else None)
