"""Group commit: concurrent writers share transactions, and a bad item fails alone."""

from __future__ import annotations

import asyncio
import threading

from pipeline.groupcommit import GroupCommit


class Ledger:
    """Stands for a database: a batch is all-or-nothing, as a transaction is."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.batches: list[list[int]] = []
        self._lock = threading.Lock()

    def write(self, batch: list[int]) -> None:
        if any(n < 0 for n in batch):
            raise ValueError(f"negative row in {batch}")
        with self._lock:
            self.batches.append(batch)
            self.rows.extend(batch)


def test_concurrent_submits_are_written_once_each_in_fewer_transactions() -> None:
    ledger = Ledger()

    async def run() -> None:
        commit = GroupCommit[int](ledger.write)
        await asyncio.gather(*(commit.submit(n) for n in range(200)))

    asyncio.run(run())
    assert sorted(ledger.rows) == list(range(200))  # every item, once
    assert len(ledger.batches) < 200  # items that arrived during a write shared the next one


def test_a_bad_item_fails_alone_and_the_rest_of_its_batch_is_written() -> None:
    ledger = Ledger()

    async def run() -> list[BaseException | None]:
        commit = GroupCommit[int](ledger.write)
        return await asyncio.gather(*(commit.submit(n) for n in (1, 2, -3, 4, 5)), return_exceptions=True)

    results = asyncio.run(run())
    assert sorted(ledger.rows) == [1, 2, 4, 5]
    failed = results.pop(2)
    assert isinstance(failed, ValueError)
    assert "negative row in [-3]" in str(failed)  # retried alone, failed alone
    assert results == [None, None, None, None]


def test_a_caller_cancelled_mid_write_leaves_no_unretrieved_error() -> None:
    """Its item still fails alone; the error, which no one is left to await, is not reported by asyncio
    as 'exception was never retrieved'."""
    import gc

    ledger = Ledger()
    unhandled: list[dict[str, object]] = []

    async def run() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: unhandled.append(context))
        commit = GroupCommit[int](ledger.write)
        doomed = asyncio.create_task(commit.submit(-1))
        survivor = asyncio.create_task(commit.submit(1))
        await asyncio.sleep(0)  # both submitted: the batch is being written
        doomed.cancel()
        await asyncio.wait_for(survivor, timeout=10)  # a broken writer fails the test instead of hanging it
        await asyncio.sleep(0.05)
        gc.collect()
        await asyncio.sleep(0)

    asyncio.run(run())
    assert ledger.rows == [1]
    assert unhandled == []
