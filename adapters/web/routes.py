"""The local web chat: `GET /` serves the page, `/ws/chat` streams answers over a WebSocket.

Frames from the page: {"type": "message", "text"} and {"type": "feedback", "turn_id", "value", "note"?}.
Frames to the page: {"type": "status"}, {"type": "delta", "text"}, {"type": "final", "reply", "html"},
{"type": "error", "message"}.
"""

from __future__ import annotations

import json
import logging
from importlib import resources

from aiohttp import WSMsgType, web

from adapters.web.hub import WebChatHub
from adapters.web.inbound import clean_id, to_incoming
from adapters.web.render import render_reply
from core.assistant import Assistant
from core.types import IncomingMessage, Progress, Reply, TextDelta

__all__ = ["register"]

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again, or ask for an advisor."
ASSISTANT_KEY = web.AppKey("web_assistant", Assistant)
HUB_KEY = web.AppKey("web_hub", WebChatHub)


def register(app: web.Application, assistant: Assistant, hub: WebChatHub | None = None) -> WebChatHub:
    hub = hub or WebChatHub()
    app[ASSISTANT_KEY] = assistant
    app[HUB_KEY] = hub
    app.router.add_get("/", index)
    app.router.add_get("/ws/chat", chat_socket)
    return hub


async def index(request: web.Request) -> web.Response:
    page = resources.files("adapters.web").joinpath("static/index.html").read_text(encoding="utf-8")
    return web.Response(text=page, content_type="text/html")


async def chat_socket(request: web.Request) -> web.WebSocketResponse:
    assistant = request.app[ASSISTANT_KEY]
    hub = request.app[HUB_KEY]
    user_id = clean_id(request.query.get("user"))
    session_id = clean_id(request.query.get("session"))
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    conversation_key = to_incoming(user_id=user_id, session_id=session_id, text="").conversation.key
    hub.add(conversation_key, socket)
    try:
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            await _handle_frame(frame.data, socket, assistant, user_id, session_id)
    finally:
        hub.remove(conversation_key, socket)
    return socket


async def _handle_frame(
    data: str, socket: web.WebSocketResponse, assistant: Assistant, user_id: str, session_id: str
) -> None:
    try:
        payload = json.loads(data)
        kind = payload["type"]
    except (ValueError, KeyError, TypeError):
        await socket.send_json({"type": "error", "message": "Malformed frame: expected JSON with a 'type'."})
        return
    if kind == "message" and isinstance(payload.get("text"), str) and payload["text"].strip():
        await _answer(socket, assistant, to_incoming(user_id=user_id, session_id=session_id, text=payload["text"]))
    elif kind == "feedback" and isinstance(payload.get("turn_id"), str) and payload.get("value") in (1, -1):
        stored = await assistant.feedback(payload["turn_id"], payload["value"], payload.get("note"))
        await socket.send_json({"type": "feedback", "stored": stored, "turn_id": payload["turn_id"]})
    else:
        await socket.send_json({"type": "error", "message": f"Unsupported or incomplete frame {kind!r}."})


async def _answer(socket: web.WebSocketResponse, assistant: Assistant, message: IncomingMessage) -> None:
    try:
        async for event in assistant.stream(message):
            if isinstance(event, TextDelta):
                await socket.send_json({"type": "delta", "text": event.text})
            elif isinstance(event, Progress):
                await socket.send_json({"type": "status", "status": event.status})
            elif isinstance(event, Reply):
                await socket.send_json(render_reply(event))
    except Exception:  # the edge: log with the turn's context, show the person a fixed message
        log.exception("web chat turn failed for %s", message.conversation.key)
        await socket.send_json({"type": "error", "message": SORRY})
