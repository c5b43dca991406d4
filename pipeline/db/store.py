"""The Store: every read and write DealPulse makes, as plain methods over typed records.

Each method is its own transaction. Dedupe is enforced by unique indexes and `INSERT ... ON CONFLICT DO
NOTHING`, so two processes racing to store the same story end with one row and neither fails.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Engine, delete, func, insert, or_, select, text, true, update
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.deal_records import deal_records
from pipeline.db.engine import insert_ignore
from pipeline.db.models import Article, ArticleClassification, Deal, DealRevision, Event, Feed, FeedItem
from pipeline.deals import LONGEST_WINDOW, DealSummary, deal_key, headline, key_words, merge
from pipeline.feedhealth import DEFAULT_BACKOFF, BackoffPolicy, is_dead, moved_to, next_fetch_time
from pipeline.names import company_key
from pipeline.records import (
    INVESTMENT_SUBTYPES,
    Classification,
    DealEvent,
    DigestDeal,
    FeedFetch,
    FeedOutcome,
    FeedResult,
    FeedSource,
    FeedState,
    NewArticle,
    Story,
)
from pipeline.text import short_hash

# Any fixed number, distinct from the migration lock's.
_DEAL_MERGE_LOCK_ID = 0x4445414D


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """One row of `dealpulse status`."""

    name: str
    url: str
    enabled: bool
    in_config: bool
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    last_result: str | None
    last_http_status: int | None
    last_error: str | None
    last_warning: str | None
    error_count: int
    next_fetch_at: datetime | None
    articles: int
    dead: bool = False
    disabled_reason: str | None = None
    url_moved_from: str | None = None  # the configured URL, when a permanent redirect moved the feed


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """Where an entry's story lives, and whether this call created it."""

    article_id: int
    created: bool


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._merge_lock = threading.Lock()
        self._dialect = dialect = engine.dialect.name
        # How many threads should write stories at once. SQLite takes one writer at a time: more threads
        # only wait for its lock and for the GIL in each other's turns, which costs CPU the extraction
        # needs. PostgreSQL takes several (deal merges still queue for the lock).
        self.writer_threads = 1 if dialect == "sqlite" else 4
        # Built once: the inserts every story makes, passed their values at execution (building a
        # statement per story cost a fifth of the time of storing one).
        self._insert_article = insert_ignore(dialect, Article).returning(Article.id)
        self._insert_feed_item = insert_ignore(dialect, FeedItem)
        self._insert_classification = insert(ArticleClassification)

    # feeds -------------------------------------------------------------------------------------------

    def sync_feeds(self, sources: Sequence[FeedSource], now: datetime) -> None:
        """Make the feeds table match feeds.yaml. A feed whose URL changed starts afresh (no validators);
        a feed no longer configured is kept, with its articles, but marked as not in the config."""
        with self._sessions.begin() as session:
            existing = {feed.name: feed for feed in session.scalars(select(Feed))}
            for source in sources:
                feed = existing.pop(source.name, None)
                if feed is None:
                    # ignored if there: another process starting at the same moment may have added it
                    session.execute(
                        insert_ignore(self._dialect, Feed).values(
                            name=source.name,
                            url=source.url,
                            config_url=source.url,
                            dead=False,
                            redirect_count=0,
                            enabled=source.enabled,
                            in_config=True,
                            tags=list(source.tags),
                            interval_seconds=int(source.interval.total_seconds()),
                            error_count=0,
                            last_entries=0,
                            last_new_articles=0,
                            created_at=now,
                        )
                    )
                    continue
                if feed.config_url != source.url:  # a new address: start afresh, healthy, not gone
                    feed.url, feed.config_url = source.url, source.url
                    feed.etag, feed.last_modified, feed.next_fetch_at = None, None, None
                    feed.error_count, feed.failing_since, feed.dead = 0, None, False
                    feed.disabled_reason = None
                    feed.redirect_target, feed.redirect_count = None, 0
                feed.enabled, feed.in_config = source.enabled, True
                feed.tags = list(source.tags)
                feed.interval_seconds = int(source.interval.total_seconds())
            for feed in existing.values():
                feed.in_config = False

    def feed_states(self, names: Iterable[str] | None = None) -> list[FeedState]:
        """Enabled, configured feeds (or the named ones, whatever their state), by name."""
        query = select(Feed).order_by(Feed.name)
        if names is None:
            query = query.where(
                Feed.enabled.is_(True), Feed.in_config.is_(True), Feed.disabled_reason.is_(None)
            )
        else:
            query = query.where(Feed.name.in_(list(names)))
        with self._sessions() as session:
            return [_state(feed) for feed in session.scalars(query)]

    def claim_due_feed(
        self, name: str, now: datetime, interval: timedelta, early: timedelta
    ) -> FeedState | None:
        """Claim a feed whose next fetch is due (or due within `early`) by moving its next fetch one
        interval ahead, in one conditional UPDATE. Of several daemons, exactly one wins; None for the rest."""
        with self._sessions.begin() as session:
            result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(Feed)
                .where(
                    Feed.name == name,
                    Feed.enabled.is_(True),
                    Feed.in_config.is_(True),
                    Feed.disabled_reason.is_(None),
                    or_(Feed.next_fetch_at.is_(None), Feed.next_fetch_at <= now + early),
                )
                .values(next_fetch_at=now + interval)
            )
            if result.rowcount != 1:
                return None
            feed = session.scalars(select(Feed).where(Feed.name == name)).one()
            return _state(feed)

    def record_outcome(
        self,
        feed_id: int,
        outcome: FeedOutcome,
        now: datetime,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        backoff: BackoffPolicy = DEFAULT_BACKOFF,
        chance: float = 0.5,
    ) -> None:
        """Store what one fetch of the feed did (see record_outcomes)."""
        self.record_outcomes([FeedFetch(feed_id, outcome, now, etag, last_modified, chance)], backoff)

    def record_outcomes(self, fetches: Sequence[FeedFetch], backoff: BackoffPolicy = DEFAULT_BACKOFF) -> None:
        """Store what each fetch did, and when its feed is fetched next (feedhealth decides: backoff, dead,
        gone, moved), all in one transaction. Validators change only on success, so a cycle that was
        interrupted is repeated in full next time."""
        with self._sessions.begin() as session:
            for fetch in fetches:
                _apply_outcome(session.get_one(Feed, fetch.feed_id), fetch, backoff)

    def feed_statuses(self) -> list[FeedStatus]:
        # Stories each feed carries, including those another feed delivered first.
        counts = select(FeedItem.feed_id, func.count().label("n")).group_by(FeedItem.feed_id).subquery()
        query = (
            select(Feed, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.feed_id == Feed.id)
            .order_by(Feed.name)
        )
        with self._sessions() as session:
            return [
                FeedStatus(
                    name=f.name,
                    url=f.url,
                    enabled=f.enabled,
                    in_config=f.in_config,
                    last_fetch_at=f.last_fetch_at,
                    last_success_at=f.last_success_at,
                    last_result=f.last_result,
                    last_http_status=f.last_http_status,
                    last_error=f.last_error,
                    last_warning=f.last_warning,
                    error_count=f.error_count,
                    next_fetch_at=f.next_fetch_at,
                    articles=n,
                    dead=f.dead,
                    disabled_reason=f.disabled_reason,
                    url_moved_from=f.config_url if f.config_url != f.url else None,
                )
                for f, n in session.execute(query)
            ]

    # articles ----------------------------------------------------------------------------------------

    def known_guids(self, feed_id: int, guids: Iterable[str]) -> set[str]:
        """The GUIDs among these that this feed has already delivered."""
        by_hash = {short_hash(g): g for g in guids}
        found: set[str] = set()
        with self._sessions() as session:
            for chunk in _chunks(list(by_hash), 500):
                query = select(FeedItem.guid_hash).where(
                    FeedItem.feed_id == feed_id, FeedItem.guid_hash.in_(chunk)
                )
                found.update(by_hash[h] for h in session.scalars(query))
        return found

    def articles_by_url(self, canonical_urls: Iterable[str]) -> dict[str, int]:
        """Article ids of the stories already stored under these canonical URLs."""
        by_hash = {short_hash(u): u for u in canonical_urls}
        found: dict[str, int] = {}
        with self._sessions() as session:
            for chunk in _chunks(list(by_hash), 500):
                query = select(Article.url_hash, Article.id).where(Article.url_hash.in_(chunk))
                found.update({by_hash[h]: article_id for h, article_id in session.execute(query)})
        return found

    def add_feed_item(self, feed_id: int, guid: str, article_id: int, now: datetime) -> None:
        """Record that the feed carries an already stored story under this GUID."""
        with self._sessions.begin() as session:
            self._add_feed_item(session, feed_id, guid, article_id, now)

    def store_article(
        self, article: NewArticle, classification: Classification | None = None, now: datetime | None = None
    ) -> StoredArticle:
        """Insert the story and the feed's entry for it in one transaction; if the story is already
        there (same canonical URL or same text), only the entry is added, pointing at it. A new story's
        classification, when given, is stored in the same transaction (one commit per story, not two)."""
        values = {
            "url_hash": short_hash(article.canonical_url),
            "canonical_url": article.canonical_url,
            "url": article.url,
            "feed_id": article.feed_id,
            "guid": article.guid,
            "title": article.title,
            "summary": article.summary,
            "text": article.text,
            "author": article.author,
            "published_at": article.published_at,
            "fetched_at": article.fetched_at,
            "language": article.language,
            "site_name": article.site_name,
            "extraction_status": article.extraction_status.value,
            "extraction_error": article.extraction_error,
            "content_hash": article.content_hash,
        }
        merging = classification is not None and bool(classification.events)
        with self._merging(merging) as session:
            # Core on the session's connection: the ORM's insert path cost more than the insert itself
            connection = session.connection()
            inserted = connection.execute(self._insert_article, values).scalar_one_or_none()
            if inserted is not None:
                article_id, created = inserted, True
            else:
                match = Article.url_hash == values["url_hash"]
                if article.content_hash:
                    match = or_(match, Article.content_hash == article.content_hash)
                article_id = connection.scalars(select(Article.id).where(match).limit(1)).one()
                created = False
            self._add_feed_item(session, article.feed_id, article.guid, article_id, article.fetched_at)
            if created and classification is not None:
                self._write_classification(
                    session, article_id, article.published_at, classification, now or article.fetched_at
                )
        return StoredArticle(article_id, created)

    def _add_feed_item(
        self, session: Session, feed_id: int, guid: str, article_id: int, now: datetime
    ) -> None:
        values = {
            "feed_id": feed_id,
            "guid_hash": short_hash(guid),
            "guid": guid,
            "article_id": article_id,
            "first_seen_at": now,
        }
        session.connection().execute(self._insert_feed_item, values)

    # classifications and deals --------------------------------------------------------------------

    def save_classification(
        self, article_id: int, reported_at: datetime, result: Classification, now: datetime
    ) -> None:
        """Store what the classifier found in one article, in one transaction: its events replace any
        earlier ones (a reclassification), each event joins the deal it reports or starts one, and the
        deals it touches are revised and recounted."""
        with self._merging(True) as session:
            existing = session.get(ArticleClassification, article_id)
            if existing is None:
                self._write_classification(session, article_id, reported_at, result, now)
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
    def _merging(self, merging: bool) -> Iterator[Session]:
        """A transaction; when `merging`, one that may read and start deals. Merges run one at a time, in
        this process (the lock) and across daemons sharing PostgreSQL (an advisory lock held until the
        transaction ends). The lock is always taken before the transaction, never inside one."""
        with self._merge_lock if merging else nullcontext(), self._sessions.begin() as session:
            if merging and session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _DEAL_MERGE_LOCK_ID})
            yield session

    def _write_classification(
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
                key=deal_key(event)[:400],
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

    def stories_since(self, since: datetime | None) -> list[tuple[int, datetime, Story]]:
        """(article id, publication time, story) of every article published since `since`, oldest first."""
        query = select(Article).order_by(Article.published_at, Article.id)
        if since is not None:
            query = query.where(Article.published_at >= since)
        with self._sessions() as session:
            return [(a.id, a.published_at, Story.of_article(a.id, a)) for a in session.scalars(query)]

    def events_of(self, article_id: int) -> list[DealEvent]:
        with self._sessions() as session:
            return [
                _event_record(e) for e in session.scalars(select(Event).where(Event.article_id == article_id))
            ]

    def deals(
        self,
        *,
        since: datetime | None = None,
        event_type: str | None = None,
        min_usd: float | None = None,
        company: str | None = None,
        min_confidence: float | None = None,
    ) -> list[DigestDeal]:
        """Stored deals, newest first, filtered, with their sources and confidence. event_type is a type
        or an investment's subtype."""
        ids = select(Deal.id)
        if since is not None:
            ids = ids.where(Deal.first_reported_at >= since)
        if event_type in INVESTMENT_SUBTYPES:
            ids = ids.where(Deal.subtype == event_type)
        elif event_type is not None:
            ids = ids.where(Deal.type == event_type)
        if min_usd is not None:
            ids = ids.where(Deal.amount_usd >= min_usd)
        with self._sessions() as session:
            found = deal_records(session, ids)
        if company:
            wanted = company_key(company)
            found = [d for d in found if any(company_key(p) == wanted for p in d.parties)]
        if min_confidence is not None:
            found = [d for d in found if d.confidence >= min_confidence]
        return sorted(found, key=lambda d: (d.first_reported_at, d.id), reverse=True)

    def session(self) -> Session:
        """A session for read-only inspection (tests, reports)."""
        return self._sessions()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _apply_outcome(feed: Feed, fetch: FeedFetch, backoff: BackoffPolicy) -> None:
    feed.last_fetch_at = fetch.at
    feed.last_result = fetch.outcome.result.value
    feed.last_http_status = fetch.outcome.http_status
    feed.last_entries = fetch.outcome.entries_seen
    feed.last_new_articles = fetch.outcome.new_articles
    if fetch.outcome.result is FeedResult.ERROR:
        feed.last_error = fetch.outcome.error
        feed.error_count += 1
        feed.failing_since = feed.failing_since or fetch.at
        if fetch.outcome.http_status == 410:
            feed.disabled_reason = (
                f"410 Gone on {fetch.at:%Y-%m-%d}: the server says this feed is gone for good; "
                "it is not fetched again until its url in feeds.yaml changes"
            )
    else:
        feed.last_success_at = fetch.at
        feed.last_error = None
        feed.error_count, feed.failing_since = 0, None
        if fetch.outcome.result is FeedResult.OK:
            feed.last_warning = fetch.outcome.warning
            feed.etag, feed.last_modified = fetch.etag, fetch.last_modified
            redirect = fetch.outcome.permanent_redirect
            target, seen, move = moved_to(feed.redirect_target, feed.redirect_count, redirect)
            feed.redirect_target, feed.redirect_count = target, seen
            if move and redirect:
                feed.url = redirect  # the configured address stays in config_url
    feed.dead = is_dead(feed.failing_since, fetch.at, backoff)
    feed.next_fetch_at = next_fetch_time(
        fetch.at,
        timedelta(seconds=feed.interval_seconds),
        failures=feed.error_count,
        dead=feed.dead,
        retry_after=fetch.outcome.retry_after,
        policy=backoff,
        chance=fetch.chance,
    )


def _state(feed: Feed) -> FeedState:
    return FeedState(
        id=feed.id,
        name=feed.name,
        url=feed.url,
        interval=timedelta(seconds=feed.interval_seconds),
        etag=feed.etag,
        last_modified=feed.last_modified,
        next_fetch_at=feed.next_fetch_at,
    )


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _deal_headline(deal: Deal) -> str:
    return headline(
        deal.type,
        deal.subtype,
        deal.parties,
        amount=deal.amount,
        currency=deal.currency,
        product=deal.product,
        roles=deal.roles,
    )


def _summary(deal: Deal) -> DealSummary:
    return DealSummary(
        id=deal.id,
        type=deal.type,
        subtype=deal.subtype,
        parties=tuple(deal.parties),
        roles=tuple(deal.roles),
        first_reported_at=deal.first_reported_at,
        last_reported_at=deal.last_reported_at,
        amount=deal.amount,
        currency=deal.currency,
        amount_usd=deal.amount_usd,
        rumor=deal.rumor,
        round=deal.round,
        valuation=deal.valuation,
        valuation_currency=deal.valuation_currency,
        product=deal.product,
    )


def _event_columns(event: DealEvent) -> dict[str, Any]:
    """The EventFields columns of an event, for its row and for a deal it starts."""
    return {
        "type": event.type,
        "subtype": event.subtype,
        "parties": list(event.parties),
        "roles": list(event.roles),
        "amount": event.amount,
        "currency": event.currency,
        "amount_usd": event.amount_usd,
        "round": event.round,
        "valuation": event.valuation,
        "valuation_currency": event.valuation_currency,
        "product": event.product,
        "rumor": event.rumor,
        "evidence": event.evidence,
    }


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
    return DealEvent(
        type=row.type,
        subtype=row.subtype,
        parties=tuple(row.parties),
        roles=tuple(row.roles),
        amount=row.amount,
        currency=row.currency,
        amount_usd=row.amount_usd,
        round=row.round,
        valuation=row.valuation,
        valuation_currency=row.valuation_currency,
        product=row.product,
        rumor=row.rumor,
        evidence=row.evidence,
        confidence=row.confidence,
    )
