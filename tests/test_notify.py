"""Deals to chat and other services: a recipient's `notify:` URLs (Apprise's json:// here, a generic JSON
webhook) reached on 127.0.0.1 by a real HTTP receiver: each deal once per destination, with the digest or
as each arrives, a failing receiver retried with backoff and shown in `status`."""

from __future__ import annotations

import json
import signal
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipeline.clock import utc_now
from pipeline.config import Settings, load_config
from pipeline.db.ledger import Ledger
from pipeline.db.notifications import NotificationTable
from pipeline.db.store import Store
from pipeline.digest.service import DigestPolicy, DigestService
from pipeline.digest.transport import OutboxTransport
from pipeline.errors import ConfigError
from pipeline.notify import AppriseNotifier, NotificationService, NotifyPolicy, message
from tests.support.deal_stories import launch, store_story, strategic
from tests.support.digests import ANA, SEND, seed_deals
from tests.support.helpers import invoke, write_config
from tests.support.processes import StderrLines, running, stop, wait_for


class Receiver:
    """A webhook on 127.0.0.1 that records each message it takes and can refuse the first ones."""

    def __init__(self, httpserver: HTTPServer, refuse: int = 0) -> None:
        self.messages: list[dict[str, Any]] = []
        self.refused = 0
        self._refuse = refuse
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self._take)
        self.url = f"json://127.0.0.1:{httpserver.port}/hook"

    def _take(self, request: Request) -> Response:
        if self.refused < self._refuse:
            self.refused += 1
            return Response("busy", status=500)
        self.messages.append(json.loads(request.get_data()))
        return Response("ok")


def service(store: Store, *recipients: Any, min_confidence: float = 0.0) -> NotificationService:
    policy = NotifyPolicy(min_confidence=min_confidence, retry_first=timedelta(minutes=1))
    return NotificationService(NotificationTable(store.engine), recipients, AppriseNotifier(), policy)


def test_each_deal_goes_once_to_a_destination_that_takes_each_as_it_comes(
    store: Store, httpserver: HTTPServer
) -> None:
    seed_deals(store)
    receiver = Receiver(httpserver)
    notifier = service(store, replace(ANA, notify=(receiver.url,), notify_when="each"))
    (delivery,) = notifier.send_due(SEND)
    assert (delivery.outcome, delivery.deals) == ("sent", 4)
    (sent,) = receiver.messages
    stored = store.deals.find()
    assert sent["title"] == "4 AI deals"
    for deal in stored:
        assert deal.headline in sent["message"]
    assert notifier.send_due(SEND + timedelta(minutes=1)) == []  # nothing new, nothing again
    later = SEND + timedelta(hours=1)
    store_story(store, [launch("Quillmark", "Claimbot")], published_at=later, recorded_at=later)
    (new,) = notifier.send_due(later + timedelta(seconds=1))
    assert new.deals == 1
    assert (
        receiver.messages[-1]["title"] == "Quillmark launches Claimbot"
        or "Claimbot" in receiver.messages[-1]["title"]
    )
    assert len(receiver.messages) == 2


def test_a_recipient_s_filters_choose_what_each_destination_gets(
    store: Store, httpserver: HTTPServer
) -> None:
    seed_deals(store)
    receiver = Receiver(httpserver)
    launches_only = replace(ANA, notify=(receiver.url,), notify_when="each", types=("launch",))
    (delivery,) = service(store, launches_only).send_due(SEND)
    assert delivery.deals == len([d for d in store.deals.find() if d.type == "launch"])


def test_with_the_digest_a_destination_gets_the_digest_s_deals_when_it_is_made(
    store: Store, httpserver: HTTPServer, tmp_path: Path
) -> None:
    seed_deals(store)
    receiver = Receiver(httpserver)
    ana = replace(ANA, notify=(receiver.url,))
    notifier = service(store, ana)
    assert notifier.send_due(SEND - timedelta(hours=2)) == []  # no digest yet: nothing to tell
    ledger = Ledger(store.engine)
    policy = DigestPolicy.of(Settings(data_dir=tmp_path))
    DigestService(ledger, (ana,), OutboxTransport(tmp_path / "outbox"), policy, store.feeds).send_due(SEND)
    (entry,) = ledger.entries()
    (delivery,) = notifier.send_due(SEND)
    assert delivery.deals == entry.deal_count
    (sent,) = receiver.messages
    for deal in ledger.deals_of(entry.id):
        assert deal.headline in sent["message"]
    assert notifier.send_due(SEND + timedelta(minutes=5)) == []


