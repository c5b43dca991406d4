"""SQLAlchemy 2.0 models. The schema itself is owned by the Alembic migrations in alembic/versions.

Long strings that must be unique (URLs, GUIDs, texts) are keyed by their SHA-256, so every unique index is
small and fits PostgreSQL's index-row limit whatever a feed sends.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so that migrations (batch mode on SQLite included) can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; DealPulse stores UTC only")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        when: datetime = value
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Feed(Base):
    """A configured feed and its fetch state. The database, not a process, decides when it is next due."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)  # as the feed names itself, from its last good fetch
    enabled: Mapped[bool] = mapped_column(default=True)
    in_config: Mapped[bool] = mapped_column(default=True)  # false once removed from feeds.yaml
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_fetch_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_result: Mapped[str | None] = mapped_column(String(20))
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_warning: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failed fetches
    failing_since: Mapped[datetime | None]  # the first failure of the current run of failures
    dead: Mapped[bool] = mapped_column(default=False)  # failing for dead_after: tried only every dead_retry
    disabled_reason: Mapped[str | None] = mapped_column(Text)  # 410 Gone: not fetched until its URL changes
    config_url: Mapped[str] = mapped_column(Text)  # the URL in feeds.yaml; `url` may have moved (301/308)
    redirect_target: Mapped[str | None] = mapped_column(Text)  # a permanent redirect seen, not yet followed
    redirect_count: Mapped[int] = mapped_column(Integer, default=0)  # fetches in a row redirected there
    last_entries: Mapped[int] = mapped_column(Integer, default=0)
    last_new_articles: Mapped[int] = mapped_column(Integer, default=0)
    next_fetch_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Article(Base):
    """One story, stored once however many feeds and URLs carry it."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_feed_id", "feed_id"),
        Index("ix_articles_extraction_status", "extraction_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of canonical_url
    canonical_url: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)  # the link as the feed gave it
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))  # the feed that first carried it
    guid: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime]
    fetched_at: Mapped[datetime]
    language: Mapped[str | None] = mapped_column(String(8))
    site_name: Mapped[str | None] = mapped_column(Text)
    extraction_status: Mapped[str] = mapped_column(String(20))
    extraction_error: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(
        String(64), unique=True
    )  # NULL for texts too thin to hash


class FeedItem(Base):
    """A feed's entry (its GUID) seen and tied to the article it carries: the per-feed GUID dedupe."""

    __tablename__ = "feed_items"
    __table_args__ = (
        UniqueConstraint("feed_id", "guid_hash"),
        Index("ix_feed_items_article_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"))
    guid_hash: Mapped[str] = mapped_column(String(64))
    guid: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    first_seen_at: Mapped[datetime]


class ArticleClassification(Base):
    """Which classifier version read an article, and what it said of the story as a whole."""

    __tablename__ = "classifications"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    classifier_version: Mapped[str] = mapped_column(String(40))
    ai_related: Mapped[bool]
    rumor: Mapped[bool]
    classified_at: Mapped[datetime]


class EventFields:
    """The columns an event and its deal share: what happened, between whom, for how much."""

    type: Mapped[str] = mapped_column(String(20))
    subtype: Mapped[str | None] = mapped_column(String(30))
    parties: Mapped[list[str]] = mapped_column(JSON)
    roles: Mapped[list[str]] = mapped_column(JSON)
    amount: Mapped[float | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_usd: Mapped[float | None]
    round: Mapped[str | None] = mapped_column(String(30))
    valuation: Mapped[float | None]
    valuation_currency: Mapped[str | None] = mapped_column(String(3))
    product: Mapped[str | None] = mapped_column(Text)
    rumor: Mapped[bool]
    evidence: Mapped[str] = mapped_column(Text)


class Deal(EventFields, Base):
    """One deal, however many articles report it. Its fields are the best known so far."""

    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_type_key", "type", "key"),
        Index("ix_deals_first_reported_at", "first_reported_at"),
        Index("ix_deals_recorded_at", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    headline: Mapped[str] = mapped_column(Text)
    sources: Mapped[int] = mapped_column(Integer, default=0)  # articles reporting it
    first_reported_at: Mapped[datetime]
    last_reported_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    recorded_at: Mapped[datetime]  # when it was first stored: digests take the deals new since the last one


class Event(EventFields, Base):
    """One event a classifier found in one article, tied to its deal."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_article_id", "article_id"),
        Index("ix_events_deal_id", "deal_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    classifier_version: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float]
    created_at: Mapped[datetime]


class DealRevision(Base):
    """A later report that changed a deal: its amount, or a rumour confirmed."""

    __tablename__ = "deal_revisions"
    __table_args__ = (Index("ix_deal_revisions_deal_id", "deal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    field: Mapped[str] = mapped_column(String(30))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class DeliveryState:
    """The columns of something delivered with retries (a digest, a destination's deal): tries so far, the
    last failure, when to try again, and until when a live sender holds it (a crashed one lets go)."""

    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]


class DigestRecord(DeliveryState, Base):
    """The ledger: one row per recipient and digest date, whatever became of it.

    status: pending (made, not yet accepted by the mail server), sent, or skipped (no deals, and empty
    digests are not sent). The unique (recipient, digest_date) is what makes a second tick or a second
    process unable to make a second digest for the same morning.
    """

    __tablename__ = "digests"
    __table_args__ = (
        UniqueConstraint("recipient", "digest_date"),
        Index("ix_digests_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    digest_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10))
    message_id: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    deal_count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime]  # deals stored after this (less an overlap) were candidates
    window_end: Mapped[datetime]
    created_at: Mapped[datetime]


class DigestItem(Base):
    """A deal in a digest. A deal appears in a recipient's digests once in the main list, and at most once
    before that under "Also reported, unconfirmed" (`unconfirmed`): a deal shown as unconfirmed that a
    later report confirms is shown again, in the main list, once.

    deal_id has no foreign key on purpose: a reclassification may remove a deal, and the ledger is history.
    """

    __tablename__ = "digest_deals"
    __table_args__ = (UniqueConstraint("recipient", "deal_id", "unconfirmed"),)

    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id"), primary_key=True)
    deal_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    headline: Mapped[str] = mapped_column(Text)
    unconfirmed: Mapped[bool] = mapped_column(default=False)


class Notification(DeliveryState, Base):
    """A deal owed to one notification destination (a chat channel's hook, a webhook ...): each deal
    once per destination, whoever's recipient entry lists it. status: pending until the service took it,
    then sent. The destination is kept by its hash (it holds tokens) and shown masked.

    deal_id has no foreign key, as in the digest ledger: the ledger is history.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("destination_hash", "deal_id"),
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    destination_hash: Mapped[str] = mapped_column(String(64))
    destination: Mapped[str] = mapped_column(Text)  # masked, for `status`
    deal_id: Mapped[int] = mapped_column(Integer)
    headline: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
