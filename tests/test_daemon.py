"""The daemon and fetch as real processes: signals, and a kill in the middle of a cycle."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from pipeline.daemon import REPEAT_WINDOW_SECONDS, StopAction, stop_action
from pipeline.db.engine import make_engine
from pipeline.db.models import Article, FeedItem
from tests.support.builders import Item, article_html, rss, unique_paragraphs
from tests.support.helpers import write_config
from tests.support.processes import running, start, stop, wait_for

pytestmark = pytest.mark.slow
STORIES = 24


def serve_slow_stories(server: HTTPServer, delay: float) -> str:
    def page(request: Request) -> Response:
        time.sleep(delay)
        return Response(article_html(request.path, unique_paragraphs(request.path)), content_type="text/html")

    for n in range(STORIES):
        server.expect_request(f"/story/{n}").respond_with_handler(page)
    items = [Item(f"Story {n}", server.url_for(f"/story/{n}"), guid=f"s{n}") for n in range(STORIES)]
    server.expect_request("/feed.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    return server.url_for("/feed.xml")


def slow_feed_config(tmp_path: Path, database_url: str, server: HTTPServer, delay: float) -> Path:
    """A config with one feed of slow stories, 4 fetched at a time: a cycle long enough to stop midway."""
    config = write_config(tmp_path, database_url, {"desk": serve_slow_stories(server, delay)})
    text = config.read_text().replace("settings:\n", "settings:\n  max_connections_per_host: 4\n")
    config.write_text(text)
    return config


def counts(database_url: str) -> tuple[int, int, int]:
    """Articles, feed items, and articles without text (a half-written story would show here)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return (
                connection.scalar(select(func.count()).select_from(Article)) or 0,
                connection.scalar(select(func.count()).select_from(FeedItem)) or 0,
                connection.scalar(select(func.count()).select_from(Article).where(Article.text == "")) or 0,
            )
    except Exception:  # the schema may not exist yet while the process starts
        return (0, 0, 0)
    finally:
        engine.dispose()


def test_sigterm_lets_in_flight_fetches_finish(
    tmp_path: Path, database_url: str, httpserver: HTTPServer
) -> None:
    config = slow_feed_config(tmp_path, database_url, httpserver, delay=0.5)
    with running(config, "run") as daemon:
        wait_for(lambda: counts(database_url)[0] >= 2, timeout=40)  # mid-cycle: some stories stored
        stderr = stop(daemon, signal.SIGTERM, timeout=40)
    assert daemon.returncode == 0, stderr
    assert "received SIGTERM" in stderr
    assert "daemon stopped" in stderr
    assert "daemon started: 1 feed scheduled, 0 digest recipients" in stderr
    assert f"feed=desk url={httpserver.url_for('/feed.xml')} result=ok" in stderr
    assert counts(database_url) == (STORIES, STORIES, 0)  # the cycle in flight was finished, not dropped


def test_a_stop_signal_delivered_twice_at_once_is_one_request(
    tmp_path: Path, database_url: str, httpserver: HTTPServer
) -> None:
    """`timeout` and `kill -- -PGID` signal the daemon twice, directly and through its process group. A
    second copy arriving during the drain used to find the handler gone and kill the daemon there."""
    config = slow_feed_config(tmp_path, database_url, httpserver, delay=0.5)
    with running(config, "run") as daemon:
        wait_for(lambda: counts(database_url)[0] >= 2, timeout=40)
        daemon.send_signal(signal.SIGTERM)
        time.sleep(0.3)  # the second copy lands while the daemon drains, within the repeat window
        stderr = stop(daemon, signal.SIGTERM, timeout=40)
    assert daemon.returncode == 0, stderr
    assert "received SIGTERM again: already stopping" in stderr
    assert "daemon stopped" in stderr
    assert "leaked" not in stderr
    assert counts(database_url) == (STORIES, STORIES, 0)  # drained in full, as after one signal


