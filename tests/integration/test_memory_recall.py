"""Memory across sessions, through the real web chat: the name told in one conversation is answered in a
new one, offline (from the profile) and in LLM mode (the prompt the fake OpenAI server receives carries it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.server import RunningServer, start_server
from core.store.models import TurnMetricRow, UserFactRow, UserProfileRow
from tests.conftest import SettingsFactory
from tests.fakes import FakeOpenAI
from tests.fakes.openai_server import message_text
from tests.integration.ws_client import ask, signed_in

FIRST_SESSION = [
    "Hi, my name is Alice and I'm interested in mutual funds",
    "How much does an outgoing domestic wire cost?",
    "I'm retiring in 2031.",
    "What are the trading hours?",
]


async def _say(server: RunningServer, user: str, session: str, texts: list[str]) -> list[dict[str, Any]]:
    replies = []
    async with signed_in(server, user, session) as http, http.ws_connect(f"{server.url}/ws/chat") as ws:
        for text in texts:
            replies.append((await ask(ws, text)).reply)
    return replies


async def test_name_is_remembered_in_a_new_session_offline(server: RunningServer) -> None:
    await _say(server, "alice", "first", FIRST_SESSION)
    [reply] = await _say(server, "alice", "second", ["What was my name again?"])

    assert reply["text"] == "Your name is Alice."
    assert reply["citations"] == [] and reply["route"] == []  # from memory, not the knowledge base
    assert reply["confidence"] == 100 and not reply["low_confidence"]

    await server.container.assistant.drain()
    async with server.container.db.session() as session:
        profile = await session.get(UserProfileRow, "web:local:alice")
        facts = (await session.scalars(select(UserFactRow.text).where(UserFactRow.user_id == "web:local:alice"))).all()
        metric = await session.get(TurnMetricRow, reply["turn_id"])
    assert profile is not None and profile.name == "Alice" and profile.interaction_count == 5
    assert "mutual funds" in profile.topics
    assert set(facts) == {"is interested in mutual funds", "is retiring in 2031"}
    assert metric is not None and metric.memory_tiers.split(",") == ["profile", "facts"]  # a new conversation


async def test_someone_else_does_not_get_alices_name(server: RunningServer) -> None:
    await _say(server, "alice", "a1", FIRST_SESSION[:1])
    [reply] = await _say(server, "bob", "b1", ["What was my name again?"])
    assert "Alice" not in reply["text"]
    assert reply["text"] == "You haven't told me your name yet. What should I call you?"


async def test_greeting_uses_the_name_and_brief_style_shortens_offline_answers(server: RunningServer) -> None:
    question = "How much does an outgoing domestic wire cost?"
    [default] = await _say(server, "carol", "c0", [question])
    replies = await _say(server, "carol", "c1", ["Call me Caz. Please keep it short.", "hello", question])
    assert replies[1]["text"].startswith("Hello Caz!")
    brief = replies[2]
    assert brief["strategy"] == "extractive" and "$25" in brief["text"]
    assert brief["text"].count("[") < default["text"].count("[") or len(brief["text"]) < len(default["text"])


async def test_name_is_remembered_in_llm_mode_and_carried_in_the_prompt(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    def respond(body: dict[str, Any]) -> Any:
        if body.get("tools"):  # the fact extractor's structured output
            return {"facts": [{"text": "is interested in mutual funds", "importance": 0.7}]}
        system = message_text(body["messages"][0])
        users = [m for m in body["messages"] if m["role"] == "user"]
        if message_text(users[-1]) == "What was my name again?":
            return "Your name is Alice." if "Name: Alice" in system else "I don't know your name."
        return "Mutual funds pool many investors' money [1]."

    fake_openai.responder = respond
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        await _say(server, "alice", "first", FIRST_SESSION[:2])
        [reply] = await _say(server, "alice", "second", ["What was my name again?"])
    finally:
        await server.stop()

    extraction = [r for r in fake_openai.chat_requests() if r.tools]
    assert len(extraction) == 1, "only the message that states something about the person is sent for extraction"
    asked = [r for r in fake_openai.chat_requests() if r.last_user_text == "What was my name again?"]
    assert len(asked) == 1
    system = message_text(asked[0].messages[0])
    assert "Name: Alice" in system and "is interested in mutual funds" in system
    assert reply["strategy"] == "llm"
    assert reply["text"] == "Your name is Alice."
    assert not reply["low_confidence"]
