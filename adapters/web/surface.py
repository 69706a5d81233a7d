"""The web surface (adapters.base.Surface): the chat page and `/ws/chat`, and the advisor desk `/advisor`
(with escalations on). On by FINBOT_WEB, or by default when neither Slack nor Teams is configured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.base import SurfaceServices
from adapters.web import advisor, routes
from adapters.web.advisor import WebAdvisorDesk, WebPersonChannel
from adapters.web.hub import WebChatHub
from adapters.web.identity import IdentityCookies
from core.escalation import AdvisorDesk, PersonChannel
from core.store import InboxItem

__all__ = ["WebKeys", "WebSurface", "build"]


@dataclass(frozen=True, slots=True)
class WebKeys:
    """The web surface's secrets (the composition root, bot/data_keys.py, finds or makes them)."""

    identity_key: bytes
    """Signs the identity cookie (the person and session ids the server issued)."""
    advisor_token: str
    """The advisor desk's bearer token; never empty, so even loopback needs it."""
    advisor_token_generated: bool = False
    """Made on the first start (no FINBOT_ADVISOR_TOKEN): the desk also accepts only a loopback Host, and
    `finbot serve` prints the desk's URL with it."""
    public_origin: str | None = None
    """FINBOT_PUBLIC_URL's `scheme://host[:port]`: the identity cookie is Secure when it is https, and a page
    of that origin is accepted behind a proxy that rewrites Host."""


class WebSurface:
    name = "web"

    def __init__(self, services: SurfaceServices, *, keys: WebKeys) -> None:
        self._services = services
        self.keys = keys
        origin = keys.public_origin
        self._identities = IdentityCookies(
            keys.identity_key, secure=bool(origin and origin.startswith("https:")), public_origin=origin
        )
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
        routes.register(app, services.assistant, self.chat_hub, services.conversations, services.inbox,
                        identities=self._identities)
        if services.escalations is not None:
            advisor.register(app, services.escalations, desk_hub=self.desk_hub, token=self.keys.advisor_token,
                             loopback_only=self.keys.advisor_token_generated)

    def advisor_url(self, base_url: str) -> str | None:
        """Where an advisor opens the desk (with a generated token, the token is in the URL; a configured one
        is not printed); None when escalations are off."""
        if self._desk is None:
            return None
        token = self.keys.advisor_token if self.keys.advisor_token_generated else "<FINBOT_ADVISOR_TOKEN>"
        return f"{base_url}/advisor?token={token}"

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


def build(services: SurfaceServices, settings: Any, *, keys: WebKeys) -> WebSurface | None:
    """On with FINBOT_WEB (or the embedded default); `keys` come from the composition root."""
    if not settings.web_enabled:
        return None
    return WebSurface(services, keys=keys)
