"""GET /metrics: parses with prometheus-client's parser; counters move with real web-chat turns."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot.server import RunningServer, start_server
from core.store.models import TurnMetricRow
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(url: str, headers: dict[str, str] | None = None) -> Samples:
    """Every sample of the exposition, keyed by (sample name, sorted labels)."""
    async with aiohttp.ClientSession() as http, http.get(url + "/metrics", headers=headers) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def test_counters_move_after_a_web_chat_turn(server: RunningServer) -> None:
    before = await scrape(server.url)
    assert not any(name == "finbot_turns_total" for name, _ in before)  # no turn yet: no labelled child
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "How much does it cost to send an outgoing domestic wire?")
        hello = await ask(ws, "hello")
        await server.container.assistant.drain()
        await ws.send_json({"type": "feedback", "turn_id": turn.reply["turn_id"], "value": 1})
        assert (await ws.receive_json())["stored"] is True
    after = await scrape(server.url)
    assert after[("finbot_turns_total", (("platform", "web"), ("strategy", "extractive")))] == 1
    assert after[("finbot_turns_total", (("platform", "web"), ("strategy", hello.reply["strategy"])))] == 1
    assert after[("finbot_turn_latency_seconds_count", (("platform", "web"),))] == 2
    assert after[("finbot_turn_latency_seconds_sum", (("platform", "web"),))] > 0
    assert after[("finbot_turn_latency_seconds_bucket", (("le", "+Inf"), ("platform", "web")))] == 2
    assert after[("finbot_time_to_first_token_seconds_count", ())] == 2
    assert after[("finbot_feedback_total", (("value", "up"),))] == 1
    assert after[("finbot_llm_cost_usd_total", ())] == 0.0  # extractive answers cost nothing


async def test_a_failing_metrics_store_never_fails_the_reply(server: RunningServer) -> None:
    async with server.container.db.session() as session:  # the metrics table is gone: every write raises
        await session.execute(text(f"DROP TABLE {TurnMetricRow.__tablename__}"))
    async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
        turn = await ask(ws, "What are the trading hours for stocks?")
    assert turn.final["type"] == "final" and turn.reply["text"]
    await server.container.assistant.drain()
    after = await scrape(server.url)
    assert after[("finbot_errors_total", (("kind", "metrics_write"),))] == 1
    assert after[("finbot_turns_total", (("platform", "web"), ("strategy", turn.reply["strategy"])))] == 1


async def test_two_servers_in_one_process_keep_their_own_registries(
    server: RunningServer, make_settings: SettingsFactory, tmp_path
) -> None:
    other = await start_server(make_settings(FINBOT_DATA_DIR=tmp_path / "other"), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(other.url + "/ws/chat") as ws:
            await ask(ws, "hello")
        await other.container.assistant.drain()
        mine, theirs = await scrape(server.url), await scrape(other.url)
    finally:
        await other.stop()
    assert not any(name == "finbot_turns_total" for name, _ in mine)
    assert any(name == "finbot_turns_total" for name, _ in theirs)


async def test_metrics_token_protects_the_scrape(make_settings: SettingsFactory) -> None:
    running = await start_server(make_settings(FINBOT_METRICS_TOKEN="s3cret"), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(running.url + "/metrics") as refused:
                assert refused.status == 401
            async with http.get(running.url + "/metrics", headers={"Authorization": "Bearer wrong"}) as refused:
                assert refused.status == 401
        samples = await scrape(running.url, headers={"Authorization": "Bearer s3cret"})
    finally:
        await running.stop()
    assert ("finbot_llm_cost_usd_total", ()) in samples
