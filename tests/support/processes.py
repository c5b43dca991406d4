"""Starting, waiting for and stopping DealPulse as a separate process, the way a user or systemd does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
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


class StderrLines:
    """A process's stderr read line by line as it comes, so that a test can wait for a line: a daemon's
    "daemon started" says its stop signals are handled, where a fixed sleep races a slow start."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: any(text in line for line in self._lines), timeout=timeout):
                raise AssertionError(f"{text!r} not written in {timeout} s: {''.join(self._lines)}")

    def stop(self, sig: signal.Signals, timeout: float) -> str:
        """Send the signal, wait for the process to end, and return all it wrote to stderr."""
        self._process.send_signal(sig)
        self._process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        with self._changed:
            return "".join(self._lines)
