"""Portfolio, market and risk answers through the real web chat, on a running server.

Alice's and Bob's books are tiny and use their own symbols, so every expected figure is computed by
hand; a guest of the web chat sees the demo portfolio; nobody ever sees another person's holdings.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import aiohttp
import pytest

from bot.server import RunningServer, start_server
from core.market.csv_loader import DailyClose
from core.portfolio import Holding
from core.store.models import TurnMetricRow
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask, signed_in

TOKEN = "market-secret-1"
DAYS = [date(2026, 11, 16) + timedelta(days=i) for i in range(5)]
CLOSES = {
    "TSTA": [100.0, 101.0, 99.0, 102.0, 104.0],
    "TSTB": [50.0, 50.5, 50.0, 49.0, 50.0],
    "TSTC": [10.0, 11.0, 12.0, 13.0, 14.0],
}


@pytest.fixture
async def running(make_settings: SettingsFactory):  # type: ignore[no-untyped-def]
    server = await start_server(make_settings(FINBOT_MARKET_TOKEN=TOKEN), host="127.0.0.1", port=0)
    services = server.container.specialists
    assert services is not None
    await services.market.load_closes(  # type: ignore[attr-defined]
        [DailyClose(s, d, c) for s, closes in CLOSES.items() for d, c in zip(DAYS, closes, strict=True)]
    )
    await services.holdings.replace(
        "web:local:alice",
        [Holding("TSTA", 10, 900.00, "Brokerage", "Test A", "Equity", "Tech"),
         Holding("TSTB", 40, 2100.00, "IRA", "Test B", "Bonds", "Fixed Income")],
        targets={"Equity": 0.5, "Bonds": 0.5},
    )
    await services.holdings.replace("web:local:bob", [Holding("TSTC", 7, 70.00, "IRA", "Test C", "Equity", "Tech")])
    yield server
    await server.stop()


async def _chat(server: RunningServer, user: str, *questions: str) -> list[dict[str, Any]]:
    replies = []
    async with signed_in(server, user, f"s-{user}") as http, http.ws_connect(f"{server.url}/ws/chat") as ws:
        for question in questions:
            replies.append((await ask(ws, question)).reply)
    return replies


def _everything(reply: dict[str, Any]) -> str:
    return reply["text"] + " " + " ".join(str(f) for f in reply["figures"])


async def test_how_is_my_portfolio_doing_then_a_follow_up_on_risk(running: RunningServer) -> None:
    reply, follow_up = await _chat(running, "alice", "How is my portfolio doing?", "and what about risk?")
    assert reply["route"] == ["portfolio"]
    assert reply["strategy"] == "extractive" and reply["confidence"] >= 70
    # 10 x 104 + 40 x 50 = 1,040 + 2,000 = 3,040 against a cost of 3,000; day: 10 x 2 + 40 x 1 = +60
    assert "Your portfolio is worth $3,040.00" in reply["text"]
    assert "unrealised gain of +$40.00 (+1.33%) on a cost of $3,000.00" in reply["text"]
    assert "moved +$60.00 (+2.01%)" in reply["text"]  # 60 / 2,980
    assert "The largest position is TSTB at 65.79%" in reply["text"]  # 2,000 / 3,040
    holdings = next(f for f in reply["figures"] if f["name"] == "Holdings")
    assert holdings["rows"] == [
        ["IRA", "TSTB", "40", "$50.00", "$2,000.00", "65.79%", "-$100.00"],
        ["Brokerage", "TSTA", "10", "$104.00", "$1,040.00", "34.21%", "+$140.00"],
    ]
    classes = next(f for f in reply["figures"] if f["name"] == "Allocation by asset class")
    assert classes["rows"] == [
        ["Bonds", "$2,000.00", "65.79%", "50.00%", "+15.79%"],
        ["Equity", "$1,040.00", "34.21%", "50.00%", "-15.79%"],
    ]
    assert "TSTC" not in _everything(reply) and "VTI" not in _everything(reply)

    # The follow-up keeps the thread's subject (alice's own portfolio), pinned by the checkpointer.
    assert follow_up["route"] == ["risk"]
    risk = follow_up["figures"][0]
    assert risk["name"].startswith("Risk") and risk["rows"][0][0] == "Your portfolio"
    # values 3,000, 3,030, 2,990, 2,980, 3,040: worst fall 3,030 -> 2,980 = -1.65%
    assert "maximum drawdown of -1.65%" in follow_up["text"]
    await running.container.assistant.drain()
    async with running.container.db.session() as session:
        rows = (await session.execute(TurnMetricRow.__table__.select())).all()
    assert sorted(r.route for r in rows) == ["portfolio", "risk"]


async def test_nobody_sees_another_persons_holdings(running: RunningServer) -> None:
    (bob,) = await _chat(running, "bob", "What is in my portfolio?")
    assert "TSTC" in _everything(bob) and "$98.00" in bob["text"]  # 7 x 14
    assert "TSTA" not in _everything(bob) and "TSTB" not in _everything(bob)
    (guest,) = await _chat(running, "guest", "How is my portfolio doing?")
    assert guest["text"].startswith("The demo portfolio (sample data) is worth")
    assert "VTI" in _everything(guest)
    assert not any(s in _everything(guest) for s in ("TSTA", "TSTB", "TSTC"))


async def test_outside_the_demo_pattern_a_person_without_holdings_is_told_so(running: RunningServer) -> None:
    from core.types import Conversation, IncomingMessage, Person

    message = IncomingMessage(
        event_id="e-slack-1",
        person=Person(id="slack:T1:U1"),
        conversation=Conversation(platform="slack", tenant="T1", channel_id="D1", is_direct=True),
        text="How is my portfolio doing?",
    )
    reply = await running.container.assistant.respond(message)
    assert "I don't have any holdings on file for you" in reply.text
    assert reply.figures == [] and "VTI" not in reply.text


async def test_rebalancing_is_illustrated_never_ordered_and_carries_the_disclaimer(running: RunningServer) -> None:
    (reply,) = await _chat(running, "alice", "Should I rebalance my portfolio?")
    trades = next(f for f in reply["figures"] if f["name"].startswith("Illustrative rebalancing trades"))
    # target 50/50 of 3,040: Equity +480 (TSTA at $104 = 4.6154 shares), Bonds -480 (TSTB at $50 = 9.6 shares)
    assert trades["rows"] == [
        ["Sell", "TSTB", "Bonds", "$480.00", "9.6"],
        ["Buy", "TSTA", "Equity", "$480.00", "4.6154"],
    ]
    assert "Illustration only, not an order" in reply["text"]
    assert "not personalised investment advice" in reply["text"]
    assert "talk to your advisor" in reply["text"]
    assert reply["escalation"] is None and reply["confidence"] >= 70


async def test_market_ticks_need_the_token_and_the_next_answer_uses_the_new_price(running: RunningServer) -> None:
    url = running.url + "/market/ticks"
    tick = {"symbol": "TSTA", "price": 110.25}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=tick) as response:
            assert response.status == 401
        async with http.post(url, json=tick, headers={"Authorization": "Bearer wrong"}) as response:
            assert response.status == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with http.post(url, data=b"{nope", headers=auth) as response:
            assert response.status == 400
        async with http.post(url, json={"symbol": "TSTA", "price": "high"}, headers=auth) as response:
            assert response.status == 400 and "price" in (await response.json())["error"]
        async with http.post(url, json={"ticks": [tick]}, headers=auth) as response:
            assert response.status == 200 and await response.json() == {"applied": 1, "received": 1}
    reply, missing = await _chat(running, "alice", "What is the price of TSTA?", "What is the price of ZZZZ?")
    assert reply["route"] == ["market"]
    assert "TSTA is at $110.25 as of" in reply["text"]
    quotes = next(f for f in reply["figures"] if f["name"] == "Market quotes")
    row = next(r for r in quotes["rows"] if r[0] == "TSTA")
    assert row[1] == "$110.25" and row[3] == "live"
    # a symbol with no data at all: said, never guessed
    assert "I have no quote for ZZZZ" in missing["text"]
    assert all(r[0] != "ZZZZ" for f in missing["figures"] for r in f["rows"])




async def test_without_a_token_the_tick_route_is_not_mounted(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.post(server.url + "/market/ticks", json={}) as response:
        assert response.status in (404, 405)
