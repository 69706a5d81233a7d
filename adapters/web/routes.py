"""The local web chat: `GET /` serves the page, `/ws/chat` streams answers over a WebSocket.

Who is chatting is the signed identity cookie (adapters.web.identity), never the URL or a frame: `/ws/chat`
without a valid cookie starts a new person (and sets the cookie on the handshake); `POST /chat/session`
(JSON, same origin) makes sure the page has one, and with `{"new": true}` starts a new session of the same
person. A socket or POST from another origin is refused (403).

Frames from the page: {"type": "message", "text", "id"?}, {"type": "accept_offer"} (the offer's "Talk to an
advisor" button) and {"type": "feedback", "turn_id", "value", "note"?}.
Frames to the page: {"type": "history", "messages"} on connect (the session's visible history, so a reload
loses nothing), {"type": "accepted", "id"} (the message is in the durable inbox), {"type": "status"},
{"type": "delta", "text"}, {"type": "final", "reply", "html"}, {"type": "relay", ...} (an advisor or a note,
later), {"type": "error", "message"}.

A message is stored in the durable inbox before `accepted` (its optional client `id` makes a resent frame a
repeat); if the process dies mid-turn, the inbox sweep answers it into the conversation's open sockets
(`HubSink`) and its history.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any

from aiohttp import WSMsgType, web

from adapters.base import replay_turn, run_turn
from adapters.web.hub import WebChatHub
from adapters.web.identity import IdentityCookies, WebIdentity, same_origin
from adapters.web.inbound import clean_id, to_incoming
from adapters.web.render import history_frame, render_reply
from core.assistant import Assistant
from core.escalation import ACCEPT_OFFER
from core.store import ConversationStore, Inbox, InboxItem
from core.types import IncomingMessage, Reply

__all__ = ["HISTORY_LIMIT", "HubSink", "WebSink", "recover", "register"]

log = logging.getLogger(__name__)

HISTORY_LIMIT = 50
"""Messages of the session shown again after a reload."""
ASSISTANT_KEY = web.AppKey("web_assistant", Assistant)
HUB_KEY = web.AppKey("web_hub", WebChatHub)
CONVERSATIONS_KEY = web.AppKey("web_conversations", ConversationStore)
INBOX_KEY = web.AppKey("web_inbox", Inbox)
IDENTITY_KEY = web.AppKey("web_identity", IdentityCookies)


def register(
    app: web.Application,
    assistant: Assistant,
    hub: WebChatHub,
    conversations: ConversationStore,
    inbox: Inbox | None = None,
    *,
    identities: IdentityCookies,
) -> None:
    app[ASSISTANT_KEY] = assistant
    app[IDENTITY_KEY] = identities
    app[HUB_KEY] = hub
    app[CONVERSATIONS_KEY] = conversations
    if inbox is not None:
        app[INBOX_KEY] = inbox
    app.router.add_get("/", index)
    app.router.add_get("/ws/chat", chat_socket)
    app.router.add_post("/chat/session", chat_session)


async def index(request: web.Request) -> web.Response:
    page = resources.files("adapters.web").joinpath("static/index.html").read_text(encoding="utf-8")
    return web.Response(text=page, content_type="text/html")


class WebSink:
    """`run_turn`'s delivery into one open socket."""

    def __init__(self, socket: web.WebSocketResponse) -> None:
        self._socket = socket

    async def progress(self, status: str) -> None:
        await self._socket.send_json({"type": "status", "status": status})

    async def delta(self, text: str) -> None:
        await self._socket.send_json({"type": "delta", "text": text})

    async def final(self, reply: Reply) -> None:
        await self._socket.send_json(render_reply(reply))

    async def apologise(self, text: str) -> None:
        await self._socket.send_json({"type": "error", "message": text})


class HubSink:
    """A turn the inbox sweep runs again: its frames go to every socket the conversation has open now (none:
    the answer is in the history the page shows when it reconnects)."""

    def __init__(self, hub: WebChatHub, conversation_key: str) -> None:
        self._hub = hub
        self._key = conversation_key

    async def progress(self, status: str) -> None:
        await self._hub.send(self._key, {"type": "status", "status": status})

    async def delta(self, text: str) -> None:
        await self._hub.send(self._key, {"type": "delta", "text": text})

    async def final(self, reply: Reply) -> None:
        await self._hub.send(self._key, render_reply(reply))

    async def apologise(self, text: str) -> None:
        await self._hub.send(self._key, {"type": "error", "message": text})


async def recover(
    item: InboxItem, *, assistant: Assistant, conversations: ConversationStore, hub: WebChatHub
) -> bool:
    """Run a stored web message again (the inbox sweep); True when answered."""
    message = IncomingMessage.model_validate(item.payload["message"])
    sink = HubSink(hub, message.conversation.key)
    return await replay_turn(assistant, conversations, message, sink) is not None


