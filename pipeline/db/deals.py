"""The deals table and the events that report them. Each event joins the deal `deals.merge` says it
reports, or starts one; merges run one at a time (a lock in this process, an advisory lock across daemons
sharing PostgreSQL). Deals leave as records (`deal_records`); ORM rows stay in `db/`."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, or_, select, text, true, update
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.deal_records import deal_records
from pipeline.db.models import Article, ArticleClassification, Deal, DealRevision, Event
from pipeline.deals import LONGEST_WINDOW, DealSummary, headline, key_words, merge, stored_key
from pipeline.names import company_key
from pipeline.records import INVESTMENT_SUBTYPES, Classification, DealChange, DealEvent, DigestDeal

# Any fixed number, distinct from the migration lock's.
_DEAL_MERGE_LOCK_ID = 0x4445414D


class DealTable:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._merge_lock = threading.Lock()
        self._insert_classification = insert(ArticleClassification)

    def save_classification(
        self, article_id: int, reported_at: datetime, result: Classification, now: datetime
    ) -> None:
        """Store what the classifier found in one article, in one transaction: its events replace any
        earlier ones (a reclassification), each event joins the deal it reports or starts one, and the
        deals it touches are revised and recounted."""
        with self.transaction(True) as session:
            existing = session.get(ArticleClassification, article_id)
            if existing is None:
                self.write_classification(session, article_id, reported_at, result, now)
                return
            existing.classifier_version = result.classifier_version
            existing.ai_related, existing.rumor, existing.classified_at = result.ai_related, result.rumor, now
            touched = {
                e.deal_id for e in session.scalars(select(Event).where(Event.article_id == article_id))
            }
            session.execute(delete(Event).where(Event.article_id == article_id))
            session.execute(delete(DealRevision).where(DealRevision.article_id == article_id))
            self._add_events(session, article_id, reported_at, result, now, touched=touched)

    @contextmanager
    def transaction(self, merging: bool) -> Iterator[Session]:
        """A transaction; when `merging`, one that may read and start deals. Merges run one at a time, in
        this process (the lock) and across daemons sharing PostgreSQL (an advisory lock held until the
        transaction ends). The lock is always taken before the transaction, never inside one."""
        with self._merge_lock if merging else nullcontext(), self._sessions.begin() as session:
            if merging and session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _DEAL_MERGE_LOCK_ID})
            yield session

    def write_classification(
        self, session: Session, article_id: int, reported_at: datetime, result: Classification, now: datetime
    ) -> None:
        """The first classification of an article: nothing earlier to replace."""
        session.connection().execute(
            self._insert_classification,
            {
                "article_id": article_id,
                "classifier_version": result.classifier_version,
                "ai_related": result.ai_related,
                "rumor": result.rumor,
                "classified_at": now,
            },
        )
        if result.events:
            self._add_events(session, article_id, reported_at, result, now, touched=set())

    def _add_events(
        self,
        session: Session,
        article_id: int,
        reported_at: datetime,
        result: Classification,
        now: datetime,
        *,
        touched: set[int],
    ) -> None:
        """Each event joins the deal it reports or starts one; every deal touched is recounted."""
        for event in result.events:
            deal = self._deal_for(session, event, reported_at, article_id, now)
            touched.add(deal.id)
            session.add(_event_row(event, article_id, deal.id, result.classifier_version, now))
        session.flush()
        for deal_id in touched:
            _recount(session, deal_id)

    def _deal_for(
        self, session: Session, event: DealEvent, reported_at: datetime, article_id: int, now: datetime
    ) -> Deal:
        """The deal the event reports, changed as `deals.merge` decides, or a new one."""
        words = key_words(event)
        nearby = session.scalars(
            select(Deal).where(
                Deal.type == event.type,
                Deal.first_reported_at >= reported_at - 2 * LONGEST_WINDOW,
                Deal.first_reported_at <= reported_at + 2 * LONGEST_WINDOW,
                or_(*(Deal.key.contains(word, autoescape=True) for word in words)) if words else true(),
            )
        ).all()
        update = merge(event, reported_at, [_summary(d) for d in nearby])
        if update is None:
            deal = Deal(
                **_event_columns(event),
                key=stored_key(event)[:400],
                headline="",
                sources=0,
                first_reported_at=reported_at,
                last_reported_at=reported_at,
                updated_at=now,
                recorded_at=now,
            )
            deal.headline = _deal_headline(deal)
            session.add(deal)
            session.flush()
            return deal
        deal = next(d for d in nearby if d.id == update.deal_id)
        for change in update.revisions:
            session.add(
                DealRevision(
                    deal_id=deal.id,
                    article_id=article_id,
                    field=change.field,
                    old=change.old,
                    new=change.new,
                    at=now,
                )
            )
        for name, value in update.fields.items():
            setattr(deal, name, value)
        deal.headline = _deal_headline(deal)
        deal.updated_at = now
        return deal

    def events_of(self, article_id: int) -> list[DealEvent]:
        with self._sessions() as session:
            return [
                _event_record(e) for e in session.scalars(select(Event).where(Event.article_id == article_id))
            ]

    def find(
        self,
        *,
        since: datetime | None = None,
        event_type: str | None = None,
        min_usd: float | None = None,
        companies: Sequence[str] = (),
        min_confidence: float | None = None,
    ) -> list[DigestDeal]:
        """Stored deals, newest first, filtered, with their sources and confidence. event_type is a type
        or an investment's subtype."""
        ids = _filtered(select(Deal.id), event_type, min_usd)
        if since is not None:
            ids = ids.where(Deal.first_reported_at >= since)
        with self._sessions() as session:
            found = deal_records(session, ids)
        if companies:
            wanted = {company_key(c) for c in companies}
            found = [d for d in found if any(company_key(p) in wanted for p in d.parties)]
        if min_confidence is not None:
            found = [d for d in found if d.confidence >= min_confidence]
        return sorted(found, key=lambda d: (d.first_reported_at, d.id), reverse=True)

    def page(
        self,
        *,
        text: str | None = None,
        event_type: str | None = None,
        min_usd: float | None = None,
        companies: Sequence[str] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> list[DigestDeal]:
        """One page of deals, newest first, chosen in the database (so a page costs the same with a
        hundred deals or a hundred thousand): `text` is found in the headline, the evidence or a party's
        name; `companies` by their company key in the deal's."""
        ids = _filtered(select(Deal.id), event_type, min_usd)
        if text and text.strip():
            needle = text.strip()
            key = company_key(needle)
            ids = ids.where(
                or_(
                    Deal.headline.ilike(f"%{_escaped(needle)}%", escape="\\"),
                    Deal.evidence.ilike(f"%{_escaped(needle)}%", escape="\\"),
                    *([Deal.key.contains(key, autoescape=True)] if key else []),
                )
            )
        keys = [k for k in (company_key(c) for c in companies) if k]
        if keys:
            ids = ids.where(or_(*(Deal.key.contains(k, autoescape=True) for k in keys)))
        ids = ids.order_by(Deal.first_reported_at.desc(), Deal.id.desc()).limit(limit).offset(offset)
        with self._sessions() as session:
            wanted = list(session.scalars(ids))
            found = {d.id: d for d in deal_records(session, select(Deal.id).where(Deal.id.in_(wanted)))}
        return [found[i] for i in wanted if i in found]

    def one(self, deal_id: int) -> DigestDeal | None:
        with self._sessions() as session:
            found = deal_records(session, select(Deal.id).where(Deal.id == deal_id))
        return found[0] if found else None

    def changes(self, deal_id: int) -> list[DealChange]:
        """What later reports changed in the deal, oldest first."""
        query = (
            select(DealRevision.field, DealRevision.old, DealRevision.new, DealRevision.at, Article.title)
            .join(Article, Article.id == DealRevision.article_id)
            .where(DealRevision.deal_id == deal_id)
            .order_by(DealRevision.at, DealRevision.id)
        )
        with self._sessions() as session:
            return [DealChange(*row) for row in session.execute(query)]


def _filtered(ids: Select[int], event_type: str | None, min_usd: float | None) -> Select[int]:
    if event_type in INVESTMENT_SUBTYPES:
        ids = ids.where(Deal.subtype == event_type)
    elif event_type is not None:
        ids = ids.where(Deal.type == event_type)
    if min_usd is not None:
        ids = ids.where(Deal.amount_usd >= min_usd)
    return ids


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _deal_headline(deal: Deal) -> str:
    return headline(
        deal.type,
        deal.subtype,
        deal.parties,
        amount=deal.amount,
        currency=deal.currency,
        product=deal.product,
        roles=deal.roles,
        evidence=deal.evidence,
    )


def _summary(deal: Deal) -> DealSummary:
    return DealSummary(**_record_fields(DealSummary, deal))


def _event_columns(event: DealEvent) -> dict[str, Any]:
    """The EventFields columns of an event, for its row and for a deal it starts."""
    return {name: value for name, value in event.fields().items() if name != "confidence"}


def _event_row(event: DealEvent, article_id: int, deal_id: int, version: str, now: datetime) -> Event:
    return Event(
        **_event_columns(event),
        article_id=article_id,
        deal_id=deal_id,
        classifier_version=version,
        confidence=event.confidence,
        created_at=now,
    )


def _recount(session: Session, deal_id: int) -> None:
    """A deal's number of reporting articles; a deal no article reports any more is removed."""
    sources = (
        session.scalar(select(func.count(func.distinct(Event.article_id))).where(Event.deal_id == deal_id))
        or 0
    )
    if sources == 0:
        session.execute(delete(DealRevision).where(DealRevision.deal_id == deal_id))
        session.execute(delete(Deal).where(Deal.id == deal_id))
    else:
        session.execute(update(Deal).where(Deal.id == deal_id).values(sources=sources))


def _event_record(row: Event) -> DealEvent:
    return DealEvent(**_record_fields(DealEvent, row))


def _record_fields(record: type[Any], row: Deal | Event) -> dict[str, Any]:
    """The row's columns named as the record's fields, tuples for lists: the one mapping of a deal's or an
    event's row to its record."""
    values = ((f.name, getattr(row, f.name)) for f in dataclasses.fields(record))
    return {name: tuple(value) if isinstance(value, list) else value for name, value in values}
