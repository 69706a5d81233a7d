"""Open web-chat sockets by conversation, so finbot can post into a chat later (advisor relays)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aiohttp import web

__all__ = ["WebChatHub"]


class WebChatHub:
    def __init__(self) -> None:
        self._sockets: dict[str, set[web.WebSocketResponse]] = defaultdict(set)

    def add(self, conversation_key: str, socket: web.WebSocketResponse) -> None:
        self._sockets[conversation_key].add(socket)

    def remove(self, conversation_key: str, socket: web.WebSocketResponse) -> None:
        self._sockets[conversation_key].discard(socket)
        if not self._sockets[conversation_key]:
            del self._sockets[conversation_key]

    async def send(self, conversation_key: str, frame: dict[str, Any]) -> int:
        """Send a frame to every open socket of the conversation; returns how many got it."""
        sent = 0
        for socket in list(self._sockets.get(conversation_key, ())):
            if not socket.closed:
                await socket.send_json(frame)
                sent += 1
        return sent
