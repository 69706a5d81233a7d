"""The core's one entry point: `Assistant.respond(message)` and `Assistant.stream(message)`.

Adapters call these and nothing else of the core's answering machinery.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

from sqlalchemy.orm import Session

from core.audit.entries import as_mapping
from core.graph import GraphContext, TurnState
from core.graph.builder import TurnGraph
from core.market.store import DbMarketFeed
from core.memory import MemoryService, is_memory_intent
from core.metrics.observer import ObserverList, TurnObserver
from core.metrics.prices import PriceTable
from core.metrics.record import build_turn_record
from core.privacy import open_ledger
from core.store.metrics import MetricsStore, TurnRecord
from core.turn import ThreadState, TurnStore, TurnWrite
from core.turn.store import Closed
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
    escalation = state.escalation
    return Reply(
        text=state.draft,
        citations=[Citation(**c) for c in state.citations],
        figures=[Figure(**f) for f in state.figures],
        confidence=int(state.confidence),
        route=list(state.route),
        strategy=state.strategy or "template",
        escalation=EscalationNotice(**escalation) if escalation else None,
        offer_advisor=_offered(state.offer, state.turn_id),
        turn_id=state.turn_id,
        low_confidence=state.withheld,  # an answer below the threshold was replaced by a refusal
    )


def _offered(offer: dict[str, Any] | None, turn_id: str) -> bool:
    """This turn offered an advisor that a desk can actually send (core.graph.nodes.triage)."""
    return offer is not None and offer.get("turn_id") == turn_id and bool(offer.get("deliverable", True))


class Assistant:
    """Answers messages by running the turn graph; one per process, shared by every adapter.

    A turn is one database read (`TurnStore.open`), the graph (in memory, no checkpointer), one database write
    (`TurnStore.close`), then the Reply; learning facts from the message follows in the background.
    """

    def __init__(
        self,
        *,
        graph: TurnGraph,
        context: GraphContext,
        metrics: MetricsStore,
        observers: Sequence[TurnObserver] = (),
        prices: PriceTable | None = None,
        turns: TurnStore | None = None,
    ) -> None:
        self._graph = graph
        self._context = context
        self._metrics = metrics
        self._observers = ObserverList(observers)
        self._prices = prices
        self._turns = turns or _turn_store(context, metrics)
        self._background: set[asyncio.Task[None]] = set()
        self._learning: dict[str, asyncio.Task[None]] = {}
        """Person id -> facts still being learned from their last message (their next turn waits for it)."""
        self._undelivered: set[asyncio.Event] = set()
        """Replies whose caller has not come back yet (learning waits for them; `drain` releases them)."""

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
        learning = self._learning.get(message.person.id)
        if learning is not None:  # what they just told finbot is remembered before their next question is read
            await asyncio.gather(asyncio.shield(learning), return_exceptions=True)
        snapshot = await self._turns.open(message)
        escalations = self._context.escalations
        if escalations is not None and (
            held := await escalations.intercept(message, active=snapshot.active)
        ) is not None:
            # An advisor holds this conversation (the message is passed on and acknowledged, or "cancel" gave it
            # back), or this is an advisors' channel (core.escalation): no bot answer.
            strategy = "human" if held.escalation is not None else "template"
            yield Reply(text=held.say, strategy=strategy, route=["handoff"], silent=not held.say)
            return
        started = time.perf_counter()
        first_token: float | None = None
        ledger = open_ledger()  # what this turn's model calls sent, after redaction (core.privacy)
        thread = snapshot.thread
        start = TurnState(
            turn_id=uuid.uuid4().hex, message=message, snapshot=snapshot, pinned_route=list(thread.pinned_route),
            pinned_symbols=list(thread.pinned_symbols), offer=thread.offer,
        )
        state = start
        try:
            # Each node's update is applied to the turn's state here ("updates"), rather than LangGraph
            # emitting the whole state after every step ("values"): the fields have no reducers, so the last
            # write wins either way.
            stream = self._graph.astream(start, context=self._context, stream_mode=["custom", "updates"])
            async for mode, chunk in cast(AsyncIterator[tuple[str, Any]], stream):  # (mode, chunk) with two modes
                if mode == "updates":
                    for update in chunk.values():
                        for name, value in (update or {}).items():
                            setattr(state, name, value)
                elif "delta" in chunk:
                    if first_token is None:
                        first_token = time.perf_counter()
                    yield TextDelta(text=chunk["delta"])
                elif "status" in chunk:
                    yield Progress(status=chunk["status"])
        except Exception:
            self._observers.error("turn")  # counted, then handled at the adapter's edge
            raise
        state.pii_counts, state.model_inputs = dict(ledger.counts), list(ledger.sent)
        reply = reply_from_state(state)
        if state.handover == "unrouted":  # a request no advisor desk could take (finbot doctor shows them)
            self._observers.error("unrouted_handover")
        latency_ms = (time.perf_counter() - started) * 1000
        ttft_ms = (first_token - started) * 1000 if first_token is not None else None
        closed = await self._close(state, reply, latency_ms, ttft_ms)
        if not closed.recorded:
            self._observers.error("metrics_write")
        delivered = asyncio.Event()  # set when the caller comes back for more: the surface has delivered the reply
        self._learn_in_background(state, closed.message_id, delivered)
        try:
            yield reply
        finally:
            delivered.set()

    async def _close(self, state: TurnState, reply: Reply, latency_ms: float, ttft_ms: float | None) -> Closed:
        """The turn's one write: question, answer, profile, thread state, metrics (core.turn.TurnStore.close)."""
        message, intent = state.message, state.intent
        # A request to forget and its confirmation are not kept word for word: both repeat what was forgotten.
        forgetting = intent == "memory_forget"
        memory = self._context.memory
        profile = None
        if memory is not None and state.snapshot is not None:
            profile = memory.updated_profile(
                state.snapshot.profile, user_id=message.person.id, text=message.text, route=list(state.route)
            )
        record = self._record(state, reply, latency_ms, ttft_ms)
        audit, disclaimer = self._context.audit, self._context.assessor.disclaimer

        def audit_row(session: Session) -> None:  # the answer as delivered, with what produced it
            assert audit is not None
            # the turn's earlier writes already hold SQLite's write lock (core.turn.TurnStore.close)
            audit.write_turn(session, as_mapping(state), disclaimer=disclaimer, locked=True)

        return await self._turns.close(TurnWrite(
            message=message, turn_id=state.turn_id,
            thread=ThreadState(list(state.pinned_route), list(state.pinned_symbols), state.offer),
            question="(asked finbot to forget something)" if forgetting else message.text,
            answer="(confirmed what it forgot)" if forgetting else state.draft,
            profile=profile, record=record, audit=audit_row if audit is not None else None,
            profile_known=state.snapshot is not None and state.snapshot.profile is not None,
        ))

    def _record(self, state: TurnState, reply: Reply, latency_ms: float, ttft_ms: float | None) -> TurnRecord | None:
        """The turn's record (tokens counted when the provider gave none, cost); the observers hear of it."""
        try:
            record = build_turn_record(
                state.message, state, reply, latency_ms=latency_ms, ttft_ms=ttft_ms, prices=self._prices
            )
            self._observers.turn(record, list(state.failures))
            return record
        except Exception:  # a failure to record metrics never fails a reply
            log.exception("could not record metrics for turn %s", reply.turn_id)
            return None

    def _learn_in_background(self, state: TurnState, message_id: int, delivered: asyncio.Event) -> None:
        """Facts the message states are kept after the reply is delivered (the extractor may call a model): the
        task is registered now, so the person's next turn waits for it, and starts once `delivered` is set."""
        memory = self._context.memory
        if memory is None or (is_memory_intent(state.intent) and state.intent != "memory_note"):
            delivered.set()
            return
        person = state.message.person.id
        task = asyncio.create_task(
            self._learn(memory, state.message, message_id, self._learning.get(person), delivered)
        )
        self._background.add(task)
        self._undelivered.add(delivered)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(lambda _t: self._undelivered.discard(delivered))
        self._learning[person] = task
        task.add_done_callback(lambda t: self._learning.pop(person, None) if self._learning.get(person) is t else None)

    @staticmethod
    async def _learn(
        memory: MemoryService,
        message: IncomingMessage,
        message_id: int,
        before: asyncio.Task[None] | None,
        delivered: asyncio.Event,
    ) -> None:
        await delivered.wait()  # no model call competes with the reply's delivery
        if before is not None:  # one person's facts are learned in the order they were told
            await asyncio.gather(asyncio.shield(before), return_exceptions=True)
        try:
            await memory.learn(user_id=message.person.id, text=message.text, message_id=message_id)
        except Exception:  # learning is best effort: the exchange is already kept
            log.exception("could not learn facts from message %s", message_id)

    async def feedback(self, turn_id: str, value: int, note: str | None = None) -> bool:
        """Record a thumbs up (+1) or down (-1) on an answered turn; False if the turn is unknown."""
        stored = await self._metrics.set_feedback(turn_id, value, note)
        if stored:
            self._observers.feedback(value)
        return stored

    async def drain(self) -> None:
        """Wait for background work (facts learned from messages); call before shutting down."""
        for delivered in list(self._undelivered):  # a caller that never came back after its reply
            delivered.set()
        if self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)


def _turn_store(context: GraphContext, metrics: MetricsStore) -> TurnStore:
    services = context.specialists
    return TurnStore(
        context.conversations.db,
        recent_messages=2 * max(context.policy.recent_turns, context.memory.settings.recent_turns if context.memory
                                else 0),
        memory=context.memory is not None,
        access=services.access if services is not None else None,
        metrics=metrics,
        market=services.market if services is not None and isinstance(services.market, DbMarketFeed) else None,
    )
