"""The worker pool: recycled after a number of tasks without ever stalling a backlog; calls batched when
they queue up, each with its own result or failure."""

from __future__ import annotations

import asyncio
import operator
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.workers import BatchedCalls, WorkerPool, batch_size


def test_a_backlog_far_past_the_recycling_point_all_completes_in_fresh_workers() -> None:
    """Where max_tasks_per_child hangs for ever (CPython gh-115634): 2 workers, 3 tasks each, 60 queued."""
    pool = WorkerPool(2, tasks_per_worker=3)

    async def run_all() -> list[int]:
        # a hang fails the test instead of stalling the suite
        return await asyncio.wait_for(asyncio.gather(*(pool.run(os.getpid) for _ in range(60))), timeout=60)

    try:
        pids = asyncio.run(run_all())
    finally:
        pool.close()
    assert len(pids) == 60
    assert len(set(pids)) > 2  # the pool was replaced along the way
    assert os.getpid() not in pids  # the work ran in worker processes


def test_start_brings_every_worker_up_before_any_work_arrives() -> None:
    import time

    pool = WorkerPool(2)
    try:
        pool.start()
        deadline = time.monotonic() + 30
        while len(pool.worker_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = pool.worker_pids()
        assert len(started) == 2  # both started, with nothing submitted but start's no-ops

        async def run_four() -> list[int]:
            return await asyncio.wait_for(asyncio.gather(*(pool.run(os.getpid) for _ in range(4))), 60)

        pids = asyncio.run(run_four())
        assert set(pids) <= set(started)  # the work ran in those workers
    finally:
        pool.close()


def classifier_word_lists_read() -> dict[str, int]:
    """In a worker: how much of the learned classifier's word lists the process holds."""
    from pipeline.classify.people import given_names
    from pipeline.classify.vetting import zipf

    return {
        "given names": given_names.cache_info().currsize,
        "word frequencies": zipf.cache_info().currsize,
    }


def test_workers_start_with_the_classifier_s_word_lists_already_read() -> None:
    """The forkserver reads them once, so no worker spends its first story on them (0.3 s of CPU each)."""
    pool = WorkerPool(2)
    try:
        held = asyncio.run(asyncio.wait_for(pool.run(classifier_word_lists_read), 60))
    finally:
        pool.close()
    assert all(count >= 1 for count in held.values()), held


def test_work_submitted_while_the_workers_are_still_starting_waits_for_them() -> None:
    """start() returns before its workers are up; tasks given at once wait for that start (off the event
    loop) and run in the workers it started, not in extra ones. (Whether the start is still under way when
    they arrive is not asserted: once an earlier test has the forkserver running, a start is quick.)"""
    pool = WorkerPool(2)

    async def start_then_run() -> list[int]:
        pool.start()
        return await asyncio.wait_for(asyncio.gather(*(pool.run(os.getpid) for _ in range(6))), 60)

    try:
        pids = asyncio.run(start_then_run())
        assert len(pool.worker_pids()) == 2
        assert set(pids) <= set(pool.worker_pids())
        assert os.getpid() not in pids
    finally:
        pool.close()


_CONSOLE_SCRIPT = """\
import sys
from pipeline.__main__ import main  # all the generated `dealpulse` script imports
if __name__ == "__main__":
    import asyncio
    from pipeline.workers import WorkerPool

    async def loaded_in_a_worker():
        pool = WorkerPool(1)
        try:
            return await pool.run(eval, "[m for m in MODULES if m in __import__('sys').modules]")
        finally:
            pool.close()

    print(asyncio.run(loaded_in_a_worker()))
"""


def test_workers_under_the_dealpulse_command_do_not_load_the_whole_application(tmp_path: Path) -> None:
    """multiprocessing re-imports the main script in every worker: the `dealpulse` script must import only
    the light entry module, not the CLI with SQLAlchemy, aiohttp and the scheduler (a second per worker)."""
    import subprocess
    import sys
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="dealpulse")
    assert script.value == "pipeline.__main__:main"
    heavy = ["pipeline.cli", "sqlalchemy", "aiohttp", "apscheduler", "rich"]
    path = tmp_path / "dealpulse"
    path.write_text(_CONSOLE_SCRIPT.replace("MODULES", repr(heavy)))
    result = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_parent_process_leaves_trafilatura_to_the_workers() -> None:
    """Only workers extract; importing trafilatura in the parent was 0.2 s of every command's start."""
    import subprocess
    import sys

    check = "import sys, pipeline.cli, pipeline.daemon; print('trafilatura' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# A process that keeps a page in a worker for 2 s and survives SIGTERM itself, as the daemon does (it stops
