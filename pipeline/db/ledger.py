"""The digest ledger: which digest each recipient got, for which date, with which deals, and whether the mail
server has accepted it. The database, not the process, is what makes a digest exactly-once:

  - one row per (recipient, digest date): a second tick, a restart or a second daemon cannot make another;
  - one row per (recipient, deal) in digest_deals: a deal is in a recipient's digests once;
  - a sender first takes a lease on the row (a conditional UPDATE), so two senders never both send it; a
    sender that crashed lets go when the lease runs out;
  - the row turns `sent` only after the server accepted the message; until then it stays `pending` and is
    retried with backoff, with the same deals and the same Message-ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Engine, Select, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.deal_records import deal_records
from pipeline.db.engine import insert_ignore
from pipeline.db.models import Deal, DigestItem, DigestRecord
from pipeline.records import DigestDeal, DigestWindow, Recipient

FIRST_DIGEST_WINDOW = timedelta(hours=24)
# A deal stored by a transaction that began before the previous digest's window closed, but committed after
# it, would fall between two windows; windows overlap by this much and digest_deals drops the repeats.
WINDOW_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One row of the ledger, as `digest --list` shows it and the sender reads it."""

    id: int
    recipient: str
    digest_date: date
    status: str  # pending | sent | skipped
    message_id: str
    subject: str | None
    deal_count: int
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None


