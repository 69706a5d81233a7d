"""The walking skeleton end to end: a real server, a real WebSocket, the embedded default."""

from __future__ import annotations

import aiohttp

from bot.server import RunningServer
from tests.integration.ws_client import ask


async def test_home_page_and_health(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url + "/") as page:
            assert page.status == 200
            assert "/ws/chat" in await page.text()
        async with http.get(server.url + "/healthz") as health:
            assert (await health.json()) == {"status": "ok", "llm": False, "ready": True}


async def test_question_streams_and_cites_its_document(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "How much does it cost to send an outgoing domestic wire?")
    assert len(turn.deltas) > 1, "the answer should stream in several pieces"
    reply = turn.reply
    assert reply["strategy"] == "extractive"
    assert "$25" in reply["text"]
    assert any("Money Transfers" in c["title"] for c in reply["citations"])
    assert reply["confidence"] >= 70
    assert "money-transfers.md" in turn.final["html"]


async def test_unrelated_question_gets_an_honest_refusal(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "What is the capital of Mongolia?")
    reply = turn.reply
    assert "couldn't find" in reply["text"] and reply["strategy"] == "refusal"
    assert "advisor" in reply["text"]
    assert reply["citations"] == []


async def test_malformed_frame_is_answered_with_an_error_and_the_socket_stays_open(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        await ws.send_str("{not json")
        error = await ws.receive_json()
        assert error["type"] == "error"
        turn = await ask(ws, "hello")
    assert turn.reply["strategy"] == "template"


async def test_feedback_is_stored_on_the_turn(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "What are the trading hours?")
        turn_id = turn.reply["turn_id"]
        await server.container.assistant.drain()
        await ws.send_json({"type": "feedback", "turn_id": turn_id, "value": -1, "note": "too vague"})
        ack = await ws.receive_json()
    assert ack == {"type": "feedback", "stored": True, "turn_id": turn_id}
    from core.store.models import TurnMetricRow

    async with server.container.db.session() as session:
        row = await session.get(TurnMetricRow, turn_id)
    assert row is not None and row.feedback == -1 and row.feedback_note == "too vague"