# after its in-flight work). It prints "running" once the task is in a worker, then how the task ended.
_STOPPED_MID_TASK = """
import asyncio, signal, sys, time
from pipeline.workers import WorkerPool
signal.signal(signal.SIGTERM, lambda *_: None)
pool = WorkerPool(2)
pool.start()
async def main():
    await pool.run(time.sleep, 0)  # the workers are up
    task = asyncio.ensure_future(pool.run(time.sleep, 2))
    await asyncio.sleep(0.3)
    print("running", flush=True)
    try:
        await task
        print("finished")
    except Exception as exc:
        print(type(exc).__name__)
asyncio.run(main())
pool.close()
"""


def test_a_stop_signal_to_the_whole_process_group_leaves_the_work_in_flight_to_finish() -> None:
    """`timeout`, `kill -- -PGID` and Ctrl-C signal every process of the group. The forkserver used to die
    of it, the pool broke, and the pages being extracted were stored without their text."""
    child = subprocess.Popen(
        [sys.executable, "-c", _STOPPED_MID_TASK],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, so the signal below reaches no one else
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "running"
        os.killpg(child.pid, signal.SIGTERM)
        out, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert out.strip() == "finished"
    assert child.returncode == 0


@pytest.mark.parametrize(
    ("waiting", "workers", "expected"),
    [(0, 2, 1), (1, 2, 1), (2, 2, 1), (3, 2, 2), (7, 2, 4), (8, 2, 4), (500, 2, 4), (5, 1, 4), (9, 4, 3)],
)
def test_a_batch_takes_an_even_share_of_the_waiting_calls_up_to_the_limit(
    waiting: int, workers: int, expected: int
) -> None:
    assert batch_size(waiting, workers, max_batch=4) == expected


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = threading.Lock()


def divide_or_die(a: int, b: int) -> float:
    """In a worker: a / b; b == -1 raises an exception that cannot travel back; b == -2 kills the worker."""
    if b == -1:
        raise Unpicklable
    if b == -2:
        os._exit(1)
    return a / b


def run_batched(pool: WorkerPool, function: object, calls: list[tuple[int, int]]) -> list[object]:
    batched = BatchedCalls(pool, function)  # type: ignore[arg-type]

    async def all_of_them() -> list[object]:
        tasks = [batched(a, b) for a, b in calls]
        return await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)

    return asyncio.run(all_of_them())


def test_queued_calls_go_out_in_batches_and_each_gets_its_own_result_or_error() -> None:
    pool = WorkerPool(2)
    calls = [(n, n % 5) for n in range(40)]  # every fifth divides by zero
    try:
        outcomes = run_batched(pool, operator.truediv, calls)
        tasks_sent = pool.tasks_given
    finally:
        pool.close()
    for (a, b), outcome in zip(calls, outcomes, strict=True):
        if b == 0:
            assert isinstance(outcome, ZeroDivisionError)
        else:
            assert outcome == a / b
    assert 10 <= tasks_sent < 40  # batches of up to 4, not a task per call


def test_an_exception_that_cannot_be_pickled_fails_its_call_alone_and_is_named() -> None:
    pool = WorkerPool(2)
    try:
        outcomes = run_batched(pool, divide_or_die, [(6, 3), (1, -1), (8, 2)])
    finally:
        pool.close()
    assert outcomes[0] == 2
    assert outcomes[2] == 4
    assert isinstance(outcomes[1], RuntimeError)
    assert "Unpicklable: holds a lock" in str(outcomes[1])


def test_a_worker_dying_fails_the_calls_in_flight_and_the_next_calls_run_in_a_new_pool() -> None:
    from concurrent.futures.process import BrokenProcessPool

    pool = WorkerPool(2)
    try:
        outcomes = run_batched(pool, divide_or_die, [(1, -2)] + [(n, 1) for n in range(8)])
        after = run_batched(pool, divide_or_die, [(n, 2) for n in range(8)])
    finally:
        pool.close()
    assert isinstance(outcomes[0], BrokenProcessPool)
    # the others either ran before the death or were in flight with it: none is lost without an error
    assert all(o == n or isinstance(o, BrokenProcessPool) for n, o in enumerate(outcomes[1:]))
    assert after == [n / 2 for n in range(8)]


def test_a_cancelled_call_leaves_the_others_their_results() -> None:
    pool = WorkerPool(2)
    batched = BatchedCalls(pool, time.sleep)

    async def cancel_one() -> list[object]:
        tasks = [asyncio.ensure_future(batched(0.2)) for _ in range(6)]
        await asyncio.sleep(0.05)
        tasks[1].cancel()
        return await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)

    try:
        outcomes = asyncio.run(cancel_one())
    finally:
        pool.close()
    assert isinstance(outcomes[1], asyncio.CancelledError)
    assert outcomes[:1] + outcomes[2:] == [None] * 5
