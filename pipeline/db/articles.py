"""The articles table and the feeds' entries pointing at them: each story stored once (by canonical URL
or text, enforced by unique indexes and `INSERT ... ON CONFLICT DO NOTHING`, so two processes racing to
store one story end with one row and neither fails), with its classification and deals in the same
transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.deals import DealTable
from pipeline.db.engine import insert_ignore
from pipeline.db.models import Article, FeedItem
from pipeline.records import Classification, NewArticle, Story
from pipeline.text import short_hash


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """Where an entry's story lives, and whether this call created it."""

    article_id: int
    created: bool


class ArticleTable:
    def __init__(self, sessions: sessionmaker[Session], dialect: str, deals: DealTable) -> None:
        self._sessions = sessions
        self._deals = deals
        # Built once: the inserts every story makes, passed their values at execution (building a
        # statement per story cost a fifth of the time of storing one).
        self._insert_article = insert_ignore(dialect, Article).returning(Article.id)
        self._insert_feed_item = insert_ignore(dialect, FeedItem)

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

    def by_url(self, canonical_urls: Iterable[str]) -> dict[str, int]:
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

    def store(
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
        with self._deals.transaction(merging) as session:
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
                self._deals.write_classification(
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

    def stories_since(self, since: datetime | None) -> list[tuple[int, datetime, Story]]:
        """(article id, publication time, story) of every article published since `since`, oldest first."""
        query = select(Article).order_by(Article.published_at, Article.id)
        if since is not None:
            query = query.where(Article.published_at >= since)
        with self._sessions() as session:
            return [(a.id, a.published_at, Story.of_article(a.id, a)) for a in session.scalars(query)]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
