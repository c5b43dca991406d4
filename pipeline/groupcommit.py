"""Group commit: many concurrent writers, one transaction per batch.

A fetch cycle records an outcome for every feed, hundreds at once. One transaction each, from as many
threads, spends more time in lock handoffs than in writing (a re-poll answered 304 by every feed is
mostly those writes). Here each caller still waits until its own item is written, but the items
that arrive while one batch is being written go together in the next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class GroupCommit(Generic[T]):
    """`submit(item)` returns once `write_batch` has stored a batch holding the item (in a thread).

    When a batch fails, its items are written one by one, so a bad item fails alone: its caller gets the
    error, the others are stored."""

    def __init__(self, write_batch: Callable[[list[T]], None]) -> None:
        self._write_batch = write_batch
        self._pending: list[tuple[T, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())
        await asyncio.shield(done)  # a caller cancelled mid-write leaves the batch to finish

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await asyncio.to_thread(self._write_batch, [item for item, _ in batch])
            except Exception:
                log.warning("a batch of %d writes failed; writing them one by one", len(batch), exc_info=True)
                for item, done in batch:
                    try:
                        await asyncio.to_thread(self._write_batch, [item])
                    except Exception as exc:
                        done.set_exception(exc)
            for _, done in batch:
                if not done.done():
                    done.set_result(None)
