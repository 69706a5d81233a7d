"""Conversations that never dead-end, over /ws/chat (real HTTP, the embedded default): advisors offered, not
forced; small talk; memory of the person only; held conversations that answer back; history after a reload."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.server import RunningServer, start_server
from core.store.models import EscalationRow
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask, browser, desk_auth, new_session, person_of

JANE = {"advisor_id": "jane", "advisor_name": "Jane Advisor"}


class Clock:
    """The time escalations see: starts now, moved forward by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def web(make_settings: SettingsFactory, clock: Clock) -> AsyncIterator[RunningServer]:
    server = await start_server(make_settings(), host="127.0.0.1", port=0, clock=clock)
    yield server
    await server.stop()


async def _escalations(server: RunningServer) -> int:
    async with server.container.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(EscalationRow)) or 0)


async def _frame(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            frame = await ws.receive_json()
            if frame.get("type") == kind:
                return frame


def _chat(server: RunningServer, http: aiohttp.ClientSession) -> Any:
    """The page's socket: who is chatting is the browser's identity cookie."""
    return http.ws_connect(f"{server.url}/ws/chat")


async def test_an_off_topic_question_offers_an_advisor_and_the_next_question_is_answered(web: RunningServer) -> None:
    async with browser() as http, _chat(web, http) as ws:
        off_topic = (await ask(ws, "What is the capital of Mongolia?")).reply
        answered = (await ask(ws, "How much does a domestic wire cost?")).reply
    assert off_topic["offer_advisor"] is True and off_topic["escalation"] is None
    assert "$25" in answered["text"] and answered["citations"] and answered["silent"] is False
    assert await _escalations(web) == 0


@pytest.mark.parametrize("chatter", ["hello hello", "cool!!", "testing123"])
async def test_small_talk_is_answered_as_small_talk(web: RunningServer, chatter: str) -> None:
    async with browser() as http, _chat(web, http) as ws:
        reply = (await ask(ws, chatter)).reply
    assert reply["strategy"] == "template" and reply["text"] and not reply["offer_advisor"]
    assert reply["escalation"] is None and await _escalations(web) == 0


async def test_the_alice_conversation_remembers_her_and_keeps_going(web: RunningServer) -> None:
    async with browser() as http, _chat(web, http) as ws:
        await ask(ws, "Hi! My name is Alice and I'm interested in mutual funds.")
        recommend = (await ask(ws, "Can you recommend something for long-term growth?")).reply
        name = (await ask(ws, "What was my name again?")).reply
        memory = web.container.memory
        assert memory is not None
        before = [f.text for f in await memory.store.facts(person_of(http))]
        await ask(ws, "My brother says bitcoin is the future.")
        after = [f.text for f in await memory.store.facts(person_of(http))]
    assert recommend["escalation"] is None and recommend["offer_advisor"] is True
    assert "Alice" in name["text"]
    assert before == after and not any("bitcoin" in fact for fact in after)


async def test_a_held_conversation_answers_back_and_cancel_gives_it_back(web: RunningServer) -> None:
    async with browser(headers=desk_auth(web)) as http, _chat(web, http) as ws:
        opened = (await ask(ws, "I want to talk to a person")).reply
        escalation_id = opened["escalation"]["id"]
        waiting = (await ask(ws, "hello?")).reply
        assert "an advisor will pick up your request" in waiting["text"] and not waiting["silent"]
        async with http.post(f"{web.url}/advisor/api/escalations/{escalation_id}/claim", json=JANE) as claimed:
            assert claimed.status == 200
        note = await _frame(ws, "relay")
        assert note["from"] == "finbot" and "Jane Advisor has picked up your request" in note["text"]
        held = (await ask(ws, "Are you still there?")).reply
        assert held["text"] == "Passed to Jane Advisor, who is handling this."
        released = (await ask(ws, "cancel")).reply
        assert "cancelled your request" in released["text"]
        again = (await ask(ws, "How much does a domestic wire cost?")).reply
    assert "$25" in again["text"] and again["citations"]
    async with web.container.db.session() as session:
        row = await session.get(EscalationRow, escalation_id)
    assert row is not None and row.status == "cancelled"


async def test_an_unclaimed_hand_over_expires_and_the_bot_answers_again(web: RunningServer, clock: Clock) -> None:
    async with browser() as http, _chat(web, http) as ws:
        opened = (await ask(ws, "human please")).reply
        clock.now += timedelta(hours=25)  # FINBOT_ESCALATION_EXPIRE_HOURS is 24
        answered = await ask(ws, "How much does a domestic wire cost?")
        note = next(f for f in answered.frames if f["type"] == "relay")
    assert "no advisor was able to pick up your request" in note["text"]
    assert "$25" in answered.reply["text"]
    async with web.container.db.session() as session:
        row = await session.get(EscalationRow, opened["escalation"]["id"])
    assert row is not None and row.status == "expired"


async def test_the_web_chat_shows_the_sessions_history_after_a_reload(web: RunningServer) -> None:
    async with browser() as http:
        async with _chat(web, http) as ws:
            await ask(ws, "How much does a domestic wire cost?")
        async with _chat(web, http) as ws:  # the page was reloaded: same cookie, same session
            history = await _frame(ws, "history")
        await new_session(http, web.url)
        async with _chat(web, http) as ws:
            fresh = await ask(ws, "hello")
    messages = history["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["text"] == "How much does a domestic wire cost?" and "$25" in messages[1]["html"]
    assert not any(f["type"] == "history" for f in fresh.frames)


async def test_history_is_data_not_markup(web: RunningServer) -> None:
    async with browser() as http:
        async with _chat(web, http) as ws:
            await ask(ws, "<script>alert(1)</script> what are the fees?")
        async with _chat(web, http) as ws:
            history = await _frame(ws, "history")
    assert "<script>" not in history["messages"][0]["html"] and "&lt;script&gt;" in history["messages"][0]["html"]
