"""GroupCommit: concurrent submits share one write, each caller gets its own result, a failed write fails all."""

from __future__ import annotations

import asyncio

import pytest

from core.store.group_commit import GroupCommit


class Writes:
    """A write function that records its batches (and can be told to fail)."""

    def __init__(self, *, fail: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.fail = fail

    async def __call__(self, items: list[str]) -> list[str]:
        self.batches.append(items)
        await asyncio.sleep(0)
        if self.fail:
            raise OSError("disk full")
        return [item.upper() for item in items]


async def test_concurrent_submits_share_one_write_and_get_their_own_result() -> None:
    writes = Writes()
    batches = GroupCommit(writes, window_s=0.05, max_batch=100)
    results = await asyncio.gather(*(batches.submit(f"e{i}") for i in range(10)))
    assert results == [f"E{i}" for i in range(10)]
    assert writes.batches == [[f"e{i}" for i in range(10)]]


async def test_a_failing_write_fails_every_caller_of_its_batch() -> None:
    writes = Writes(fail=True)
    batches = GroupCommit(writes, window_s=0.05, max_batch=100)
    results = await asyncio.gather(*(batches.submit(f"e{i}") for i in range(5)), return_exceptions=True)
    assert len(writes.batches) == 1
    assert all(isinstance(r, OSError) for r in results)


async def test_a_full_batch_is_written_and_the_rest_goes_to_the_next() -> None:
    writes = Writes()
    batches = GroupCommit(writes, window_s=0.05, max_batch=4)
    results = await asyncio.gather(*(batches.submit(f"e{i}") for i in range(10)))
    assert results == [f"E{i}" for i in range(10)]
    assert [len(b) for b in writes.batches] == [4, 4, 2]


async def test_a_caller_that_gives_up_does_not_cancel_the_others() -> None:
    writes = Writes()
    batches = GroupCommit(writes, window_s=0.05, max_batch=100)
    leaving = asyncio.create_task(batches.submit("gone"))
    staying = asyncio.create_task(batches.submit("kept"))
    await asyncio.sleep(0)
    leaving.cancel()
    assert await staying == "KEPT"
    assert writes.batches == [["gone", "kept"]]  # still written: the inbox sweep answers it later
    with pytest.raises(asyncio.CancelledError):
        await leaving


async def test_after_a_failed_batch_the_next_one_is_written() -> None:
    writes = Writes(fail=True)
    batches = GroupCommit(writes, window_s=0, max_batch=100)
    with pytest.raises(OSError):
        await batches.submit("first")
    writes.fail = False
    assert await batches.submit("second") == "SECOND"


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        GroupCommit(Writes(), max_batch=0)
