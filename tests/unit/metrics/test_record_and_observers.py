"""A turn's record: provider usage when given, an estimate otherwise; observers never break a turn."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.graph.state import TurnState
from core.metrics import ObserverList, PriceTable, TurnObserver, build_turn_record, error_kind
from core.metrics.record import estimate_llm_tokens
from core.store.metrics import TurnRecord
from core.types import Conversation, EscalationNotice, IncomingMessage, Person, Reply

PRICES = PriceTable.from_settings({"gpt-4o-mini": {"input": 0.15, "output": 0.6}}, defaults=False)


def _message() -> IncomingMessage:
    return IncomingMessage(
        event_id="e1",
        person=Person.of("slack", "T1", "U1"),
        conversation=Conversation(platform="slack", tenant="T1", channel_id="C1", thread_id="1.0"),
        text="What does an outgoing domestic wire cost?",
    )


def _state(**extra: object) -> TurnState:
    state: dict[str, object] = {
        "passages": [{"title": "Money Transfers", "text": "Outgoing domestic wires cost $25 each."}] * 3,
        "history": [{"role": "user", "text": "hi"}, {"role": "assistant", "text": "Hello! How can I help?"}],
        "model": "gpt-4o-mini",
        "draft": "An outgoing domestic wire costs $25 [1].",
        "grounded": True,
        "failures": [],
        "memory_tiers": ["recent"],
    }
    state.update(extra)
    return TurnState(turn_id="t1", message=_message(), **state)  # type: ignore[arg-type]


def _reply(**extra: object) -> Reply:
    values: dict[str, object] = {
        "text": "An outgoing domestic wire costs $25 [1].",
        "strategy": "llm",
        "confidence": 90,
        "route": ["knowledge"],
        "turn_id": "t1",
    }
    values.update(extra)
    return Reply(**values)  # type: ignore[arg-type]


def test_provider_usage_is_kept_and_priced() -> None:
    record = build_turn_record(
        _message(), _state(tokens_in=1200, tokens_out=80), _reply(), latency_ms=900.0, ttft_ms=300.0, prices=PRICES
    )
    assert (record.tokens_in, record.tokens_out, record.tokens_estimated) == (1200, 80, False)
    assert record.cost_usd == pytest.approx((1200 * 0.15 + 80 * 0.6) / 1e6)
    assert record.id == "t1" and record.platform == "slack" and record.user_id == "slack:T1:U1"
    assert record.route == "knowledge" and record.strategy == "llm" and record.grounded
    assert record.docs_retrieved == 3 and record.memory_tiers == "recent"


def test_tokens_are_counted_when_the_provider_gives_no_usage() -> None:
    state = _state(tokens_in=0, tokens_out=0)
    record = build_turn_record(_message(), state, _reply(), latency_ms=900.0, ttft_ms=None, prices=PRICES)
    expected_in, expected_out = estimate_llm_tokens(state, "An outgoing domestic wire costs $25 [1].")
    assert record.tokens_estimated
    assert (record.tokens_in, record.tokens_out) == (expected_in, expected_out)
    assert expected_in > 100  # the system prompt and three passages
    assert 8 <= expected_out <= 16
    assert record.cost_usd > 0


def test_extractive_answers_cost_nothing_and_fallbacks_are_flagged() -> None:
    state = _state(model="", failures=["llm: timeout"])
    reply = _reply(strategy="extractive", confidence=50, low_confidence=True,
                   escalation=EscalationNotice(id="esc1", reason="low confidence"))
    record = build_turn_record(_message(), state, reply, latency_ms=20000.0, ttft_ms=19000.0, prices=PRICES)
    assert (record.tokens_in, record.tokens_out, record.cost_usd) == (0, 0, 0.0)
    assert record.fallback and record.failures == "llm: timeout"
    assert record.low_confidence and record.escalated


class _Recorder(TurnObserver):
    def __init__(self) -> None:
        self.turns: list[tuple[TurnRecord, list[str]]] = []
        self.errors: list[str] = []
        self.feedbacks: list[int] = []

    def on_turn(self, record: TurnRecord, *, failures: Sequence[str]) -> None:
        self.turns.append((record, list(failures)))

    def on_error(self, kind: str) -> None:
        self.errors.append(kind)

    def on_feedback(self, value: int) -> None:
        self.feedbacks.append(value)


class _Broken(TurnObserver):
    def on_turn(self, record: TurnRecord, *, failures: Sequence[str]) -> None:
        raise RuntimeError("exporter bug")


def test_observers_get_turns_errors_by_kind_and_a_broken_one_does_not_stop_the_others() -> None:
    recorder = _Recorder()
    observers = ObserverList([_Broken(), recorder])
    record = TurnRecord(id="t1", conversation_key="k", user_id="u", platform="web", latency_ms=1.0)
    observers.turn(record, ["llm: timeout", "llm: RateLimitError"])
    observers.error("metrics_write")
    observers.feedback(-1)
    assert recorder.turns == [(record, ["llm: timeout", "llm: RateLimitError"])]
    assert recorder.errors == ["llm_timeout", "llm_ratelimiterror", "metrics_write"]
    assert recorder.feedbacks == [-1]


def test_error_kind_is_a_short_label() -> None:
    assert error_kind("extractive: nothing to extract") == "extractive_nothing_to_extract"
    assert error_kind("???") == "unknown"
