"""LLM mode: the real ChatOpenAI, pointed by OPENAI_BASE_URL at a fake OpenAI-compatible server."""

from __future__ import annotations

import aiohttp

from bot.server import start_server
from tests.conftest import SettingsFactory
from tests.fakes import FakeOpenAI
from tests.integration.ws_client import ask


async def test_llm_answer_is_grounded_in_retrieved_context(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    fake_openai.queue_replies("Outgoing domestic wires cost $25 and go out the same business day [1].")
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
            turn = await ask(ws, "How much does an outgoing domestic wire cost?")
    finally:
        await server.stop()

    request = fake_openai.last_chat()
    assert request.stream, "the composer streams from the model"
    assert "$25" in request.prompt_text and "Money Transfers" in request.prompt_text
    assert request.last_user_text == "How much does an outgoing domestic wire cost?"
    assert len(turn.deltas) > 1
    reply = turn.reply
    assert reply["strategy"] == "llm"
    assert reply["text"] == "Outgoing domestic wires cost $25 and go out the same business day [1]."
    assert len(reply["citations"]) == 1 and "Money Transfers" in reply["citations"][0]["title"]


async def test_without_relevant_context_the_model_is_not_asked(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
            turn = await ask(ws, "Who won the 1998 football World Cup?")
    finally:
        await server.stop()
    assert fake_openai.chat_requests() == []
    assert "couldn't find" in turn.reply["text"] and turn.reply["strategy"] == "refusal"