def _refuse_cross_origin(request: web.Request) -> None:
    if not same_origin(request, request.app[IDENTITY_KEY].public_origin):
        raise web.HTTPForbidden(text='{"error": "cross-origin request refused"}', content_type="application/json")


async def chat_session(request: web.Request) -> web.Response:
    """Make sure the page has an identity cookie; `{"new": true}`: a new session of the cookie's person."""
    _refuse_cross_origin(request)
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text='{"error": "expected application/json"}',
                                           content_type="application/json")
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "expected a JSON object"}', content_type="application/json")
    cookies = request.app[IDENTITY_KEY]
    current = cookies.read(request)
    if body.get("new") is True or current is None:
        identity = cookies.fresh(current.person if current else None)
    else:
        identity = current
    response = web.json_response({"ok": True, "new_session": identity is not current})
    if identity is not current:
        cookies.issue(response, identity)
    return response


def _identity(request: web.Request, socket: web.WebSocketResponse) -> WebIdentity:
    """The cookie's identity; none (or a forged one): a new person, whose cookie the handshake sets.
    `?user=` / `?session=` in the URL are ignored: a client cannot choose its ids."""
    cookies = request.app[IDENTITY_KEY]
    identity = cookies.read(request)
    if identity is None:
        identity = cookies.fresh()
        cookies.issue(socket, identity)
    return identity


async def chat_socket(request: web.Request) -> web.WebSocketResponse:
    _refuse_cross_origin(request)
    assistant = request.app[ASSISTANT_KEY]
    hub = request.app[HUB_KEY]
    socket = web.WebSocketResponse(heartbeat=30)
    identity = _identity(request, socket)
    user_id, session_id = identity.person, identity.session
    await socket.prepare(request)
    conversation_key = to_incoming(user_id=user_id, session_id=session_id, text="").conversation.key
    history = await request.app[CONVERSATIONS_KEY].recent_messages(conversation_key, HISTORY_LIMIT)
    if history:  # the page was reloaded: show what was said so far
        await socket.send_json(history_frame(history))
    hub.add(conversation_key, socket)
    try:
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            await _handle_frame(frame.data, socket, assistant, user_id, session_id, request.app.get(INBOX_KEY))
    finally:
        hub.remove(conversation_key, socket)
    return socket


async def _handle_frame(
    data: str,
    socket: web.WebSocketResponse,
    assistant: Assistant,
    user_id: str,
    session_id: str,
    inbox: Inbox | None = None,
) -> None:
    try:
        payload: Any = json.loads(data)
        kind = payload["type"]
    except (ValueError, KeyError, TypeError):
        await socket.send_json({"type": "error", "message": "Malformed frame: expected JSON with a 'type'."})
        return
    if kind == "message" and isinstance(payload.get("text"), str) and payload["text"].strip():
        message = to_incoming(user_id=user_id, session_id=session_id, text=payload["text"])
        await _answer(_with_client_id(message, payload.get("id"), user_id), socket, assistant, inbox)
    elif kind == "accept_offer":
        message = to_incoming(user_id=user_id, session_id=session_id, text=ACCEPT_OFFER, kind="action")
        await _answer(message, socket, assistant, inbox)
    elif kind == "feedback" and isinstance(payload.get("turn_id"), str) and payload.get("value") in (1, -1):
        stored = await assistant.feedback(payload["turn_id"], payload["value"], payload.get("note"))
        await socket.send_json({"type": "feedback", "stored": stored, "turn_id": payload["turn_id"]})
    else:
        await socket.send_json({"type": "error", "message": f"Unsupported or incomplete frame {kind!r}."})


def _with_client_id(message: IncomingMessage, client_id: object, user_id: str) -> IncomingMessage:
    """A page that resends a frame (it lost the socket) sends the same `id`: one answer, not two."""
    if not isinstance(client_id, str) or not client_id:
        return message
    return message.model_copy(update={"event_id": f"web:{user_id}:{clean_id(client_id)}"})


async def _answer(
    message: IncomingMessage, socket: web.WebSocketResponse, assistant: Assistant, inbox: Inbox | None
) -> None:
    """Stored in the inbox (a repeat is dropped), acknowledged, answered, then marked done."""
    if inbox is not None:
        payload = {"message": message.model_dump(mode="json")}
        if not await inbox.accept(message.event_id, platform="web", payload=payload):
            return  # a resent frame: the first copy is (being) answered
        await socket.send_json({"type": "accepted", "id": message.event_id})
    reply = None
    try:
        reply = await run_turn(assistant, message, WebSink(socket))
    finally:
        if inbox is not None:
            if reply is not None:
                await inbox.done(message.event_id)
            else:
                inbox.release(message.event_id)
