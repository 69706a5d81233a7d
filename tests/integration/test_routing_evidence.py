"""Routing that needs evidence, through the real paths: the web chat (/ws/chat) and the labelled set
tests/fixtures/routing_evidence.json through the Assistant (signed Slack events: slack/test_routing.py).

The data specialists take a question only with a subject (the person's own book, a named security, the
market now) and an ask; a company named for its business goes to the knowledge base; a security the
person does not hold gets its own quote (or "I have no quote for X") and the firm's no-recommendation
line, never other securities' quotes; the disclaimer only closes answers that contain a recommendation.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.server import RunningServer, start_server
from core.compose.disclaimer import DEFAULT_NO_RECOMMENDATION
from core.market.csv_loader import DailyClose
from core.store.models import TurnMetricRow
from core.types import Conversation, IncomingMessage, Person
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask

LABELLED = json.loads((Path(__file__).parents[1] / "fixtures" / "routing_evidence.json").read_text())
DEMO_SYMBOLS = ("VTI", "AAPL", "MSFT", "XOM", "JNJ", "VXUS", "BND", "GLD", "SPY")  # examples/portfolio
DISCLAIMER = "not personalised investment advice"
DATA = {"portfolio", "market", "risk"}


@pytest.fixture
async def running(make_settings: SettingsFactory) -> AsyncIterator[RunningServer]:
    """The embedded default (demo portfolio for web-chat guests) plus a price history for TSLA."""
    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    services = server.container.specialists
    assert services is not None
    days = [date(2026, 11, 16) + timedelta(days=i) for i in range(5)]
    closes = [240.0, 244.5, 241.0, 250.25, 251.5]
    await services.market.load_closes(  # type: ignore[attr-defined]
        [DailyClose("TSLA", d, c) for d, c in zip(days, closes, strict=True)]
    )
    yield server
    await server.stop()


async def _chat(server: RunningServer, *questions: str, user: str = "guest") -> list[dict[str, Any]]:
    replies = []
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{server.url}/ws/chat") as ws:
        for question in questions:
            replies.append((await ask(ws, question)).reply)
    return replies


async def _metric_route(server: RunningServer, turn_id: str | None) -> str:
    await server.container.assistant.drain()
    async with server.container.db.session() as session:
        row = await session.get(TurnMetricRow, turn_id)
    assert row is not None
    return row.route


def _symbols_in(text: str, symbols: tuple[str, ...]) -> list[str]:
    return [s for s in symbols if re.search(rf"\b{s}\b", text)]


def _everything(reply: dict[str, Any]) -> str:
    return reply["text"] + " " + json.dumps(reply["figures"])


async def test_should_i_buy_tesla_quotes_tsla_and_no_other_symbol(running: RunningServer) -> None:
    (reply,) = await _chat(running, "Should I buy Tesla?")
    assert reply["route"] == ["market"]
    assert "TSLA is at $251.50" in reply["text"]
    assert _symbols_in(_everything(reply), DEMO_SYMBOLS) == [], "no holdings, no benchmark"
    assert [row[0] for f in reply["figures"] for row in f["rows"]] == ["TSLA"]
    assert DEFAULT_NO_RECOMMENDATION in reply["text"] and DISCLAIMER not in reply["text"]
    assert await _metric_route(running, reply["turn_id"]) == "market"


async def test_an_unquoted_crypto_asset_is_said_plainly_and_its_exchange_is_no_subject(running: RunningServer) -> None:
    (reply,) = await _chat(running, "Can I move my bitcoin from Coinbase to you?")
    assert "market" in reply["route"] and "portfolio" not in reply["route"]
    assert "I have no quote for BTC" in reply["text"]
    assert _symbols_in(_everything(reply), (*DEMO_SYMBOLS, "COIN")) == []
    assert DEFAULT_NO_RECOMMENDATION in reply["text"]


@pytest.mark.parametrize(
    "question",
    [
        "What was Home Depot's market share?",
        "What gain did the company book on selling its unit?",
        "What was Best Buy's revenue growth in its domestic segment?",
        "I think the market is going crazy lately.",
    ],
)
async def test_company_questions_and_remarks_reach_the_knowledge_specialist(
    running: RunningServer, question: str
) -> None:
    (reply,) = await _chat(running, question)
    assert reply["route"] == ["knowledge"]
    assert await _metric_route(running, reply["turn_id"]) == "knowledge"
    assert reply["figures"] == [] and _symbols_in(reply["text"], (*DEMO_SYMBOLS, "HD", "BBY")) == []
    assert DISCLAIMER not in reply["text"] and DEFAULT_NO_RECOMMENDATION not in reply["text"]


async def test_the_persons_own_data_still_reaches_the_specialists(running: RunningServer) -> None:
    worth, price, risk = await _chat(
        running, "What's my portfolio worth?", "Where did Apple close yesterday?", "How volatile is Tesla stock?"
    )
    assert worth["route"] == ["portfolio"] and "The demo portfolio (sample data) is worth" in worth["text"]
    assert price["route"] == ["market"] and "AAPL is at" in price["text"]
    assert risk["route"] == ["risk"] and risk["figures"][0]["rows"][0][0] == "TSLA"


async def test_the_labelled_set_no_company_question_reaches_a_data_specialist(running: RunningServer) -> None:
    """Every question of the set as a fresh web-chat guest (the demo portfolio is theirs)."""
    misrouted, disclaimed, wrong_data = [], [], []
    for n, item in enumerate(LABELLED):
        message = IncomingMessage(
            event_id=f"set-{n}",
            person=Person(id=f"web:local:set-{n}"),
            conversation=Conversation(platform="web", tenant="local", channel_id=f"set-{n}", is_direct=True),
            text=item["text"],
        )
        reply = await running.container.assistant.respond(message)
        if item["kind"] in ("company", "knowledge") and DATA & set(reply.route):
            misrouted.append(f"{item['text']!r} -> {reply.route}")
        if item["recommendation"] is False and DISCLAIMER in reply.text:
            disclaimed.append(item["text"])
        if item["kind"] in ("person", "unheld") and sorted(reply.route) != sorted(item["route"]):
            wrong_data.append(f"{item['text']!r} -> {reply.route} (expected {item['route']})")
    assert misrouted == [], "\n".join(misrouted)
    assert disclaimed == [], "\n".join(disclaimed)
    assert len(wrong_data) <= 0.1 * sum(item["kind"] in ("person", "unheld") for item in LABELLED), wrong_data
