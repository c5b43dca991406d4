"""The worker pool: recycled after a number of tasks without ever stalling a backlog."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from pipeline.workers import WorkerPool


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
        executor = pool._pool
        assert executor is not None
        deadline = time.monotonic() + 30
        while len(executor._processes) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(executor._processes) == 2  # both started, with nothing submitted but start's no-ops

        async def run_four() -> list[int]:
            return await asyncio.wait_for(asyncio.gather(*(pool.run(os.getpid) for _ in range(4))), 60)

        pids = asyncio.run(run_four())
        assert set(pids) <= set(executor._processes)  # the work ran in those workers
    finally:
        pool.close()


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
        executor = pool._pool
        assert executor is not None
        assert len(executor._processes) == 2
        assert set(pids) <= set(executor._processes)
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
