"""What the benchmarks share: the corpus served from 127.0.0.1, phases run in processes of their own, and
the memory figures they report."""

from __future__ import annotations

import functools
import json
import os
import resource
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BENCH_FEED = "/bench/feeds/bench-all.rss.xml"


class CorpusHandler(SimpleHTTPRequestHandler):
    """Quiet, waits `latency` seconds before each answer (as the internet would), and serves the bench feed
    with its 127.0.0.1:8000 links rewritten to this server's own port."""

    latency = 0.0
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(self.latency)
        if self.path.split("?")[0] != BENCH_FEED:
            super().do_GET()
            return
        body = (Path(self.directory) / BENCH_FEED.lstrip("/")).read_bytes()
        body = body.replace(b"127.0.0.1:8000", f"127.0.0.1:{self.server.server_address[1]}".encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def corpus_feed_files(corpus: Path) -> list[Path]:
    """The corpus's real feeds (289 files under feeds/), by name."""
    return sorted(p for p in (corpus / "feeds").iterdir() if p.suffix in (".xml", ".rss", ".atom", ""))


def corpus_server(folder: Path, latency: float = 0.0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server for the folder on a free port of a loopback address, not yet serving."""
    handler = type("Handler", (CorpusHandler,), {"latency": latency})
    # socketserver's listen backlog is 5: with 32 clients connecting at once the kernel drops SYNs, and each
    # drop costs that connection a 1 s retransmit, which measures the server, not the client. Web servers
    # listen with hundreds (nginx: 511).
    server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 512})
    server = server_class((host, 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    return server


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


class TreeMemory:
    """The resident memory of this process and every process under it (the forkserver, the workers),
    sampled from /proc in a thread while in use: the peak of their sum, and each process's own peak.
    ru_maxrss cannot give the sum: for children it is the largest one alone. Linux only."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_total_mb = 0.0
        self.peak_by_pid: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while True:
            total = 0.0
            for pid in _tree(os.getpid()):
                try:
                    resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page / 1e6
                except (OSError, IndexError, ValueError):  # the process ended meanwhile
                    continue
                total += resident
                self.peak_by_pid[pid] = max(self.peak_by_pid.get(pid, 0.0), resident)
            self.peak_total_mb = max(self.peak_total_mb, total)
            if self._stop.wait(self.interval):
                return


def _tree(pid: int) -> list[int]:
    found = [pid]
    for at in found:
        try:
            threads = list(Path(f"/proc/{at}/task").iterdir())
        except OSError:
            continue
        for thread in threads:
            try:
                found += [int(child) for child in (thread / "children").read_text().split()]
            except OSError:
                continue
    return found


def run_phase_process(module: str, *args: str) -> dict[str, Any]:
    """`python -m module *args` in a process of its own (its memory and caches its own), whose last line
    of output is its figures as JSON; SystemExit with the end of its stderr when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join([module, *args])[:200]} failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures
