"""Sends the digests that are due: the only digest code that does I/O (the ledger and a transport).

One call, `send_due(now)`, is the whole job, and it is safe to call at any time, from any number of
processes: the daemon calls it every DIGEST_TICK, `dealpulse digest --send` calls it once.
  1. Pending digests whose retry time has come are sent again (same deals, same Message-ID).
  2. For each recipient whose send time has passed (within the grace) and who has no digest for that date,
     a digest is recorded with its deals, then sent.
Sending takes a lease on the ledger row first; the row turns `sent` only once the transport accepted it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from pipeline.config import Settings
from pipeline.db.ledger import Ledger, LedgerEntry
from pipeline.digest import render as rendering
from pipeline.digest.message import build_message, new_message_id, unsubscribe_link
from pipeline.digest.schedule import RETRY_FIRST, due_date, retry_delay
from pipeline.digest.select import build_digest, chosen_deals
from pipeline.digest.transport import SMTP_STEPS, DeliveryError, OutboxTransport, SmtpTransport, Transport
from pipeline.records import DigestDeal, FeedHealth, Recipient, RenderedDigest

log = logging.getLogger(__name__)
DIGEST_TICK = timedelta(seconds=30)
TEST_DIGEST_TICK = timedelta(seconds=1)
LEASE_MARGIN = timedelta(seconds=5)
TEST_LEASE_MARGIN = timedelta(seconds=0.5)
TEST_RETRY_FIRST = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one digest in one call."""

    recipient: str
    digest_date: date
    deals: int
    outcome: Literal["sent", "failed", "skipped"]
    detail: str  # where it went, or why not

    @property
    def sent(self) -> bool:
        return self.outcome == "sent"


def transport_for(settings: Settings) -> Transport:
    if not settings.smtp_host:
        return OutboxTransport(settings.outbox)
    return SmtpTransport(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        timeout=settings.smtp_timeout,
    )


@dataclass(frozen=True, slots=True)
class DigestPolicy:
    """What the digest service reads of the settings: when a digest may still go, which deals it shows,
    who it is from, how a reader leaves, and how long a sender holds a digest it is sending."""

    grace: timedelta
    mail_from: str
    send_empty: bool
    max_age: timedelta | None
    min_confidence: float
    unconfirmed: str
    settings_hint: str
    unsubscribe_url: str | None
    unsubscribe_mailto: str | None
    lease: timedelta
    retry_first: timedelta = RETRY_FIRST

    @classmethod
    def of(cls, settings: Settings) -> DigestPolicy:
        return cls(
            grace=settings.digest_grace,
            mail_from=settings.mail_from,
            send_empty=settings.digest_send_empty,
            max_age=settings.digest_max_age,
            min_confidence=settings.digest_min_confidence,
            unconfirmed=settings.digest_unconfirmed,
            settings_hint=settings.digest_settings_hint,
            unsubscribe_url=settings.unsubscribe_url,
            unsubscribe_mailto=settings.unsubscribe_mailto,
            # A sender that died mid-send lets go of the row after this long: longer than the SMTP
            # transport's deadline for a whole conversation, so a live sender never loses its lease.
            lease=timedelta(seconds=settings.smtp_timeout * SMTP_STEPS)
            + (TEST_LEASE_MARGIN if settings.test_mode else LEASE_MARGIN),
            retry_first=first_retry(settings),
        )


class FeedAttention(Protocol):
    """Where the digest's footer learns which feeds need their reader's attention (the feeds table)."""

    def needing_attention(self, now: datetime) -> list[FeedHealth]: ...


def first_retry(settings: Settings) -> timedelta:
    """How long an undelivered digest or notification first waits: a minute, a second in test mode."""
    return TEST_RETRY_FIRST if settings.test_mode else RETRY_FIRST