class Ledger:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def last_date(self, recipient: str) -> date | None:
        with self._sessions() as session:
            return session.scalar(
                select(func.max(DigestRecord.digest_date)).where(DigestRecord.recipient == recipient)
            )

    def entry(self, recipient: str, day: date) -> LedgerEntry | None:
        with self._sessions() as session:
            row = session.scalars(
                select(DigestRecord).where(
                    DigestRecord.recipient == recipient, DigestRecord.digest_date == day
                )
            ).first()
            return _entry(row) if row else None

    def candidates(self, recipient: str, until: datetime) -> list[DigestDeal]:
        """Deals stored since the recipient's last digest (or in the last 24 hours), not yet sent to them."""
        with self._sessions() as session:
            return _candidates(session, recipient, _window_start(session, recipient, until), until)

    def window(self, recipient: str, until: datetime) -> DigestWindow:
        """The deals the recipient's digest made at `until` may hold."""
        with self._sessions() as session:
            start = _window_start(session, recipient, until)
            return DigestWindow(
                start,
                until,
                _candidates(session, recipient, start, until),
                deal_records(session, _changed_since_unconfirmed(recipient, start, until)),
            )

    def candidates_between(self, recipient: str, start: datetime, until: datetime) -> list[DigestDeal]:
        """Deals recorded after `start` and up to `until` that the recipient has not had yet."""
        with self._sessions() as session:
            return _candidates(session, recipient, start, until)

    def create(
        self,
        recipient: Recipient,
        day: date,
        window: DigestWindow,
        chosen: list[tuple[DigestDeal, bool]],
        *,
        message_id: str,
        send_empty: bool,
    ) -> LedgerEntry | None:
        """Record the recipient's digest for `day` over `window`, with the deals chosen from it (each with
        whether it is shown as unconfirmed), in one transaction.

        Returns None when a digest for that day already exists (another tick or process made it).
        """
        with self._sessions.begin() as session:
            status = "pending" if chosen or send_empty else "skipped"
            inserted = session.execute(
                insert_ignore(session.get_bind().dialect.name, DigestRecord)
                .values(
                    recipient=recipient.address,
                    digest_date=day,
                    status=status,
                    message_id=message_id,
                    deal_count=len(chosen),
                    window_start=window.start,
                    window_end=window.end,
                    created_at=window.end,
                    attempts=0,
                )
                .returning(DigestRecord.id)
            ).scalar()
            if inserted is None:
                return None
            for deal, unconfirmed in chosen:
                session.execute(
                    insert_ignore(session.get_bind().dialect.name, DigestItem).values(
                        digest_id=inserted,
                        deal_id=deal.id,
                        recipient=recipient.address,
                        headline=deal.headline,
                        unconfirmed=unconfirmed,
                    )
                )
            return _entry(session.get_one(DigestRecord, inserted))

    def claim(self, digest_id: int, now: datetime, lease: timedelta) -> bool:
        """Take the right to send a pending digest until now + lease. True for exactly one caller."""
        with self._sessions.begin() as session:
            taken = session.execute(
                update(DigestRecord)
                .where(DigestRecord.id == digest_id, *_sendable(now))
                .values(lease_until=now + lease)
            )
            return bool(getattr(taken, "rowcount", 0) == 1)

    def deals_of(self, digest_id: int) -> list[DigestDeal]:
        """The deals recorded in a digest, as they stand now (a deal a reclassification removed is gone)."""
        with self._sessions() as session:
            return deal_records(session, select(DigestItem.deal_id).where(DigestItem.digest_id == digest_id))

    def mark_sent(self, digest_id: int, now: datetime, subject: str) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(DigestRecord)
                .where(DigestRecord.id == digest_id)
                .values(
                    status="sent",
                    sent_at=now,
                    subject=subject,
                    attempts=DigestRecord.attempts + 1,
                    last_error=None,
                    next_attempt_at=None,
                    lease_until=None,
                )
            )

    def mark_failed(self, digest_id: int, error: str, retry_at: datetime) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(DigestRecord)
                .where(DigestRecord.id == digest_id)
                .values(
                    attempts=DigestRecord.attempts + 1,
                    last_error=error[:2000],
                    next_attempt_at=retry_at,
                    lease_until=None,
                )
            )

    def pending(self, now: datetime) -> list[LedgerEntry]:
        """Pending digests whose next attempt is due and that no sender holds."""
        with self._sessions() as session:
            rows = session.scalars(
                select(DigestRecord).where(*_sendable(now)).order_by(DigestRecord.id)
            ).all()
            return [_entry(r) for r in rows]

    def entries(self, limit: int = 50) -> list[LedgerEntry]:
        """The newest ledger rows first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(DigestRecord)
                .order_by(DigestRecord.digest_date.desc(), DigestRecord.id.desc())
                .limit(limit)
            ).all()
            return [_entry(r) for r in rows]


def _sendable(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """A digest a sender may take now: pending, its next attempt due, and no live lease on it."""
    return (
        DigestRecord.status == "pending",
        or_(DigestRecord.next_attempt_at.is_(None), DigestRecord.next_attempt_at <= now),
        or_(DigestRecord.lease_until.is_(None), DigestRecord.lease_until <= now),
    )


def _window_start(session: Session, recipient: str, until: datetime) -> datetime:
    previous = session.scalar(
        select(func.max(DigestRecord.window_end)).where(DigestRecord.recipient == recipient)
    )
    return previous - WINDOW_OVERLAP if previous else until - FIRST_DIGEST_WINDOW


def _candidates(session: Session, recipient: str, start: datetime, until: datetime) -> list[DigestDeal]:
    return deal_records(session, candidates_window(recipient, start, until))


def candidates_window(recipient: str, start: datetime, until: datetime) -> Select[int]:
    """The ids of the deals recorded in the window that the recipient has not had yet."""
    already = select(DigestItem.deal_id).where(DigestItem.recipient == recipient)
    return select(Deal.id).where(Deal.recorded_at > start, Deal.recorded_at <= until, Deal.id.not_in(already))


def _changed_since_unconfirmed(recipient: str, start: datetime, until: datetime) -> Select[int]:
    shown_unconfirmed = select(DigestItem.deal_id).where(
        DigestItem.recipient == recipient, DigestItem.unconfirmed.is_(True)
    )
    shown_confirmed = select(DigestItem.deal_id).where(
        DigestItem.recipient == recipient, DigestItem.unconfirmed.is_(False)
    )
    return select(Deal.id).where(
        Deal.updated_at > start,
        Deal.updated_at <= until,
        Deal.id.in_(shown_unconfirmed),
        Deal.id.not_in(shown_confirmed),
    )


def _entry(row: DigestRecord) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        recipient=row.recipient,
        digest_date=row.digest_date,
        status=row.status,
        message_id=row.message_id,
        subject=row.subject,
        deal_count=row.deal_count,
        created_at=row.created_at,
        sent_at=row.sent_at,
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
    )
