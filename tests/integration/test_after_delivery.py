"""Follow-up model calls wait for the reply: on the LLM path, fact extraction reaches the model only after the
surface has delivered the answer (through `run_turn`, with the fake OpenAI server counting requests)."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.base import run_turn
from bot.container import Container
from core.types import Conversation, IncomingMessage, Person, Reply
from tests.conftest import SettingsFactory
from tests.fakes import FakeOpenAI


def _tool(body: dict[str, Any]) -> str:
    tools = body.get("tools") or []
    return tools[0]["function"]["name"] if tools else ""


class RecordingSink:
    """Notes, when the final answer is delivered, which model requests the fake had seen."""

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.at_delivery: list[str] | None = None
        self.reply: Reply | None = None

    async def progress(self, status: str) -> None:
        return None

    async def delta(self, text: str) -> None:
        return None

    async def final(self, reply: Reply) -> None:
        await asyncio.sleep(0.3)  # a platform's delivery takes a while: a model call started now would show
        self.reply = reply
        self.at_delivery = [_tool(r.body) or "answer" for r in self.fake.chat_requests()]

    async def apologise(self, text: str) -> None:
        raise AssertionError(f"the turn failed: {text}")


async def test_facts_are_extracted_by_the_model_after_the_reply_is_delivered(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda body: {"facts": []} if _tool(body) else "Noted."
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1", FINBOT_JOBS="false")
    container = await Container.open(settings, surfaces=())
    try:
        message = IncomingMessage(
            event_id="after-1", person=Person.of("web", "local", "after"), text="I'm retiring in 2031.",
            conversation=Conversation(platform="web", tenant="local", channel_id="after", is_direct=True),
        )
        sink = RecordingSink(fake_openai)
        reply = await run_turn(container.assistant, message, sink)
        await container.assistant.drain()
    finally:
        await container.close()
    assert reply is not None and sink.reply is reply
    extraction = [t for t in (_tool(r.body) for r in fake_openai.chat_requests()) if t == "_Facts"]
    assert extraction == ["_Facts"], "the model was asked for the message's facts"
    assert sink.at_delivery is not None and "_Facts" not in sink.at_delivery  # ...only after the delivery