def test_a_second_stop_request_cancels_in_flight_fetches(
    tmp_path: Path, database_url: str, httpserver: HTTPServer
) -> None:
    config = slow_feed_config(tmp_path, database_url, httpserver, delay=2.0)
    with running(config, "run") as daemon:
        wait_for(lambda: counts(database_url)[0] >= 2, timeout=40)
        daemon.send_signal(signal.SIGINT)
        time.sleep(1.5)  # past the window in which a repeat counts as the same request
        stderr = stop(daemon, signal.SIGINT, timeout=40)
    assert daemon.returncode == 0, stderr
    assert "received SIGINT again: cancelling" in stderr
    assert "on a second stop request" in stderr
    assert "feed=desk fetch cancelled by the stop" in stderr
    assert "Traceback" not in stderr  # a cancellation the stop asked for is not a failed job
    assert "daemon stopped" in stderr
    stored, items, empty = counts(database_url)
    assert stored < STORIES  # the rest were cancelled, not waited for (12 s more at 4 pages per 2 s)
    assert (items, empty) == (stored, 0)  # and what was stored is whole


def test_kill_in_the_middle_of_fetch_then_rerun(
    tmp_path: Path, database_url: str, httpserver: HTTPServer
) -> None:
    config = write_config(tmp_path, database_url, {"desk": serve_slow_stories(httpserver, delay=0.3)})
    with running(config, "fetch") as first:
        wait_for(lambda: counts(database_url)[0] >= 3, timeout=40)
        stop(first, signal.SIGKILL, timeout=10)
    stored, items, empty = counts(database_url)
    assert 3 <= stored < STORIES  # killed halfway
    assert (items, empty) == (stored, 0)  # every stored story is whole, with its entry

    second = start(config, "fetch")
    stdout, stderr = second.communicate(timeout=60)
    assert second.returncode == 0, stderr
    assert counts(database_url) == (STORIES, STORIES, 0)
    assert re.search(rf"new articles\s*│\s*{STORIES - stored}\b", stdout)


@pytest.mark.parametrize(
    ("first_at", "now", "action"),
    [
        (None, 100.0, StopAction.STOP),
        (100.0, 100.0, StopAction.SAME),
        (100.0, 100.0 + REPEAT_WINDOW_SECONDS - 0.01, StopAction.SAME),
        (100.0, 100.0 + REPEAT_WINDOW_SECONDS, StopAction.FORCE),
        (100.0, 160.0, StopAction.FORCE),
    ],
)
def test_stop_action(first_at: float | None, now: float, action: StopAction) -> None:
    assert stop_action(first_at, now) is action


def test_a_worker_whose_parent_is_already_gone_exits_at_once() -> None:
    """The parent killed before a worker starts to watch it: the worker ends instead of waiting for
    work for ever (and keeping the forkserver and its resource tracker alive with it)."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pipeline.workers import start_worker; "
            f"start_worker({gone.pid}); time.sleep(60)",
        ]
    )
    assert worker.wait(timeout=20) == 0


def processes_marked(marker: str) -> list[int]:
    """PIDs of live processes whose environment holds marker (a dealpulse and everything it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in environment and state != "Z":
            found.append(int(entry.name))
    return found


def test_fetch_killed_at_any_moment_of_its_start_leaves_no_process_behind(
    tmp_path: Path, database_url: str, httpserver: HTTPServer
) -> None:
    config = write_config(tmp_path, database_url, {"desk": serve_slow_stories(httpserver, delay=0.3)})
    for step in range(10):
        marker = f"ORPHAN_CHECK_{os.getpid()}_{step}"
        os.environ[marker] = "1"
        try:
            process = start(config, "fetch")
        finally:
            del os.environ[marker]
        time.sleep(0.4 + 0.12 * step)
        process.kill()
        process.communicate(timeout=10)
        try:
            wait_for(lambda marker=marker: not processes_marked(marker), timeout=10)
        except AssertionError:
            left = processes_marked(marker)
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            raise AssertionError(
                f"killed {step * 0.12 + 0.4:.2f}s in, {len(left)} processes were left"
            ) from None
