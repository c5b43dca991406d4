"""Digests through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, and what happens when the
server is down, slow, refuses a recipient or refuses the login."""

from __future__ import annotations

import logging
import socket
import threading
from datetime import time, timedelta
from time import monotonic, sleep
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult
from pydantic import SecretStr

from pipeline.config import Settings
from pipeline.db.ledger import Ledger
from pipeline.db.store import Store
from pipeline.digest.service import DigestPolicy, DigestService, transport_for
from pipeline.records import Recipient
from tests.support.digests import ANA, SEND, seed_deals
from tests.support.smtp import Recorder, free_port, smtp_server

BOB = Recipient("bob@example.com", timezone="Europe/Berlin", send_at=time(7, 0))


def smtp_settings(settings: Settings, port: int, **more: Any) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": "none",
            "smtp_timeout": 2.0,
            "mail_from": "DealPulse <digest@dealpulse.example.com>",
            "unsubscribe_url": "https://dealpulse.example.com/unsubscribe?who={address}",
            "unsubscribe_mailto": "unsubscribe@dealpulse.example.com",
            **more,
        }
    )


def sender(store: Store, settings: Settings, *recipients: Recipient) -> DigestService:
    return DigestService(
        Ledger(store.engine),
        recipients or (ANA,),
        transport_for(settings),
        DigestPolicy.of(settings),
        store.feeds,
    )


def test_the_digest_arrives_with_both_parts_and_its_headers(store: Store, settings: Settings) -> None:
    seed_deals(store)
    server = Recorder()
    with smtp_server(server) as port:
        deliveries = sender(store, smtp_settings(settings, port)).send_due(SEND)
    assert [(d.outcome, d.deals) for d in deliveries] == [("sent", 4)]
    (message,) = server.messages
    assert server.envelopes == [("digest@dealpulse.example.com", ["ana@example.com"])]
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "AI deals, Thu 26 Nov 2026: 2 investments, 1 partnership, 1 launch"
    assert message["From"] == "DealPulse <digest@dealpulse.example.com>"
    assert message["To"] == "ana@example.com"
    assert message["Date"].datetime == SEND
    assert message["Message-ID"].endswith("@dealpulse.example.com>")
    assert message["List-Unsubscribe"].strip() == (  # folded after the colon: it is long
        "<mailto:unsubscribe@dealpulse.example.com?subject=unsubscribe>, "
        "<https://dealpulse.example.com/unsubscribe?who=ana%40example.com>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Microsoft invests EUR 15M in Mistral AI" in text
    assert "Microsoft invests EUR 15M in Mistral AI" in html
    assert (Ledger(store.engine).entries()[0].status, Ledger(store.engine).entries()[0].subject) == (
        "sent",
        message["Subject"],
    )


def test_server_down_then_up_delivers_one_message(store: Store, settings: Settings) -> None:
    seed_deals(store)
    port = free_port()  # nothing listens here yet
    service = sender(store, smtp_settings(settings, port))
    first = service.send_due(SEND)
    assert [(d.outcome, d.detail) for d in first] == [
        ("failed", f"SMTP 127.0.0.1:{port}: connection refused (is the mail server running?)")
    ]
    server = Recorder()
    with smtp_server(server, port=port):
        assert service.send_due(SEND + timedelta(seconds=30)) == []  # backing off: the retry is at +1 min
        assert [d.outcome for d in service.send_due(SEND + timedelta(minutes=1))] == ["sent"]
        assert service.send_due(SEND + timedelta(minutes=2)) == []
        assert service.send_due(SEND + timedelta(hours=5)) == []
    assert len(server.messages) == 1
    (entry,) = Ledger(store.engine).entries()
    assert (entry.status, entry.attempts) == ("sent", 2)


def test_one_refused_recipient_does_not_hold_up_the_others(store: Store, settings: Settings) -> None:
    seed_deals(store)
    server = Recorder(refuse=("bob@example.com",))
    with smtp_server(server) as port:
        deliveries = sender(store, smtp_settings(settings, port), ANA, BOB).send_due(SEND)
    outcomes = {d.recipient: (d.outcome, d.detail) for d in deliveries}
    assert outcomes["ana@example.com"][0] == "sent"
    assert outcomes["bob@example.com"] == (
        "failed",
        f"SMTP 127.0.0.1:{port}: recipient refused: bob@example.com: 550 5.1.1 no such mailbox here",
    )
    assert [m["To"] for m in server.messages] == ["ana@example.com"]
    statuses = {e.recipient: e.status for e in Ledger(store.engine).entries()}
    assert statuses == {"ana@example.com": "sent", "bob@example.com": "pending"}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_bad_credentials_are_reported_without_the_password(
    store: Store, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    seed_deals(store)

    def refuse_everyone(*_: Any) -> AuthResult:
        return AuthResult(success=False, handled=False)

    secret = "hunter2-very-secret"
    server = Recorder()
    caplog.set_level(logging.DEBUG)
    with smtp_server(server, authenticator=refuse_everyone, auth_require_tls=False) as port:
        configured = smtp_settings(settings, port, smtp_user="ana", smtp_password=SecretStr(secret))
        deliveries = sender(store, configured).send_due(SEND)
    ((outcome, detail),) = [(d.outcome, d.detail) for d in deliveries]
    assert outcome == "failed"
    assert detail.startswith(f"SMTP 127.0.0.1:{port}: login as 'ana' refused: 535")
    assert secret not in detail
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("pipeline")]
    assert ours  # the failure was logged
    assert not [m for m in ours if secret in m]
    assert secret not in (Ledger(store.engine).entries()[0].last_error or "")
    assert server.messages == []


@pytest.mark.slow
def test_a_server_that_never_answers_times_out(store: Store, settings: Settings) -> None:
    seed_deals(store)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted: list[socket.socket] = []
    waiter = threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True)
    waiter.start()
    try:
        port = silent.getsockname()[1]
        deliveries = sender(store, smtp_settings(settings, port, smtp_timeout=1.0)).send_due(SEND)
    finally:
        for connection in accepted:
            connection.close()
        silent.close()
    assert [(d.outcome, d.detail) for d in deliveries] == [
        ("failed", f"SMTP 127.0.0.1:{port}: no answer within 1 s")
    ]
    assert Ledger(store.engine).entries()[0].status == "pending"


@pytest.mark.slow
def test_a_server_trickling_bytes_is_cut_off_at_the_conversation_deadline(
    store: Store, settings: Settings
) -> None:
    """One byte every 0.2 s keeps each read under smtp_timeout for ever; the whole conversation is bounded."""
    seed_deals(store)
    trickler = socket.socket()
    trickler.bind(("127.0.0.1", 0))
    trickler.listen()
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = trickler.accept()
        with connection:
            while not stop.is_set():
                try:
                    connection.sendall(b"2")
                except OSError:
                    return
                sleep(0.2)

    threading.Thread(target=trickle, daemon=True).start()
    port = trickler.getsockname()[1]
    started = monotonic()
    try:
        deliveries = sender(store, smtp_settings(settings, port, smtp_timeout=0.5)).send_due(SEND)
    finally:
        stop.set()
        trickler.close()
    assert [(d.outcome, d.detail) for d in deliveries] == [
        ("failed", f"SMTP 127.0.0.1:{port}: gave up after 5 s in all")
    ]
    assert monotonic() - started < 15
    assert Ledger(store.engine).entries()[0].status == "pending"
