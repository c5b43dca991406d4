"""Starting, waiting for and stopping DealPulse as a separate process, the way a user or systemd does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def start(config: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEALPULSE_")}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--config", str(config), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@contextmanager
def running(config: Path, *args: str) -> Iterator[subprocess.Popen[str]]:
    """A dealpulse process, killed on the way out whatever the test did with it."""
    process = start(config, *args)
    try:
        yield process
    finally:
        process.kill()


def stop(process: subprocess.Popen[str], sig: signal.Signals, timeout: float) -> str:
    """Send the signal and wait for the process to end; its stderr."""
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=timeout)
    return stderr


def wait_for(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")
