"""When a recipient's digest is due. Pure: time comes in as an argument.

A recipient's digest for a local date is due at `send_at` on that date in their IANA zone, and stays due for
`grace` afterwards (a daemon that was down at send time still sends it when it comes back). zoneinfo does
the DST arithmetic: a send time that a spring-forward jump skips (02:30 when clocks go 02:00 -> 03:00) falls
one hour later in wall-clock terms (03:30); one that an autumn change repeats is taken at its first
occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipeline.records import Recipient


def send_instant(day: date, send_at: time, zone: str) -> datetime:
    """The moment, in UTC, of `send_at` on `day` in `zone`."""
    return datetime.combine(day, send_at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def due_date(recipient: Recipient, now: datetime, grace: timedelta, last_date: date | None) -> date | None:
    """The local date whose digest is due at `now`, or None.

    `last_date` is the date of the recipient's latest digest in the ledger (sent, pending or skipped): a
    date at or before it is never due again, so a restart or a second tick cannot make a second digest.
    """
    today = now.astimezone(ZoneInfo(recipient.timezone)).date()
    for day in (today, today - timedelta(days=1)):  # yesterday's may still be within its grace
        instant = send_instant(day, recipient.send_at, recipient.timezone)
        if instant > now:
            continue
        if now - instant <= grace and (last_date is None or day > last_date):
            return day
        return None
    return None


def next_send(recipient: Recipient, now: datetime) -> datetime:
    """The next moment at or after `now` a digest of this recipient is due (for `status`)."""
    day = now.astimezone(ZoneInfo(recipient.timezone)).date()
    while (instant := send_instant(day, recipient.send_at, recipient.timezone)) < now:
        day += timedelta(days=1)
    return instant


RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)


def retry_delay(attempts: int, first: timedelta = RETRY_FIRST) -> timedelta:
    """How long a digest the mail server did not take waits before its next try: 1, 2, 4 ... 60 minutes
    (from a shorter first wait in test mode).

    No jitter: there is one digest per recipient and day, not a crowd of clients to spread out.
    """
    delay: timedelta = first * 2 ** min(attempts, 16)
    return min(RETRY_MAX, delay)
