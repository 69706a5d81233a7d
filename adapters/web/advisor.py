"""The web advisor desk: `GET /advisor` lists open and claimed escalations with Claim / Reply / Close.

The embedded default, so the whole escalation loop works with no Slack or Teams. JSON endpoints under
`/advisor/api/...` call the core's EscalationService (never the database); `/advisor/ws` pushes live
updates (new escalations, claims, the client's new messages) to open advisor pages. The advisor's reply
reaches the client's web chat as a `relay` frame through the WebChatHub.
"""

from __future__ import annotations

import hmac
import logging
import re
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from markdown_it import MarkdownIt

from adapters.web.hub import WebChatHub
from adapters.web.inbound import WEB_TENANT
from core.escalation import Advisor, CardRef, Escalation, EscalationService, Outcome
from core.types import Conversation

__all__ = ["WebAdvisorDesk", "WebPersonChannel", "register"]

log = logging.getLogger(__name__)

DESK_KEY = "advisor"
"""The WebChatHub key that every open advisor page listens on."""
MAX_REPLY = 8000
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})
_NAME = re.compile(r"^[^\x00-\x1f<>]{1,80}$")
_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
SERVICE_KEY = web.AppKey("advisor_service", EscalationService)
DESK_HUB_KEY = web.AppKey("advisor_hub", WebChatHub)
TOKEN_KEY = web.AppKey("advisor_token", str)
LOOPBACK_ONLY_KEY = web.AppKey("advisor_loopback_only", bool)


class WebAdvisorDesk:
    """AdvisorDesk for the web advisor page: the card is the escalation's row; changes are pushed live."""

    platform = "web"
    channel = "advisor:desk"
    """Not a possible web-chat session id (':' is not allowed there)."""

    def __init__(self, hub: WebChatHub) -> None:
        self._hub = hub

    async def open_card(self, escalation: Escalation) -> CardRef:
        await self._push({"type": "escalation", "event": "opened", "escalation": escalation.to_json()})
        return CardRef(platform="web", channel=self.channel, message_id=escalation.id)

    async def update_card(self, escalation: Escalation) -> None:
        await self._push({"type": "escalation", "event": "updated", "escalation": escalation.to_json()})

    async def forward_person_message(self, escalation: Escalation, text: str) -> None:
        await self._push({"type": "person_message", "id": escalation.id, "text": text})

    async def remind(self, escalation: Escalation) -> None:
        await self._push({"type": "escalation", "event": "reminder", "escalation": escalation.to_json()})

    async def _push(self, frame: dict[str, Any]) -> None:
        await self._hub.send(DESK_KEY, frame)


class WebPersonChannel:
    """PersonChannel for web chat: the advisor's words appear in the client's open chat as a `relay` frame."""

    platform = "web"

    def __init__(self, hub: WebChatHub) -> None:
        self._hub = hub

    async def relay_to_person(self, conversation: Conversation, text: str, *, advisor_name: str | None) -> None:
        frame = {"type": "relay", "html": _MARKDOWN.render(text), "text": text, "from": advisor_name or "finbot"}
        delivered = await self._hub.send(conversation.key, frame)
        if not delivered:
            log.info("web client of %s is offline; the message waits in the history", conversation.key)


def register(
    app: web.Application, service: EscalationService, *, desk_hub: WebChatHub, token: str,
    loopback_only: bool = False,
) -> None:
    """Mount the advisor page and API (the web surface brings its desk and relay to the service's router).
    `token` is required on every API call and the socket; `loopback_only` (a generated token) also refuses
    any Host but a loopback one."""
    if not token:
        raise ValueError("the advisor desk needs a token (bot/data_keys.py generates one)")
    app[SERVICE_KEY] = service
    app[DESK_HUB_KEY] = desk_hub
    app[TOKEN_KEY] = token
    app[LOOPBACK_ONLY_KEY] = loopback_only
    app.router.add_get("/advisor", page)
    app.router.add_get("/advisor/ws", desk_socket)
    app.router.add_get("/advisor/api/escalations", list_escalations)
    app.router.add_get("/advisor/api/escalations/{id}", show_escalation)
    app.router.add_post("/advisor/api/escalations/{id}/claim", claim)
    app.router.add_post("/advisor/api/escalations/{id}/reply", reply)
    app.router.add_post("/advisor/api/escalations/{id}/close", close)


