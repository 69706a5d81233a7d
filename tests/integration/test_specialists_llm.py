"""With a language model (the fake OpenAI server): the supervisor's structured-output route when the offline
router is unsure (none when it is confident), and the jury."""

from __future__ import annotations

import re
from typing import Any

from bot.server import RunningServer, start_server
from core.store.models import TurnMetricRow
from core.types import Conversation, IncomingMessage, Person, Reply, TextDelta
from tests.conftest import SettingsFactory
from tests.fakes import FakeOpenAI

_DRIFT = re.compile(r"US Equity is [\d.]+% of the portfolio against a [\d.]+% target \(drift [+-][\d.]+%\)\.")
_LARGEST = re.compile(r"The largest position is \w+ at [\d.]+% of the portfolio;")
_WORTH = re.compile(r"The demo portfolio \(sample data\) is worth \$[\d,.]+")


def _tool(body: dict[str, Any]) -> str:
    tools = body.get("tools") or []
    return tools[0]["function"]["name"] if tools else ""


def _prompt(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content") or "") for m in body.get("messages") or [])


def _message(text: str, n: int) -> IncomingMessage:
    return IncomingMessage(
        event_id=f"llm-{n}",
        person=Person(id="web:local:llm-user"),
        conversation=Conversation(platform="web", tenant="local", channel_id=f"llm-{n}", is_direct=True),
        text=text,
    )


async def _ask(server: RunningServer, text: str, n: int) -> Reply:
    return await server.container.assistant.respond(_message(text, n))


async def _metrics(server: RunningServer, turn_id: str | None) -> TurnMetricRow:
    await server.container.assistant.drain()
    async with server.container.db.session() as session:
        row = await session.get(TurnMetricRow, turn_id)
    assert row is not None
    return row


async def test_the_llm_supervisor_routes_with_structured_output_when_the_offline_router_is_unsure(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    def responder(body: dict[str, Any]) -> Any:
        if _tool(body) == "RouteDecision":  # the offline vote alone would say ["portfolio"]
            return {"specialists": ["portfolio", "risk"], "high_stakes": False, "symbols": [], "follow_up": False}
        return _DRIFT.search(_prompt(body)).group(0) + " [1]"  # type: ignore[union-attr]

    fake_openai.responder = responder
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        question = "How bumpy has the ride been for my investments?"  # a subject, and no ask a keyword names
        reply = await _ask(server, question, 1)
        route_requests = [r for r in fake_openai.chat_requests() if _tool(r.body) == "RouteDecision"]
        assert len(route_requests) == 1 and route_requests[0].last_user_text == question
        assert reply.route == ["portfolio", "risk"]
        assert {f.name for f in reply.figures} >= {"Holdings", "Allocation by asset class"}
        assert any(f.name.startswith("Risk") for f in reply.figures)
        compose = [r for r in fake_openai.chat_requests() if not _tool(r.body)][-1]
        assert "Computed figures" in compose.prompt_text and "annualised volatility" in compose.prompt_text
        assert reply.strategy == "llm" and reply.confidence >= 70
        assert (await _metrics(server, reply.turn_id)).route == "portfolio,risk"

        # A question about the firm costs no routing call in the default "auto" mode.
        before = len(route_requests)
        await _ask(server, "How much does an outgoing domestic wire cost?", 2)
        assert len([r for r in fake_openai.chat_requests() if _tool(r.body) == "RouteDecision"]) == before
    finally:
        await server.stop()


async def test_a_confident_portfolio_question_makes_one_model_request_before_its_first_token(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda body: _DRIFT.search(_prompt(body)).group(0) + " [1]"  # type: ignore[union-attr]
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        assistant = server.container.assistant
        seen: list[int] = []  # requests the fake had received when each text delta arrived
        reply: Reply | None = None
        async for event in assistant.stream(_message("How is my portfolio doing?", 6)):
            if isinstance(event, TextDelta):
                seen.append(len(fake_openai.requests))
            elif isinstance(event, Reply):
                reply = event
        await assistant.drain()
    finally:
        await server.stop()
    assert reply is not None and seen, "the answer streamed"
    (request,) = fake_openai.requests[: seen[0]]  # exactly one request before the first token: the answer's
    assert request.is_chat and not request.tools and request.stream
    assert reply.route == ["portfolio"] and reply.strategy == "llm"  # the offline router decided: no router call
    assert not [r for r in fake_openai.chat_requests() if _tool(r.body) == "RouteDecision"]


def _jury_responder(positions: list[str]) -> Any:
    """Route as high stakes; each juror (by temperature) restates the drift figure; the critic reviews."""
    temperatures = [0.2, 0.6, 1.0]

    def responder(body: dict[str, Any]) -> Any:
        tool = _tool(body)
        if tool == "RouteDecision":
            return {"specialists": ["portfolio"], "high_stakes": True, "symbols": [], "follow_up": False}
        if tool == "JuryCritique":
            reviews = [{"draft": i, "consistent": True, "position": p} for i, p in enumerate(positions, start=1)]
            return {"reviews": reviews, "best": 2, "critique": "They differ on timing."}
        juror = temperatures.index(round(float(body.get("temperature", 0.2)), 2))
        pattern = (_DRIFT, _LARGEST, _WORTH)[juror]  # each juror restates a different computed figure
        return pattern.search(_prompt(body)).group(0) + " [1]"  # type: ignore[union-attr]

    return responder


async def _jury_turn(make_settings: SettingsFactory, fake: FakeOpenAI, positions: list[str]) -> tuple[Reply, Any]:
    fake.responder = _jury_responder(positions)
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake.url + "/v1", FINBOT_JURY="3")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        reply = await _ask(server, "Should I rebalance my portfolio?", 3)
        return reply, await _metrics(server, reply.turn_id)
    finally:
        await server.stop()


async def test_the_jury_drafts_three_times_critiques_and_picks_one(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    reply, row = await _jury_turn(make_settings, fake_openai, ["rebalance gradually"] * 3)
    drafts = [r for r in fake_openai.chat_requests() if not _tool(r.body)]
    assert sorted(round(r.body["temperature"], 2) for r in drafts) == [0.2, 0.6, 1.0]
    critiques = [r for r in fake_openai.chat_requests() if _tool(r.body) == "JuryCritique"]
    assert len(critiques) == 1 and all(f"Draft {i}:" in critiques[0].prompt_text for i in (1, 2, 3))
    assert reply.text.startswith("The largest position is VTI at")  # draft 2: the critic's pick, agreed by all
    assert "not personalised investment advice" in reply.text and "talk to your advisor" in reply.text
    assert reply.confidence >= 70 and reply.escalation is None
    assert row.jury_size == 3 and row.jury_agreement == 1.0
    assert row.jury_latency_ms > 0 and row.jury_tokens_in > 0 and row.jury_tokens_out > 0
    assert row.jury_cost_usd > 0 and row.cost_usd >= row.jury_cost_usd


async def test_jury_disagreement_lowers_confidence_and_offers_an_advisor(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    reply, row = await _jury_turn(make_settings, fake_openai, ["hold", "rebalance now", "sell everything"])
    # one draft of three in the majority: agreement 1/3, -67 points of confidence, below the threshold of 55
    assert row.jury_agreement is not None and round(row.jury_agreement, 4) == 0.3333
    assert reply.confidence <= 40 and reply.low_confidence
    # A recommendation request is answered with the firm's line and the offer of an advisor, not handed over.
    assert reply.escalation is None and reply.offer_advisor


async def test_auto_routing_asks_the_model_only_when_unsure_and_holds_it_to_the_evidence(
    make_settings: SettingsFactory, fake_openai: FakeOpenAI
) -> None:
    def responder(body: dict[str, Any]) -> Any:
        if _tool(body) == "RouteDecision":  # the model over-reaches: portfolio, and no symbol
            return {"specialists": ["market", "portfolio"], "high_stakes": True, "symbols": [], "follow_up": False}
        found = re.search(r"I have no quote for TSLA[^.]*\.", _prompt(body))
        return f"{found.group(0)} [1]" if found else "I don't know."

    fake_openai.responder = responder
    settings = make_settings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake_openai.url + "/v1")
    server = await start_server(settings, host="127.0.0.1", port=0)
    try:
        def route_calls() -> list[Any]:
            return [r for r in fake_openai.chat_requests() if _tool(r.body) == "RouteDecision"]

        company = await _ask(server, "What was Home Depot's market share?", 4)
        assert route_calls() == [] and company.route == ["knowledge"]  # no evidence of a data question: no call

        tesla = await _ask(server, "Should I buy Tesla?", 5)  # the words decide: a quote, and the advice flag
        assert route_calls() == [] and tesla.route == ["market"]
        assert tesla.text.startswith("I have no quote for TSLA")
        assert "not personalised investment advice" in tesla.text  # a model's answer to a request for advice

        bumpy = await _ask(server, "How bumpy has the ride been for Tesla?", 7)  # a subject, no ask named
        (call,) = route_calls()
        assert "The client holds: AAPL, BND" in call.prompt_text  # the demo portfolio this guest sees
        assert bumpy.route == ["market"], "portfolio has no subject in a question about Tesla: dropped"
        assert bumpy.text.startswith("I have no quote for TSLA")  # TSLA from the words, the model gave none
        assert (await _metrics(server, bumpy.turn_id)).route == "market"
    finally:
        await server.stop()
