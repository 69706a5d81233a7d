"""Teams, over real HTTP into /api/messages: `metrics` from an admin -> an Adaptive Card with the figures and
the chart at the fake connector; others get a refusal; feedback (Action.Submit and Action.Execute) -> stored
on the right turn."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import numpy as np
import pytest

from bot.server import RunningServer, start_server
from core.metrics.summary import fmt_ms
from core.store import MetricsStore
from core.store.models import TurnMetricRow, utcnow
from tests.conftest import SettingsFactory
from tests.fakes import FakeBotConnector
from tests.fakes.bf_activities import TENANT_ID, invoke_activity, message_activity
from tests.integration.test_metrics_dashboard import seeded_turns

ADMIN_AAD = "aad-admin"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class Harness:
    server: RunningServer
    connector: FakeBotConnector
    http: aiohttp.ClientSession

    async def post(self, activity: dict[str, Any]) -> tuple[int, Any]:
        """Post an activity and wait until finbot has finished with it."""
        async with self.http.post(self.server.url + "/api/messages", json=activity) as response:
            status, text = response.status, await response.text()
        await self.server.container.teams_app.drain()
        return status, json.loads(text) if text else None

    async def turn_row(self, turn_id: str) -> TurnMetricRow | None:
        async with self.server.container.db.session() as session:
            return await session.get(TurnMetricRow, turn_id)


@pytest.fixture
async def teams(make_settings: SettingsFactory) -> AsyncIterator[Harness]:
    async with FakeBotConnector() as connector:
        settings = make_settings(
            FINBOT_ADMINS=f"slack:T1:U-ADMIN,teams:{TENANT_ID}:{ADMIN_AAD}",
            FINBOT_TEAMS=True,
            FINBOT_TEAMS_STREAM_INTERVAL=0,
        )
        server = await start_server(settings, host="127.0.0.1", port=0)
        try:
            async with aiohttp.ClientSession() as http:
                yield Harness(server, connector, http)
        finally:
            await server.stop()


def _facts(card: dict[str, Any]) -> dict[str, str]:
    return {f["title"]: f["value"] for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]}


async def test_admin_gets_a_card_with_the_figures_and_the_chart(teams: Harness) -> None:
    turns = seeded_turns(50, seed=9, now=utcnow())
    store = MetricsStore(teams.server.container.db)
    for turn in turns:
        await store.record(turn)

    status, _ = await teams.post(
        message_activity("metrics 24h", service_url=teams.connector.url, aad_object_id=ADMIN_AAD)
    )
    assert status == 202
    cards = teams.connector.cards()
    assert len(cards) == 1
    facts = _facts(cards[0])
    p50, p95, p99 = np.percentile([t.latency_ms for t in turns[:50]], [50, 95, 99])
    assert facts["Turns"] == "50"
    assert facts["Latency p50 / p95 / p99"] == f"{fmt_ms(p50)} / {fmt_ms(p95)} / {fmt_ms(p99)}"
    assert "Escalation rate" in facts and "Cost total" in facts
    image = next(b for b in cards[0]["body"] if b["type"] == "Image")
    assert base64.b64decode(image["url"].removeprefix("data:image/png;base64,")).startswith(PNG_MAGIC)
    assert len(json.dumps(teams.connector.activities()[-1]).encode()) < 100_000


async def test_non_admin_gets_a_refusal_and_no_figures(teams: Harness) -> None:
    await teams.post(message_activity("metrics", service_url=teams.connector.url, aad_object_id="aad-someone"))
    assert teams.connector.cards() == []
    texts = teams.connector.texts()
    assert len(texts) == 1 and "only for finbot's administrators" in texts[0]


async def _answered_turn(teams: Harness, question: str, conversation_id: str) -> str:
    """A group-chat answer (1:1 answers use Teams' own feedback loop, not card buttons)."""
    await teams.post(message_activity(question, service_url=teams.connector.url, conversation_id=conversation_id,
                                      conversation_type="groupChat", mention_bot=True))
    for card in reversed(teams.connector.cards()):
        for action in card.get("actions") or []:
            if action.get("data", {}).get("verb") == "feedback":
                return str(action["data"]["turn_id"])
    raise AssertionError("no feedback buttons on the answer")


async def test_feedback_submit_and_execute_land_on_the_right_turns(teams: Harness) -> None:
    first = await _answered_turn(teams, "What are the trading hours?", "a:conv-1")
    second = await _answered_turn(teams, "How much does it cost to send an outgoing domestic wire?", "a:conv-2")
    await teams.server.container.assistant.drain()
    assert first != second

    submit = {"verb": "feedback", "turn_id": second, "rating": -1}
    await teams.post(message_activity(None, service_url=teams.connector.url, conversation_id="a:conv-2",
                                      conversation_type="groupChat", value=submit))
    execute = {"action": {"type": "Action.Execute", "verb": "feedback", "data": {"turn_id": first, "rating": 1}}}
    status, body = await teams.post(
        invoke_activity(value=execute, service_url=teams.connector.url, conversation_id="a:conv-1",
                        conversation_type="groupChat")
    )
    assert status == 200 and body["statusCode"] == 200

    first_row, second_row = await teams.turn_row(first), await teams.turn_row(second)
    assert first_row is not None and first_row.feedback == 1
    assert second_row is not None and second_row.feedback == -1