def _authorised(request: web.Request) -> bool:
    expected = request.app[TOKEN_KEY]
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or request.query.get("token", "")
    return hmac.compare_digest(given.encode(), expected.encode())


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


def _same_origin(request: web.Request) -> bool:
    """A page of another origin (another local port, a rebound DNS name) must not drive the desk: the Origin a
    browser sends must be this server's own Host, and with a generated token only a loopback Host is accepted."""
    host = request.headers.get("Host", "")
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != host:
        return False
    if request.app[LOOPBACK_ONLY_KEY]:
        return urlsplit(f"//{host}").hostname in _LOOPBACK_HOSTS or host.rsplit(":", 1)[0] in _LOOPBACK_HOSTS
    return True


def _guard(request: web.Request) -> None:
    if not _same_origin(request):
        raise web.HTTPForbidden(text='{"error": "cross-origin request refused"}', content_type="application/json")
    if not _authorised(request):
        raise web.HTTPUnauthorized(text='{"error": "advisor token required"}', content_type="application/json")


async def page(request: web.Request) -> web.Response:
    html = resources.files("adapters.web").joinpath("static/advisor.html").read_text(encoding="utf-8")
    # the page is opened with ?token=...: no link on it may carry that address elsewhere in a Referer
    return web.Response(text=html, content_type="text/html", headers={"Referrer-Policy": "no-referrer"})


async def desk_socket(request: web.Request) -> web.WebSocketResponse:
    _guard(request)
    hub = request.app[DESK_HUB_KEY]
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    hub.add(DESK_KEY, socket)
    try:
        async for _ in socket:  # the page only listens
            pass
    finally:
        hub.remove(DESK_KEY, socket)
    return socket


async def list_escalations(request: web.Request) -> web.Response:
    _guard(request)
    escalations = await request.app[SERVICE_KEY].active()
    return web.json_response({"escalations": [e.to_json() for e in escalations]})


async def show_escalation(request: web.Request) -> web.Response:
    _guard(request)
    service = request.app[SERVICE_KEY]
    escalation = await service.get(request.match_info["id"])
    if escalation is None:
        raise web.HTTPNotFound(text='{"error": "no such escalation"}', content_type="application/json")
    messages = await service.thread(escalation)
    return web.json_response(
        {
            "escalation": escalation.to_json(),
            "messages": [{"role": m.role, "text": m.text, "at": m.created_at.isoformat()} for m in messages],
        }
    )


async def _advisor(request: web.Request) -> tuple[Advisor, dict[str, Any]]:
    if request.content_type != "application/json":  # a form post from another page is not an advisor
        raise web.HTTPUnsupportedMediaType(
            text='{"error": "expected application/json"}', content_type="application/json"
        )
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "expected a JSON object"}', content_type="application/json")
    advisor_id, name = str(body.get("advisor_id", "")), str(body.get("advisor_name", "")).strip()
    if not _ID.match(advisor_id) or not _NAME.match(name):
        raise web.HTTPBadRequest(
            text='{"error": "advisor_id (letters, digits, ._@-) and advisor_name are required"}',
            content_type="application/json",
        )
    return Advisor(id=f"web:{WEB_TENANT}:{advisor_id}", name=name), body


def _answer(outcome: Outcome) -> web.Response:
    body = {
        "ok": outcome.ok,
        "message": outcome.message,
        "escalation": outcome.escalation.to_json() if outcome.escalation else None,
    }
    status = 200 if outcome.ok else (404 if outcome.escalation is None else 409)
    return web.json_response(body, status=status)


async def claim(request: web.Request) -> web.Response:
    _guard(request)
    advisor, _ = await _advisor(request)
    return _answer(await request.app[SERVICE_KEY].claim(request.match_info["id"], advisor))


async def reply(request: web.Request) -> web.Response:
    _guard(request)
    advisor, body = await _advisor(request)
    text = str(body.get("text", "")).strip()
    if not text:
        raise web.HTTPBadRequest(text='{"error": "text is required"}', content_type="application/json")
    return _answer(await request.app[SERVICE_KEY].answer(request.match_info["id"], advisor, text[:MAX_REPLY]))


async def close(request: web.Request) -> web.Response:
    _guard(request)
    advisor, _ = await _advisor(request)
    return _answer(await request.app[SERVICE_KEY].close(request.match_info["id"], advisor))
