"""Worker processes for the CPU-bound stages (feed parsing, text extraction, classification), so they use
every core and never block the event loop that does the fetching."""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import pickle
import select
import signal
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from typing import Any, Generic, ParamSpec, TypeVar

from pipeline.extract import quiet_worker_logging
from pipeline.stopping import STOP_SIGNALS

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")
# The pool is replaced after this many tasks per worker (a batch of pages is one task), so a slow leak in a
# parser cannot grow without bound. Not with ProcessPoolExecutor's max_tasks_per_child: on Python 3.11 to
# 3.15b3 a pool using it stops starting workers once one retires with tasks queued, and hangs for ever
# (CPython gh-115634).
TASKS_PER_WORKER = 500
_START_POLL = 0.01  # seconds between looks at a start under way


class WorkerPool:
    """A process pool started on first use and rebuilt if a worker dies (a parser crash takes out one
    task, not the daemon)."""

    def __init__(self, workers: int = 0, tasks_per_worker: int = TASKS_PER_WORKER) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._recycle_after = self.workers * tasks_per_worker
        self._pool: ProcessPoolExecutor | None = None
        self._tasks = 0  # given to the current pool
        self._starting: threading.Thread | None = None  # start()'s thread, while it may be running

    def _ensure(self) -> ProcessPoolExecutor:
        if self._pool is not None and self._tasks >= self._recycle_after:
            retired, self._pool = self._pool, None
            retired.shutdown(wait=False)  # its queued tasks still finish; new ones go to a fresh pool
        if self._pool is None:
            self._tasks = 0
            # forkserver: workers fork from a clean process with the parsers already imported, never
            # from this one with its threads and event loop.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(
                [
                    "trafilatura",
                    "pipeline.extract",
                    "pipeline.feeds",
                    "pipeline.classify",
                    "pipeline.classify.warm",
                ]
            )
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=start_worker,
                initargs=(os.getpid(),),
            )
        self._tasks += 1
        return self._pool

    def start(self) -> None:
        """Start every worker now, in a thread of its own. The first start waits for the forkserver's
        imports (trafilatura, feedparser: about 0.3 s); done here it would hold up the event
        loop, and with it the first feed's download, instead of overlapping it."""
        pools = [self._ensure() for _ in range(self.workers)]
        _forkserver_shielded_from_stop_signals()  # once, here: not at every recycle of the pool
        self._starting = threading.Thread(
            target=_submit_no_ops, args=(pools,), name="worker-pool-start", daemon=True
        )
        self._starting.start()

    async def _started(self) -> None:
        """Wait, without blocking the event loop, for a start still under way: a submit meanwhile would
        block the loop on the pool's lock until the forkserver is up. Polled rather than joined in a
        thread, so the many feeds of a cycle's first moments do not each take a thread to wait."""
        starting = self._starting
        if starting is not None:
            while starting.is_alive():
                await asyncio.sleep(_START_POLL)
            self._starting = None

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        await self._started()
        pool = self._ensure()
        try:
            return await asyncio.get_running_loop().run_in_executor(
                pool, functools.partial(function, *args, **kwargs)
            )
        except BrokenProcessPool:
            log.error("a worker process died; starting a new pool")
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise

    @property
    def tasks_given(self) -> int:
        """Tasks given to the current set of workers (counted afresh when they are recycled)."""
        return self._tasks

    def worker_pids(self) -> list[int]:
        """Process ids of the current set of workers that have started."""
        pool = self._pool
        # ProcessPoolExecutor keeps its processes private; this is the one place that reads them
        return sorted(pool._processes) if pool is not None and pool._processes else []

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def batch_size(waiting: int, workers: int, max_batch: int) -> int:
    """How many of the waiting calls the next batch takes: an even share per worker, at most max_batch.
    Pure. A short queue (a cycle's start and end) goes out a call or two at a time, so no worker idles
    while another works through a long batch."""
    return max(1, min(max_batch, -(-waiting // workers)))


_Call = tuple[tuple[Any, ...], dict[str, Any]]  # one call's positional and keyword arguments


class BatchedCalls(Generic[P, T]):
    """One function called in the worker pool, the calls sent to the workers in batches when they queue.

    Each task through ProcessPoolExecutor costs this process CPU (the pool's manager and feeder threads, its
    pipes, a wake-up of the event loop), on the same cores as the extraction; in batches that cost is paid
    once for several pages (docs/performance.md has the figures). A batch holds only calls already waiting: at
    most workers + 1 batches are out at once (one at work in each worker, one queued so that none waits for
    the next) and the rest wait here, where the next batch is made of them. A call that raises fails alone; a
    worker that dies fails the calls of the batches in flight, as it failed every task in flight without
    batches."""

    def __init__(self, pool: WorkerPool, function: Callable[P, T], max_batch: int = 4) -> None:
        self._pool = pool
        self._function = function
        self._max_batch = max_batch
        self._waiting: deque[tuple[_Call, asyncio.Future[T]]] = deque()
        self._out = 0  # batches sent and not yet answered
        self._sending: set[asyncio.Task[None]] = set()  # held: the event loop keeps only weak references

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append(((args, kwargs), future))
        self._send()
        return await future  # if this is cancelled, the batch still runs and this call's result is dropped

    def _send(self) -> None:
        workers = self._pool.workers
        while self._waiting and self._out < workers + 1:
            size = batch_size(len(self._waiting), workers, self._max_batch)
            taken = [self._waiting.popleft() for _ in range(min(size, len(self._waiting)))]
            batch = [(call, future) for call, future in taken if not future.done()]  # not the cancelled
            if batch:
                self._out += 1
                task = asyncio.ensure_future(self._run(batch))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)

    async def _run(self, batch: list[tuple[_Call, asyncio.Future[T]]]) -> None:
        futures = [future for _, future in batch]
        try:
            outcomes = await self._pool.run(_call_each, self._function, [call for call, _ in batch])
        except asyncio.CancelledError:  # the event loop is closing: cancel the calls, send no more batches
            for future in futures:
                future.cancel()  # a no-op for one already done
            raise
        except Exception as exc:  # the batch as a whole: a worker died
            outcomes = [(False, exc)] * len(futures)
        finally:
            self._out -= 1
        for future, (succeeded, value) in zip(futures, outcomes, strict=True):
            if future.done():  # its caller was cancelled
                continue
            if succeeded:
                future.set_result(value)
            else:
                future.set_exception(value)
        self._send()


def _call_each(function: Callable[..., Any], calls: Sequence[_Call]) -> list[tuple[bool, Any]]:
    """Runs in a worker: each call's result or exception, so that one call's failure is its own. An
    exception that cannot be pickled back to the parent comes as a RuntimeError that names it."""
    outcomes: list[tuple[bool, Any]] = []
    for args, kwargs in calls:
        try:
            outcomes.append((True, function(*args, **kwargs)))
        except Exception as exc:
            try:
                pickle.dumps(exc)
            except Exception:
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            outcomes.append((False, exc))
    return outcomes


def _forkserver_shielded_from_stop_signals() -> None:
    """Start the forkserver (if it is not running) with the stop signals ignored, which it inherits. A stop
    signal sent to the whole process group reaches the forkserver and the workers too: were the forkserver
    to die of it, the pool would take that for a dead worker and break, and every page being extracted
    would lose its text while the daemon finishes its in-flight fetches. (A blocked mask, as CPython starts
    its resource tracker, does not survive the exec.) The forkserver exits when this process does; each
    worker leaves the group (`start_worker`). Called by start(), before any worker is spawned; only the
    main thread may change a handler, and a SIGTERM in the few milliseconds of the forkserver's start is
    lost."""
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in STOP_SIGNALS}
    try:
        forkserver.ensure_running()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _ready() -> None:
    """A task that does nothing: submitting it makes the pool start a worker."""


def _submit_no_ops(pools: list[ProcessPoolExecutor]) -> None:
    try:
        for pool in pools:
            pool.submit(_ready)
    except Exception:  # the first real task meets the same failure, and reports it where it belongs
        log.warning("worker processes could not be started ahead of time", exc_info=True)


def start_worker(parent_pid: int) -> None:
    """Runs first in every worker: quiet logs, a process group of its own, and exit when the parent dies.

    A worker holds both ends of its task queue, so after a SIGKILL of the parent it would wait for work
    forever. A pidfd becomes readable the moment the parent ends (zombie or not)."""
    quiet_worker_logging()
    # Out of the parent's process group, so a stop signal meant for the group leaves the work in flight to
    # finish; SIGTERM sent to this process alone (the pool's own terminate()) still ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # ignored as in the forkserver until it left the group
    try:
        parent = os.pidfd_open(parent_pid)
    except ProcessLookupError:  # the parent died while this worker was starting: nobody will send work
        os._exit(0)
    except (AttributeError, OSError):  # not Linux 5.3+: the pool's own shutdown is all there is
        return

    def watch() -> None:
        select.select([parent], [], [])
        os._exit(0)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
