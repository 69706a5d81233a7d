"""The Assistant's metrics path with a scripted graph: a failing metrics store never fails the reply,
tokens are counted when the provider gives none, graph failures are counted as errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from core.assistant import Assistant
from core.graph import GraphContext, TurnState
from core.metrics import PriceTable, TurnObserver
from core.store import ConversationStore, Database, MetricsStore, TurnRecord
from core.store.models import TurnMetricRow
from core.types import Conversation, IncomingMessage, Person, Reply


class ScriptedGraph:
    """Stands in for the compiled graph: streams two deltas, then a final LLM-answered state without usage."""

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail

    async def astream(self, turn: TurnState, **_: Any) -> AsyncIterator[tuple[str, Any]]:
        if self.fail:
            raise RuntimeError("graph bug")
        yield "custom", {"status": "writing an answer..."}
        yield "custom", {"delta": "Wires cost "}
        yield "custom", {"delta": "$25 [1]."}
        yield "updates", {"check_grounding": {
            "draft": "Wires cost $25 [1].",
            "strategy": "llm",
            "model": "gpt-4o-mini",
            "tokens_in": 0,
            "tokens_out": 0,
            "confidence": 92,
            "grounded": True,
            "route": ["knowledge"],
            "passages": [{"title": "Money Transfers", "text": "Outgoing domestic wires cost $25."}],
            "failures": [],
        }}


class BrokenStore(MetricsStore):
    def record_in(self, session: Any, record: TurnRecord) -> None:
        raise ConnectionError("database is down")


class Recorder(TurnObserver):
    def __init__(self) -> None:
        self.records: list[TurnRecord] = []
        self.errors: list[str] = []

    def on_turn(self, record: TurnRecord, *, failures: Sequence[str]) -> None:
        self.records.append(record)

    def on_error(self, kind: str) -> None:
        self.errors.append(kind)


def _message() -> IncomingMessage:
    return IncomingMessage(
        event_id="e1",
        person=Person.of("web", "local", "u1"),
        conversation=Conversation(platform="web", tenant="local", channel_id="s1", is_direct=True),
        text="How much is a wire?",
    )


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'a.db'}")
    await database.upgrade_schema()
    yield database
    await database.dispose()


def _assistant(db: Database, graph: ScriptedGraph, store: MetricsStore, recorder: Recorder) -> Assistant:
    conversations = ConversationStore(db)
    context = GraphContext(conversations=conversations, retriever=None)  # type: ignore[arg-type]
    prices = PriceTable.from_settings({"gpt-4o-mini": {"input": 0.15, "output": 0.6}}, defaults=False)
    return Assistant(graph=graph, context=context, metrics=store, observers=[recorder], prices=prices)  # type: ignore[arg-type]


async def test_reply_arrives_when_the_metrics_store_raises(db: Database) -> None:
    recorder = Recorder()
    assistant = _assistant(db, ScriptedGraph(), BrokenStore(db), recorder)
    reply = await assistant.respond(_message())
    await assistant.drain()
    assert isinstance(reply, Reply) and reply.text == "Wires cost $25 [1]." and reply.turn_id
    assert recorder.errors == ["metrics_write"]
    assert len(recorder.records) == 1  # the observers still saw the turn
    kept = await ConversationStore(db).recent_messages(_message().conversation.key, 10)
    assert [(m.role, m.text) for m in kept] == [("user", "How much is a wire?"), ("assistant", "Wires cost $25 [1].")]
    async with db.session() as session:  # the exchange was written again without the metrics row
        assert await session.get(TurnMetricRow, reply.turn_id) is None


async def test_tokens_are_counted_and_priced_when_the_provider_sends_no_usage(db: Database) -> None:
    recorder = Recorder()
    assistant = _assistant(db, ScriptedGraph(), MetricsStore(db), recorder)
    reply = await assistant.respond(_message())
    assert await assistant.feedback(reply.turn_id or "", -1, "too short")  # written with the turn
    async with db.session() as session:
        row = await session.get(TurnMetricRow, reply.turn_id)
    assert row is not None and row.tokens_estimated
    assert row.tokens_in > 50 and 5 <= row.tokens_out <= 12
    assert row.cost_usd == pytest.approx((row.tokens_in * 0.15 + row.tokens_out * 0.6) / 1e6)
    assert row.ttft_ms is not None and row.ttft_ms <= row.latency_ms
    assert row.feedback == -1 and row.feedback_note == "too short"
    assert recorder.errors == []


async def test_a_graph_failure_is_counted_and_raised_to_the_adapter(db: Database) -> None:
    recorder = Recorder()
    assistant = _assistant(db, ScriptedGraph(fail=True), MetricsStore(db), recorder)
    with pytest.raises(RuntimeError):
        await assistant.respond(_message())
    assert recorder.errors == ["turn"] and recorder.records == []
