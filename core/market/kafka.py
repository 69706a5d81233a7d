"""Ticks from Kafka (aiokafka): a group consumer that applies each batch to the market store.

It runs in the background and never blocks the server: when the broker is down the consumer logs,
waits and reconnects, and answers keep using the prices already in the database (labelled with their
age). Malformed messages are logged and skipped. Offsets are committed after a batch is applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from core.market.feed import Tick
from core.market.ticks import TickError, parse_ticks

if TYPE_CHECKING:
    from aiokafka import AIOKafkaConsumer

__all__ = ["KafkaTickConsumer", "TickSink"]

log = logging.getLogger(__name__)

TickSink = Callable[[Sequence[Tick]], Awaitable[int]]


class KafkaTickConsumer:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        group_id: str,
        sink: TickSink,
        retry_s: float = 5.0,
        max_records: int = 500,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.group_id = group_id
        self._sink = sink
        self._retry_s = retry_s
        self._max_records = max_records
        self._task: asyncio.Task[None] | None = None
        self._applied = 0
        self._skipped = 0
        self._changed = asyncio.Condition()
        self.connected = asyncio.Event()

    @property
    def applied(self) -> int:
        """Ticks applied to the store since start."""
        return self._applied

    @property
    def skipped(self) -> int:
        """Messages skipped as malformed since start."""
        return self._skipped

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="finbot-market-kafka")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def wait_applied(self, count: int) -> None:
        """Wait until at least `count` ticks were applied (tests, readiness checks; wrap in asyncio.timeout)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._applied >= count)

    async def _run(self) -> None:
        from aiokafka import AIOKafkaConsumer  # the `kafka` extra, imported only when a broker is configured
        from aiokafka.errors import KafkaError

        while True:
            consumer = AIOKafkaConsumer(
                self.topic,
                bootstrap_servers=self.bootstrap_servers,
                group_id=self.group_id,
                auto_offset_reset="earliest",  # a new group replays retained ticks; older ones are ignored
                enable_auto_commit=False,
            )
            try:
                await consumer.start()
                self.connected.set()
                log.info("consuming market ticks from %s topic %s", self.bootstrap_servers, self.topic)
                await self._consume(consumer)
            except KafkaError as exc:
                log.warning("market data broker unavailable (%s); retrying in %.0fs", exc.__class__.__name__,
                            self._retry_s)
            finally:
                self.connected.clear()
                with contextlib.suppress(KafkaError):
                    await consumer.stop()
            await asyncio.sleep(self._retry_s)

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=1000, max_records=self._max_records)
            ticks: list[Tick] = []
            for messages in batches.values():
                for message in messages:
                    try:
                        ticks.extend(parse_ticks(message.value or b""))
                    except TickError as exc:
                        self._skipped += 1
                        log.warning("skipping a malformed tick message at offset %s: %s", message.offset, exc)
            if not batches:
                continue
            if ticks:
                try:
                    await self._sink(ticks)
                except Exception:  # the store failed: keep consuming, the next ticks supersede these
                    log.exception("could not apply %d market ticks", len(ticks))
                    continue
            await consumer.commit()
            async with self._changed:
                self._applied += len(ticks)
                self._changed.notify_all()
