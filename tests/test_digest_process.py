"""The digest with real processes: the daemon killed and restarted around the send time, and a sender
killed in the middle of the SMTP conversation. One message each time."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline.clock import utc_now
from pipeline.db.engine import make_engine
from pipeline.db.ledger import Ledger
from pipeline.db.migrate import upgrade
from pipeline.db.store import Store
from tests.support.deal_stories import launch, store_story, strategic
from tests.support.helpers import write_config
from tests.support.processes import running, start, stop, wait_for
from tests.support.smtp import Recorder, free_port, smtp_server

pytestmark = pytest.mark.slow


def seed(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    store = Store(engine)
    an_hour_ago = utc_now() - timedelta(hours=1)
    store_story(
        store,
        [strategic("Microsoft", "Mistral AI", 15e6, "EUR", 16.3e6)],
        published_at=an_hour_ago,
        recorded_at=an_hour_ago,
    )
    store_story(store, [launch("Mistral AI", "Le Chat")], published_at=an_hour_ago, recorded_at=an_hour_ago)
    engine.dispose()


def config_with_recipient(tmp_path: Path, database_url: str, port: int, smtp_timeout: float) -> Path:
    """A recipient whose send time passed two minutes ago (UTC), and SMTP on the loopback port."""
    send_at = (utc_now() - timedelta(minutes=2)).strftime("%H:%M")
    path = write_config(tmp_path, database_url, {})
    text = path.read_text().replace(
        "settings:\n",
        "settings:\n"
        "  smtp_host: 127.0.0.1\n"
        f"  smtp_port: {port}\n"
        "  smtp_security: none\n"
        f"  smtp_timeout: {smtp_timeout}\n",
    )
    text = text.replace("feeds:\n", "feeds: []\n")
    path.write_text(text + f"recipients:\n  - address: ana@example.com\n    send_at: '{send_at}'\n")
    return path


def ledger(database_url: str) -> list[tuple[str, int]]:
    engine = make_engine(database_url)
    try:
        return [(e.status, e.deal_count) for e in Ledger(engine).entries()]
    finally:
        engine.dispose()


def send_until_sent(config: Path, timeout: float) -> list[str]:
    """`digest --send` run again and again until it sends or the time is up: each run's output."""
    outputs: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        attempt = start(config, "digest", "--send")
        stdout, stderr = attempt.communicate(timeout=30)
        assert attempt.returncode == 0, stderr
        outputs.append(stdout)
        if "sent," in stdout:
            return outputs
    raise AssertionError(f"no digest sent within {timeout} s: {outputs[-1] if outputs else ''}")


def test_daemon_killed_after_sending_and_restarted_sends_nothing_more(
    tmp_path: Path, database_url: str
) -> None:
    seed(database_url)
    server = Recorder()
    with smtp_server(server) as port:
        config = config_with_recipient(tmp_path, database_url, port, smtp_timeout=5)
        with running(config, "run") as first:
            # killed once the send is recorded: a kill between the server's 250 and the ledger's update is
            # the at-least-once window the README describes (the retry reuses the Message-ID)
            wait_for(lambda: len(server.messages) == 1 and ledger(database_url) == [("sent", 2)], timeout=30)
            stop(first, signal.SIGKILL, timeout=10)
        with running(config, "run") as second:
            time.sleep(4)  # the digest job runs at start
            stderr = stop(second, signal.SIGTERM, timeout=30)
        assert second.returncode == 0, stderr
        assert "0 feeds scheduled, 1 digest recipient," in stderr
    assert len(server.messages) == 1
    assert ledger(database_url) == [("sent", 2)]


class StallingRecorder(Recorder):
    """Holds DATA without an answer until released, then answers 451 (not taken): a sender can be killed
    while it waits."""

    def __init__(self) -> None:
        super().__init__()
        self.in_data = threading.Event()
        self.release = threading.Event()
        self.stall = True

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.stall:
            return await super().handle_DATA(server, session, envelope)
        self.in_data.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        return "451 4.3.0 not taken"


def test_sender_killed_mid_conversation_is_retried_once_after_its_lease(
    tmp_path: Path, database_url: str
) -> None:
    seed(database_url)
    server = StallingRecorder()
    with smtp_server(server, port=free_port()) as port:
        config = config_with_recipient(tmp_path, database_url, port, smtp_timeout=1)
        with running(config, "digest", "--send") as killed:
            assert server.in_data.wait(timeout=30)
            stop(killed, signal.SIGKILL, timeout=10)  # the server has the data but never said it took it
        server.release.set()
        server.stall = False
        assert ledger(database_url) == [("pending", 2)]
        held = start(config, "digest", "--send")
        stdout, _ = held.communicate(timeout=30)
        assert "no digest due now" in stdout  # the dead sender's lease (10 x smtp_timeout + 0.5 s) holds
        outputs = send_until_sent(config, timeout=40)
        assert all("no digest due now" in o for o in outputs[:-1])  # nothing sent while the lease held
        assert "ana@example.com: sent, 2 deals" in outputs[-1]
    assert len(server.messages) == 1
    assert ledger(database_url) == [("sent", 2)]


def test_daemon_killed_mid_send_and_restarted_sends_exactly_once(tmp_path: Path, database_url: str) -> None:
    seed(database_url)
    server = StallingRecorder()
    with smtp_server(server, port=free_port()) as port:
        config = config_with_recipient(tmp_path, database_url, port, smtp_timeout=1)
        with running(config, "run") as first:
            assert server.in_data.wait(timeout=30)  # the daemon is in the middle of sending
            stop(first, signal.SIGKILL, timeout=10)
        server.release.set()
        server.stall = False
        assert ledger(database_url) == [("pending", 2)]
        # the restarted daemon looks every second (test mode) and sends once the dead one's lease ends
        with running(config, "run") as second:
            wait_for(lambda: len(server.messages) == 1, timeout=30)
            time.sleep(2)  # room for a wrong second send
            stderr = stop(second, signal.SIGTERM, timeout=30)
        assert second.returncode == 0, stderr
    assert len(server.messages) == 1
    assert ledger(database_url) == [("sent", 2)]
