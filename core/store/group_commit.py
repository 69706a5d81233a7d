"""Group commit: callers that arrive within a few milliseconds share one database transaction.

A write that must precede a platform ack (the durable inbox's claim) costs one commit per event when done
alone; under a burst the commits queue behind each other (SQLite has one writer) and the ack tail grows.
Here the first caller starts a flush that waits `window_s` (or until `max_batch` callers are waiting), then
writes everything pending with one `write(items)` call and resolves each caller with its own result. While
a batch is being written the next one gathers, so a slow commit makes the next batch larger, not later.

A batch whose write raises fails every caller in it: nothing is acknowledged that was not written.
The flush runs in its own task, so a caller that gives up (a client disconnecting) cannot cancel the write
the others are waiting for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["GroupCommit"]

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """Batches `submit(item)` calls into `write(items) -> results` (one result per item, in order)."""

    def __init__(
        self, write: Callable[[list[T]], Awaitable[Sequence[R]]], *, window_s: float = 0.002, max_batch: int = 200
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._write = write
        self.window_s = window_s
        self.max_batch = max_batch
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._gathering: asyncio.Event | None = None
        """Set to flush early (the batch is full); None when no flush is gathering callers."""
        self._writing = asyncio.Lock()
        """One batch written at a time per process; the next gathers meanwhile."""
        self._flushes: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        """Queue `item` for the next batch and wait for its result (or the batch's error)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._gathering is None:
            self._start_flush()
        elif len(self._pending) >= self.max_batch:
            self._gathering.set()
        return await future

    def _start_flush(self) -> None:
        self._gathering = asyncio.Event()
        task = asyncio.create_task(self._flush(self._gathering))
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _flush(self, full: asyncio.Event) -> None:
        try:
            if len(self._pending) < self.max_batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(full.wait(), self.window_s)
            await self._writing.acquire()
        except asyncio.CancelledError:  # shutting down before the write: the waiting callers are cancelled too
            self._gathering = None
            for _, future in self._pending:
                future.cancel()
            self._pending = []
            raise
        try:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            self._gathering = None
            if self._pending:  # more than one batch waited behind the previous write
                self._start_flush()
            await self._run(batch)
        finally:
            self._writing.release()

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._write([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"group commit: {len(results)} results for {len(batch)} items")
        except asyncio.CancelledError:  # shutting down mid-write: nobody may take it as written
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:  # every caller of the batch fails, and sees why
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # a caller that was cancelled meanwhile
                future.set_result(result)

    async def drain(self) -> None:
        """Wait for the flushes in progress (at shutdown)."""
        while self._flushes:
            await asyncio.gather(*list(self._flushes), return_exceptions=True)
