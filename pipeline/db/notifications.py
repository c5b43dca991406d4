"""The notifications ledger: each deal owed to each notification destination, once, with its delivery
state. Deals are queued from the digest ledger (a recipient whose deals go "with the digest": the deals of
their digests) or from the deals table (as each is stored), in statements that add only what is not there,
so queueing again after a crash adds nothing twice; sending claims rows with a lease, as the digest does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, Exists, and_, case, exists, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, sessionmaker

from pipeline.db.deal_records import deal_records
from pipeline.db.engine import insert_ignore
from pipeline.db.models import Deal, DigestItem, DigestRecord, Notification
from pipeline.records import DigestDeal


@dataclass(frozen=True, slots=True)
class Owed:
    """Deals claimed for one destination, each with its row: send them, then mark the rows. `gone`: rows
    of deals a reclassification removed since."""

    items: tuple[tuple[int, DigestDeal], ...]
    gone: tuple[int, ...]
    attempts: int


@dataclass(frozen=True, slots=True)
class DestinationState:
    """A destination's queue, for `status`."""

    recipient: str
    destination: str
    pending: int
    sent: int
    last_error: str | None
    next_attempt_at: datetime | None


class NotificationTable:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def queue_deals(
        self,
        recipient: str,
        destination_hash: str,
        destination: str,
        deals: Sequence[DigestDeal],
        now: datetime,
    ) -> int:
        """Owe these deals to the destination; those already owed or sent are left as they are."""
        with self._sessions.begin() as session:
            added = 0
            dialect = session.get_bind().dialect.name
            for deal in deals:
                result = session.execute(
                    insert_ignore(dialect, Notification).values(
                        recipient=recipient,
                        destination_hash=destination_hash,
                        destination=destination,
                        deal_id=deal.id,
                        headline=deal.headline,
                        status="pending",
                        created_at=now,
                        attempts=0,
                    )
                )
                added += getattr(result, "rowcount", 0) or 0
            return added

    def digest_deals_not_queued(self, recipient: str, destination_hash: str) -> list[DigestDeal]:
        """The deals of the recipient's digests (made, whether sent yet or not) not yet owed to the
        destination: what goes "with the digest"."""
        ids = (
            select(DigestItem.deal_id)
            .join(DigestRecord, DigestRecord.id == DigestItem.digest_id)
            .where(DigestItem.recipient == recipient, DigestRecord.status != "skipped")
            .where(~_owed(destination_hash, DigestItem.deal_id))
        )
        with self._sessions() as session:
            return deal_records(session, ids)

    def recent_deals_not_queued(self, destination_hash: str, since: datetime) -> list[DigestDeal]:
        """Deals recorded since `since` not yet owed to the destination: what goes "as each arrives"."""
        ids = select(Deal.id).where(Deal.recorded_at > since, ~_owed(destination_hash, Deal.id))
        with self._sessions() as session:
            return deal_records(session, ids)

    def claim(self, destination_hash: str, now: datetime, lease: timedelta) -> Owed | None:
        """The destination's due pending deals, held for this sender until now + lease; None when none
        is due or another sender holds them."""
        due = and_(
            Notification.destination_hash == destination_hash,
            Notification.status == "pending",
            (Notification.next_attempt_at.is_(None)) | (Notification.next_attempt_at <= now),
            (Notification.lease_until.is_(None)) | (Notification.lease_until <= now),
        )
        try:
            with self._sessions.begin() as session:
                rows = session.execute(
                    select(Notification.id, Notification.deal_id, Notification.attempts).where(due)
                ).all()
                if not rows:
                    return None
                ids = [r.id for r in rows]
                taken = session.execute(
                    update(Notification).where(Notification.id.in_(ids), due).values(lease_until=now + lease)
                )
                if getattr(taken, "rowcount", 0) != len(ids):
                    raise _Contended  # another sender took some meanwhile: its claim stands, ours is undone
                deals = deal_records(session, select(Deal.id).where(Deal.id.in_([r.deal_id for r in rows])))
        except _Contended:
            return None
        by_id = {d.id: d for d in deals}
        items = tuple((r.id, by_id[r.deal_id]) for r in rows if r.deal_id in by_id)
        gone = tuple(r.id for r in rows if r.deal_id not in by_id)
        return Owed(items, gone, max(r.attempts for r in rows))

    def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(Notification)
                .where(Notification.id.in_(list(ids)))
                .values(
                    status="sent",
                    sent_at=now,
                    attempts=Notification.attempts + 1,
                    last_error=None,
                    next_attempt_at=None,
                    lease_until=None,
                )
            )

    def mark_failed(self, ids: Sequence[int], error: str, retry_at: datetime) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(Notification)
                .where(Notification.id.in_(list(ids)))
                .values(
                    attempts=Notification.attempts + 1,
                    last_error=error[:2000],
                    next_attempt_at=retry_at,
                    lease_until=None,
                )
            )

    def states(self) -> list[DestinationState]:
        """Each destination's queue: pending and sent counts, the last error and the next try."""
        pending = func.sum(case((Notification.status == "pending", 1), else_=0))
        query = (
            select(
                Notification.recipient,
                Notification.destination_hash,
                func.max(Notification.destination),
                pending,
                func.count() - pending,
                func.max(Notification.last_error),
                func.min(Notification.next_attempt_at),
            )
            .group_by(Notification.recipient, Notification.destination_hash)
            .order_by(Notification.recipient)
        )
        with self._sessions() as session:
            return [
                DestinationState(recipient, shown, int(waiting or 0), int(done or 0), error, retry)
                for recipient, _, shown, waiting, done, error, retry in session.execute(query)
            ]


class _Contended(Exception):
    pass


def _owed(destination_hash: str, deal_id: ColumnElement[int] | InstrumentedAttribute[int]) -> Exists:
    return exists().where(Notification.destination_hash == destination_hash, Notification.deal_id == deal_id)
