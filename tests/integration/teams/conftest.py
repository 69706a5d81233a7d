"""A running finbot with the Teams adapter, a fake Bot Connector, and a client that posts activities like Teams."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.server import RunningServer, start_server
from core.store.models import ConversationRow, MessageRow
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bot_connector import ADAPTIVE_CARD

STREAMINFO = "streaminfo"
QUESTION = "How much does it cost to send an outgoing domestic wire?"


@dataclass
class Posted:
    status: int
    body: Any


@dataclass
class TeamsHarness:
    server: RunningServer
    connector: FakeBotConnector
    http: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return self.server.url + "/api/messages"

    @property
    def teams(self) -> Any:
        return self.server.container.teams_app

    async def post_raw(self, data: bytes, headers: dict[str, str] | None = None) -> Posted:
        headers = {"Content-Type": "application/json", **(headers or {})}
        async with self.http.post(self.url, data=data, headers=headers) as response:
            text = await response.text()
        return Posted(response.status, json.loads(text) if text else None)

    async def post(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> Posted:
        return await self.post_raw(json.dumps(activity).encode(), headers)

    async def turn(self, activity: dict[str, Any]) -> Posted:
        """Post an activity and wait until finbot has finished answering it."""
        posted = await self.post(activity)
        await self.teams.drain()
        return posted

    async def stored_messages(self, role: str | None = None) -> list[MessageRow]:
        async with self.server.container.db.session() as session:
            query = select(MessageRow).order_by(MessageRow.id)
            if role is not None:
                query = query.where(MessageRow.role == role)
            return list((await session.scalars(query)).all())

    async def conversation_count(self) -> int:
        async with self.server.container.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(ConversationRow)) or 0)


def stream_info(activity: dict[str, Any]) -> dict[str, Any] | None:
    return next((e for e in activity.get("entities") or [] if e.get("type") == STREAMINFO), None)


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    return next(a["content"] for a in activity.get("attachments") or [] if a["contentType"] == ADAPTIVE_CARD)


def card_text(card: dict[str, Any]) -> str:
    def walk(items: list[dict[str, Any]]) -> list[str]:
        out: list[str] = []
        for item in items:
            out += [item.get("text", "")] + walk(item.get("items", []))
        return out

    return "\n".join(walk(card["body"]))


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


@pytest.fixture
async def teams(make_settings: SettingsFactory, connector: FakeBotConnector) -> AsyncIterator[TeamsHarness]:
    """finbot in anonymous mode (no MicrosoftAppId), streaming every delta so tests see the chunks."""
    settings = make_settings(FINBOT_TEAMS=True, FINBOT_TEAMS_STREAM_INTERVAL=0)
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            yield TeamsHarness(server, connector, http)
    finally:
        await server.stop()