def test_a_failing_receiver_is_retried_with_backoff_and_shown_until_it_takes_the_deals(
    store: Store, httpserver: HTTPServer, tmp_path: Path, database_url: str
) -> None:
    seed_deals(store)
    receiver = Receiver(httpserver, refuse=2)
    notifier = service(store, replace(ANA, notify=(receiver.url,), notify_when="each"))
    (first,) = notifier.send_due(SEND)
    assert first.outcome == "failed"
    assert "error=500" in first.detail
    (state,) = NotificationTable(store.engine).states()
    assert (state.pending, state.sent) == (4, 0)
    assert state.last_error == first.detail
    assert state.next_attempt_at == SEND + timedelta(minutes=1)
    assert notifier.send_due(SEND + timedelta(seconds=30)) == []  # not due yet: no request
    assert receiver.refused == 1
    (second,) = notifier.send_due(SEND + timedelta(minutes=1))
    assert second.outcome == "failed"
    assert NotificationTable(store.engine).states()[0].next_attempt_at == SEND + timedelta(minutes=3)
    # `status` says so, the token-bearing URL masked by Apprise
    config = write_config(tmp_path, database_url, {})
    config.write_text(
        config.read_text() + f"recipients:\n  - address: ana@example.com\n    notify: ['{receiver.url}']\n"
    )
    code, output = invoke("--config", str(config), "status")
    assert code == 0, output
    assert "Notifications" in output
    assert "json://127.0.0.1" in output
    (third,) = notifier.send_due(SEND + timedelta(minutes=3))
    assert third.outcome == "sent"
    assert len(receiver.messages) == 1
    (state,) = NotificationTable(store.engine).states()
    assert (state.pending, state.sent, state.last_error) == (0, 4, None)


def test_two_recipients_listing_one_destination_send_each_deal_there_once(
    store: Store, httpserver: HTTPServer
) -> None:
    seed_deals(store)
    receiver = Receiver(httpserver)
    ana = replace(ANA, notify=(receiver.url,), notify_when="each")
    bo = replace(ANA, address="bo@example.com", notify=(receiver.url,), notify_when="each")
    deliveries = service(store, ana, bo).send_due(SEND)
    assert [d.deals for d in deliveries] == [4]
    assert len(receiver.messages) == 1


def test_a_message_lists_its_deals_oldest_first_with_amounts_and_a_link(store: Store) -> None:
    seed_deals(store)
    deals = store.deals.find()
    title, body = message(deals)
    assert title == f"{len(deals)} AI deals"
    lines = body.splitlines()
    assert len(lines) == len(deals)
    assert [line for line in lines if "EUR 15M" in line]
    assert all("](https://" in line for line in lines)
    assert message(deals[:1])[0] == deals[0].headline


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ("notify: ['nonsense://x']", "a nonsense:// URL that Apprise does not take"),
        ("notify: ['slack://']", "a slack:// URL that Apprise does not take"),
        ("notify_when: hourly", "notify_when"),
    ],
)
def test_a_bad_notify_entry_is_a_one_line_configuration_error(tmp_path: Path, entry: str, error: str) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(f"recipients:\n  - address: ana@example.com\n    {entry}\n")
    with pytest.raises(ConfigError, match=error) as caught:
        load_config(path)
    assert "line 3" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.slow
def test_the_daemon_notifies_each_deal_once_across_a_kill_and_a_restart(
    tmp_path: Path, database_url: str, store: Store, httpserver: HTTPServer
) -> None:

    now = utc_now()
    store_story(
        store, [strategic("Microsoft", "Mistral AI", 15e6, "EUR", 16.3e6)], published_at=now, recorded_at=now
    )
    receiver = Receiver(httpserver)
    config = write_config(tmp_path, database_url, {})
    config.write_text(
        config.read_text().replace("feeds:\n", "feeds: []\n")
        + f"recipients:\n  - address: ana@example.com\n    send_at: '{(now + timedelta(hours=6)):%H:%M}'\n"
        f"    notify: ['{receiver.url}']\n    notify_when: each\n"
    )
    table = NotificationTable(store.engine)
    with running(config, "run") as first:
        # killed once the send is recorded; a kill between the POST and the record sends again (at-least-once)
        wait_for(lambda: [(s.sent, s.pending) for s in table.states()] == [(1, 0)], timeout=30)
        stop(first, signal.SIGKILL, timeout=10)
    with running(config, "run") as second:
        lines = StderrLines(second)
        lines.wait_for("daemon started", timeout=60)  # its stop signals are handled from here on
        time.sleep(3)  # three ticks of the test-mode job: room for a wrong second send
        stderr = lines.stop(signal.SIGTERM, timeout=30)
    assert second.returncode == 0, stderr
    assert len(receiver.messages) == 1
    (state,) = table.states()
    assert (state.sent, state.pending) == (1, 0)