class DigestService:
    def __init__(
        self,
        ledger: Ledger,
        recipients: tuple[Recipient, ...],
        transport: Transport,
        policy: DigestPolicy,
        feeds: FeedAttention,
    ) -> None:
        self._ledger = ledger
        self._feeds = feeds
        self._recipients = {r.address.lower(): r for r in recipients}
        self._transport = transport
        self._policy = policy

    def send_due(self, now: datetime) -> list[Delivery]:
        deliveries: list[Delivery | None] = [self._send(entry, now) for entry in self._ledger.pending(now)]
        for recipient in self._recipients.values():
            day = due_date(recipient, now, self._policy.grace, self._ledger.last_date(recipient.address))
            if day is None:
                continue
            window = self._ledger.window(recipient.address, now)
            entry = self._ledger.create(
                recipient,
                day,
                window,
                chosen_deals(
                    window,
                    recipient,
                    self._policy.max_age,
                    self._policy.min_confidence,
                    self._policy.unconfirmed,
                ),
                message_id=new_message_id(day, self._policy.mail_from),
                send_empty=self._policy.send_empty,
            )
            if entry is None:
                continue  # another process made it first
            if entry.status == "skipped":
                log.info(
                    "digest for %s on %s: no new deals, not sent (digest_send_empty is off)",
                    recipient.address,
                    day,
                )
                deliveries.append(Delivery(recipient.address, day, 0, "skipped", "no new deals"))
                continue
            deliveries.append(self._send(entry, now))
        return [d for d in deliveries if d is not None]

    def preview(self, recipient: Recipient, day: date, now: datetime) -> RenderedDigest:
        """The recipient's digest of `day` if the ledger has one, else the one they would get now; rendered,
        without recording or sending anything."""
        recorded = self._ledger.entry(recipient.address, day)
        if recorded is not None:
            deals = self._ledger.deals_of(recorded.id)
        else:
            window = self._ledger.window(recipient.address, now)
            deals = [
                deal
                for deal, _ in chosen_deals(
                    window,
                    recipient,
                    self._policy.max_age,
                    self._policy.min_confidence,
                    self._policy.unconfirmed,
                )
            ]
        return self._render(recipient, day, deals, now)

    def _send(self, entry: LedgerEntry, now: datetime) -> Delivery | None:
        recipient = self._recipients.get(entry.recipient.lower())
        if recipient is None:
            return None  # no longer configured: kept pending, sent if they come back
        if not self._ledger.claim(entry.id, now, self._policy.lease):
            return None  # another sender holds it, or it was sent meanwhile
        deals = self._ledger.deals_of(entry.id)
        rendered = self._render(recipient, entry.digest_date, deals, now)
        message = build_message(
            rendered,
            sender=self._policy.mail_from,
            to=recipient.address,
            message_id=entry.message_id,
            sent_at=now,
            unsubscribe_url=unsubscribe_link(self._policy.unsubscribe_url, recipient.address),
            unsubscribe_mailto=self._policy.unsubscribe_mailto,
        )
        key = f"{entry.digest_date:%Y-%m-%d}_{recipient.address}_{entry.id}"
        try:
            where = self._transport.deliver(message, key)
        except DeliveryError as exc:
            retry_at = now + retry_delay(entry.attempts, self._policy.retry_first)
            self._ledger.mark_failed(entry.id, str(exc), retry_at)
            log.warning(
                "digest for %s on %s not delivered (attempt %d): %s; next try %s",
                recipient.address,
                entry.digest_date,
                entry.attempts + 1,
                exc,
                f"{retry_at:%Y-%m-%d %H:%M:%S} UTC",
            )
            return Delivery(recipient.address, entry.digest_date, len(deals), "failed", str(exc))
        self._ledger.mark_sent(entry.id, now, rendered.subject)
        log.info(
            "digest for %s on %s sent: %d deals, %s", recipient.address, entry.digest_date, len(deals), where
        )
        return Delivery(recipient.address, entry.digest_date, len(deals), "sent", where)

    def _render(
        self, recipient: Recipient, day: date, deals: list[DigestDeal], now: datetime
    ) -> RenderedDigest:
        digest = build_digest(
            recipient, day, deals, self._feeds.needing_attention(now), self._policy.min_confidence
        )
        footer = rendering.Footer(
            settings_hint=self._policy.settings_hint,
            unsubscribe_url=unsubscribe_link(self._policy.unsubscribe_url, recipient.address),
            unsubscribe_mailto=self._policy.unsubscribe_mailto,
        )
        return rendering.render(digest, footer)
