"""Honest refusals on the real path: a question the documents cannot answer gets what finbot could not find,
the nearest sources and the offer of an advisor — not a confident answer — and the conversation goes on."""

from __future__ import annotations

import aiohttp

from bot.server import RunningServer
from tests.integration.ws_client import ask

NEAR_MISS = "Do you offer gold IRAs?"
OFF_TOPIC = "What is the capital of Mongolia?"
WIRE = "How much does it cost to send an outgoing domestic wire?"


async def test_web_chat_near_miss_is_refused_with_nearest_sources_then_answers(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        near = (await ask(ws, NEAR_MISS)).reply
        wire = (await ask(ws, WIRE)).reply
    assert near["strategy"] == "refusal" and near["escalation"] is None
    assert "couldn't find" in near["text"] and "nearest documents" in near["text"] and "advisor" in near["text"]
    assert near["citations"], "the nearest sources are shown"
    assert near["confidence"] < server.container.settings.confidence_threshold
    assert wire["strategy"] == "extractive" and "$25" in wire["text"] and wire["citations"]
    assert wire["confidence"] >= server.container.settings.confidence_threshold


async def test_web_chat_off_topic_question_is_refused_and_the_next_is_answered(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        off = (await ask(ws, OFF_TOPIC)).reply
        wire = (await ask(ws, WIRE)).reply
    assert off["strategy"] == "refusal" and off["citations"] == [] and "advisor" in off["text"]
    assert "$25" in wire["text"] and wire["citations"] and not wire["silent"]
