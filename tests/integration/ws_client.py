"""A small web-chat client for tests: send a question, collect frames until the final one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp

__all__ = ["ChatTurn", "ask"]


@dataclass
class ChatTurn:
    frames: list[dict[str, Any]] = field(default_factory=list)

    @property
    def deltas(self) -> list[str]:
        return [f["text"] for f in self.frames if f["type"] == "delta"]

    @property
    def final(self) -> dict[str, Any]:
        return next(f for f in self.frames if f["type"] == "final")

    @property
    def reply(self) -> dict[str, Any]:
        return self.final["reply"]


async def ask(ws: aiohttp.ClientWebSocketResponse, text: str, timeout: float = 30.0) -> ChatTurn:
    await ws.send_json({"type": "message", "text": text})
    turn = ChatTurn()
    async with asyncio.timeout(timeout):
        while True:
            frame = await ws.receive_json()
            turn.frames.append(frame)
            if frame["type"] in ("final", "error"):
                return turn
