"""The core's one entry point: `Assistant.respond(message)` and `Assistant.stream(message)`.

Adapters call these and nothing else of the core's answering machinery.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from core.graph import GraphContext, TurnState, fresh_turn
from core.metrics.observer import ObserverList, TurnObserver
from core.metrics.prices import PriceTable
from core.metrics.record import build_turn_record
from core.privacy import open_ledger
from core.store.metrics import MetricsStore
from core.types import (
    Citation,
    EscalationNotice,
    Figure,
    IncomingMessage,
    Progress,
    Reply,
    StreamEvent,
    TextDelta,
)

__all__ = ["Assistant", "reply_from_state"]

log = logging.getLogger(__name__)


def reply_from_state(state: TurnState) -> Reply:
    """Turn the graph's final state into the platform-neutral Reply."""
    confidence = int(state.get("confidence", 0))
    strategy = state.get("strategy") or "template"
    text = state.get("draft", "")
    escalation = state.get("escalation")
    offer = state.get("offer")
    return Reply(
        text=text,
        citations=[Citation(**c) for c in state.get("citations", [])],
        figures=[Figure(**f) for f in state.get("figures", [])],
        confidence=confidence,
        route=list(state.get("route", [])),
        strategy=strategy,  # type: ignore[arg-type]
        escalation=EscalationNotice(**escalation) if escalation else None,
        offer_advisor=_offered(offer, state["turn_id"]),
        turn_id=state["turn_id"],
        low_confidence=bool(state.get("withheld")),  # an answer below the threshold was replaced by a refusal
        silent=bool(state.get("silent", False)),
    )


def _offered(offer: dict[str, Any] | None, turn_id: str) -> bool:
    """This turn offered an advisor that a desk can actually send (core.graph.nodes.triage)."""
    return bool(offer) and offer.get("turn_id") == turn_id and bool(offer.get("deliverable", True))  # type: ignore[union-attr]


class Assistant:
    """Answers messages by running the turn graph; one per process, shared by every adapter."""

    def __init__(
        self,
        *,
        graph: CompiledStateGraph,
        context: GraphContext,
        metrics: MetricsStore,
        observers: Sequence[TurnObserver] = (),
        prices: PriceTable | None = None,
    ) -> None:
        self._graph = graph
        self._context = context
        self._metrics = metrics
        self._observers = ObserverList(observers)
        self._prices = prices
        self._background: set[asyncio.Task[None]] = set()
        self._pending: dict[str, asyncio.Task[None]] = {}

    def add_observer(self, observer: TurnObserver) -> None:
        """Also tell `observer` about every turn from now on (e.g. an evaluation collecting signals)."""
        self._observers.add(observer)

    async def respond(self, message: IncomingMessage) -> Reply:
        reply: Reply | None = None
        async for event in self.stream(message):
            if isinstance(event, Reply):
                reply = event
        assert reply is not None
        return reply

    async def stream(self, message: IncomingMessage) -> AsyncIterator[StreamEvent]:
        """Yield Progress and TextDelta events as the graph works, then the final Reply.

        The final Reply's text is authoritative: it may differ from the streamed deltas when a
        later step (the fallback chain, the grounding check) changed the answer.
        """
        await self._context.conversations.touch(message.person, message.conversation)
        escalations = self._context.escalations
        if escalations is not None and (held := await escalations.intercept(message)) is not None:
            # An advisor holds this conversation (the message is passed on and acknowledged, or "cancel" gave it
            # back), or this is an advisors' channel (core.escalation): no bot answer.
            strategy = "human" if held.escalation is not None else "template"
            yield Reply(text=held.say, strategy=strategy, route=["handoff"], silent=not held.say)
            return
        started = time.perf_counter()
        first_token: float | None = None
        turn_id = uuid.uuid4().hex
        ledger = open_ledger()  # what this turn's model calls sent, after redaction (core.privacy)
        config: dict[str, Any] = {"configurable": {"thread_id": message.conversation.key}}
        final: dict[str, Any] = {}
        try:
            async for mode, chunk in self._graph.astream(
                fresh_turn(turn_id, message.model_dump(mode="json")),
                config,
                context=self._context,
                stream_mode=["custom", "values"],
            ):
                if mode == "values":
                    final = chunk
                elif "delta" in chunk:
                    if first_token is None:
                        first_token = time.perf_counter()
                    yield TextDelta(text=chunk["delta"])
                elif "status" in chunk:
                    yield Progress(status=chunk["status"])
        except Exception:
            self._observers.error("turn")  # counted, then handled at the adapter's edge
            raise
        final = {**final, **ledger.as_state()}
        reply = reply_from_state(final)  # type: ignore[arg-type]
        if final.get("handover") == "unrouted":  # a request no advisor desk could take (finbot doctor shows them)
            self._observers.error("unrouted_handover")
        latency_ms = (time.perf_counter() - started) * 1000
        ttft_ms = (first_token - started) * 1000 if first_token is not None else None
        self._record_in_background(message, final, reply, latency_ms, ttft_ms)
        yield reply

    def _record_in_background(
        self,
        message: IncomingMessage,
        state: dict[str, Any],
        reply: Reply,
        latency_ms: float,
        ttft_ms: float | None,
    ) -> None:
        task = asyncio.create_task(self._record(message, state, reply, latency_ms, ttft_ms))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        if reply.turn_id:
            self._pending[reply.turn_id] = task
            task.add_done_callback(lambda _t, turn_id=reply.turn_id: self._pending.pop(turn_id, None))

    async def _record(
        self, message: IncomingMessage, state: dict[str, Any], reply: Reply, latency_ms: float, ttft_ms: float | None
    ) -> None:
        """Build the turn's record (tokens counted when the provider gave none, cost), tell the observers, store it."""
        turn_id = reply.turn_id
        try:
            record = build_turn_record(
                message, state, reply, latency_ms=latency_ms, ttft_ms=ttft_ms, prices=self._prices
            )
            self._observers.turn(record, list(state.get("failures") or []))
            await self._metrics.record(record)
        except Exception:  # a failure to write metrics never fails a reply
            log.exception("could not record metrics for turn %s", turn_id)
            self._observers.error("metrics_write")

    async def feedback(self, turn_id: str, value: int, note: str | None = None) -> bool:
        """Record a thumbs up (+1) or down (-1) on an answered turn; False if the turn is unknown."""
        pending = self._pending.get(turn_id)
        if pending is not None:  # a click faster than the background write: let the row land first
            await asyncio.gather(pending, return_exceptions=True)
        stored = await self._metrics.set_feedback(turn_id, value, note)
        if stored:
            self._observers.feedback(value)
        return stored

    async def drain(self) -> None:
        """Wait for background writes (metrics); call before shutting down."""
        if self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
