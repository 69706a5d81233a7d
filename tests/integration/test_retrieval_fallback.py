"""The fallback chain on the real path: the model provider fails (500, timeout, 429) -> the person still
gets the extractive answer from the retrieved passages, and the strategy is on the Reply and in the metrics."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.container import Container
from core.store.models import TurnMetricRow
from core.types import Conversation, IncomingMessage, Person
from tests.conftest import SettingsFactory
from tests.fakes import FakeOpenAI

QUESTION = "How much does an outgoing domestic wire cost?"


def _message(text: str = QUESTION, event_id: str = "e1") -> IncomingMessage:
    return IncomingMessage(
        event_id=event_id,
        person=Person.of("cli", "local", "u1"),
        conversation=Conversation(platform="cli", tenant="local", channel_id="fallback"),
        text=text,
    )


@pytest.mark.parametrize("failure", ["500", "timeout", "429"])
async def test_provider_failure_falls_back_to_extractive(
    failure: str, make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    if failure == "500":
        fake_openai.fail_next(500, times=5, path="chat")
    elif failure == "429":
        fake_openai.fail_next(429, times=5, retry_after=1, path="chat")
    else:
        fake_openai.delay_next(5, times=5, path="chat")
    settings = make_settings(
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=fake_openai.url + "/v1",
        FINBOT_LLM_TIMEOUT=0.5,
        FINBOT_LLM_MAX_RETRIES=0,
    )
    container = await Container.open(settings)
    try:
        await container.ingest_sample_if_empty()
        reply = await container.assistant.respond(_message())
        await container.assistant.drain()
        async with container.db.session() as session:
            row = await session.scalar(select(TurnMetricRow).where(TurnMetricRow.id == reply.turn_id))
    finally:
        await container.close()

    assert fake_openai.chat_requests(), "the model was tried first"
    assert reply.strategy == "extractive"
    assert "$25" in reply.text and "Traceback" not in reply.text
    assert any("money-transfers.md" in c.uri for c in reply.citations)
    assert row is not None and row.strategy == "extractive"


async def test_model_answers_when_it_is_up(make_settings: SettingsFactory, fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_replies("Outgoing domestic wires cost $25 [1].")
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1")
    container = await Container.open(settings)
    try:
        await container.ingest_sample_if_empty()
        reply = await container.assistant.respond(_message())
    finally:
        await container.close()
    assert reply.strategy == "llm"
    assert reply.confidence >= 70


async def test_greeting_is_a_template_and_unknown_gets_a_refusal(make_settings: SettingsFactory) -> None:
    container = await Container.open(make_settings())
    try:
        await container.ingest_sample_if_empty()
        hello = await container.assistant.respond(_message("hello"))
        unknown = await container.assistant.respond(_message("What is the capital of Mongolia?", "e2"))
    finally:
        await container.close()
    assert hello.strategy == "template"
    assert unknown.strategy == "refusal" and "couldn't find" in unknown.text
