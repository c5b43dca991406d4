"""Deals to chat and other services: each recipient's `notify:` URLs (Apprise: Slack, Microsoft Teams,
Discord, Telegram, Matrix, ntfy, a JSON webhook ...) get the same deals as the recipient's digest, either
with the digest (`notify_when: digest`) or as each deal is stored (`each`). Each deal reaches each
destination once, through the notifications ledger; a destination that fails is retried with the digest's
backoff, and `status` shows it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from pipeline.db.notifications import NotificationTable
from pipeline.digest.render import amount_line
from pipeline.digest.schedule import RETRY_FIRST, retry_delay
from pipeline.digest.select import solid, wanted
from pipeline.records import DigestDeal, Recipient

log = logging.getLogger(__name__)

# Deals stored this long ago or less are candidates for a destination that takes each as it comes.
EACH_WINDOW = timedelta(hours=24)
# A sender holds a destination's deals this long: Apprise's own timeouts end a send well before.
LEASE = timedelta(minutes=5)
MAX_DEALS_A_MESSAGE = 25


class Notifier(Protocol):
    def send(self, url: str, title: str, body: str) -> str | None:
        """Deliver one message; None when the service took it, else why not, in one line."""
        ...


class AppriseNotifier:
    """Apprise, which knows each service's API. Imported on first use: most installations notify none."""

    def send(self, url: str, title: str, body: str) -> str | None:
        import apprise  # noqa: PLC0415 - 85 ms, paid only by an installation that notifies

        sender = apprise.Apprise()
        if not sender.add(url):
            return "Apprise does not take this URL"
        with apprise.LogCapture(level=logging.WARNING) as logs:  # type: ignore[no-untyped-call]
            delivered = bool(sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.MARKDOWN))
        if delivered:
            return None
        lines = [line.split(" - ", 2)[-1] for line in logs.getvalue().splitlines() if line.strip()]
        return lines[-1] if lines else "the service did not take the message"


def destination_key(url: str) -> str:
    """What a destination is kept by: its URL holds tokens, so only a hash of it."""
    return hashlib.sha256(url.strip().encode()).hexdigest()


def masked(url: str) -> str:
    """The URL as `status` and the logs show it: its tokens masked by Apprise, without its options."""
    import apprise  # noqa: PLC0415 - as in AppriseNotifier

    plugin = apprise.Apprise.instantiate(url.strip())
    shown: str = plugin.url(privacy=True) if plugin is not None else url.split("://", 1)[0] + "://..."  # type: ignore[no-untyped-call]
    return shown.split("?", 1)[0]


def message(deals: Sequence[DigestDeal]) -> tuple[str, str]:
    """(title, Markdown body) of one message about these deals, oldest first."""
    ordered = sorted(deals, key=lambda d: (d.first_reported_at, d.id))
    title = ordered[0].headline if len(ordered) == 1 else f"{len(ordered)} AI deals"
    lines = []
    for deal in ordered:
        parts = [f"**{deal.headline}**"]
        if deal.type == "investment" and (amount := amount_line(deal)):
            parts.append(amount)
        if deal.rumor:
            parts.append("rumour")
        if deal.sources:
            parts.append(f"[{deal.sources[0].outlet}]({deal.sources[0].url})")
        lines.append("- " + " · ".join(parts))
    return title, "\n".join(lines)


@dataclass(frozen=True, slots=True)
class NotifyPolicy:
    min_confidence: float
    retry_first: timedelta = RETRY_FIRST
    max_age: timedelta | None = None


@dataclass(frozen=True, slots=True)
class NotifyDelivery:
    recipient: str
    destination: str
    deals: int
    outcome: Literal["sent", "failed"]
    detail: str


class NotificationService:
    def __init__(
        self,
        table: NotificationTable,
        recipients: Iterable[Recipient],
        notifier: Notifier,
        policy: NotifyPolicy,
    ) -> None:
        self._table = table
        # each destination's key and masked form, worked out once rather than at every tick
        self._destinations = [
            (recipient, url, destination_key(url), masked(url))
            for recipient in recipients
            for url in recipient.notify
        ]
        self._notifier = notifier
        self._policy = policy

    def send_due(self, now: datetime) -> list[NotifyDelivery]:
        """Queue each destination's new deals, then send what each is owed and due."""
        deliveries = (self._serve(*destination, now) for destination in self._destinations)
        return [delivery for delivery in deliveries if delivery is not None]

    def _serve(
        self, recipient: Recipient, url: str, key: str, shown: str, now: datetime
    ) -> NotifyDelivery | None:
        if recipient.notify_when == "digest":
            new = self._table.digest_deals_not_queued(recipient.address, key)
        else:
            recent = self._table.recent_deals_not_queued(key, now - EACH_WINDOW)
            new = [
                d
                for d in recent
                if wanted(d, recipient, now, self._policy.max_age) and solid(d, self._policy.min_confidence)
            ]
        self._table.queue_deals(recipient.address, key, shown, new, now)
        owed = self._table.claim(key, now, LEASE)
        if owed is None:
            return None
        if owed.gone:  # deals a reclassification removed since they were queued: nothing to send
            self._table.mark_sent(owed.gone, now)
        if not owed.items:
            return None
        failed, left = None, list(owed.items)
        while left and failed is None:
            batch, left = left[:MAX_DEALS_A_MESSAGE], left[MAX_DEALS_A_MESSAGE:]
            failed = self._notifier.send(url, *message([deal for _, deal in batch]))
            if failed is None:  # each message's deals are marked as it goes: none is sent twice
                self._table.mark_sent([row for row, _ in batch], now)
            else:
                left = batch + left
        if failed is None:
            log.info("notified %s for %s: %d deals", shown, recipient.address, len(owed.items))
            return NotifyDelivery(recipient.address, shown, len(owed.items), "sent", shown)
        retry_at = now + retry_delay(owed.attempts, self._policy.retry_first)
        self._table.mark_failed([row for row, _ in left], failed, retry_at)
        log.warning(
            "notification to %s for %s not delivered (attempt %d): %s; next try %s",
            shown,
            recipient.address,
            owed.attempts + 1,
            failed,
            f"{retry_at:%Y-%m-%d %H:%M:%S} UTC",
        )
        return NotifyDelivery(recipient.address, shown, len(left), "failed", failed)
