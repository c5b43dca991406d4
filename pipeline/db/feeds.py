"""The feeds table: which feeds there are, what each fetch did, when each is fetched next, and who fetches
it (a conditional UPDATE, so of several daemons exactly one claims a due feed). `feedhealth` decides the
backoff, death and moves; this module applies them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.engine import insert_ignore
from pipeline.db.models import Feed, FeedItem
from pipeline.feedhealth import (
    DEFAULT_BACKOFF,
    BackoffPolicy,
    FeedFacts,
    gone_reason,
    is_dead,
    moved_to,
    needs_attention,
    next_fetch_time,
)
from pipeline.records import FeedFetch, FeedHealth, FeedOutcome, FeedResult, FeedSource, FeedState, FeedStatus

MAX_FEED_TITLE = 300


class FeedTable:
    def __init__(self, sessions: sessionmaker[Session], dialect: str) -> None:
        self._sessions = sessions
        self._dialect = dialect

    def sync(self, sources: Sequence[FeedSource], now: datetime) -> None:
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

    def states(self, names: Iterable[str] | None = None) -> list[FeedState]:
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

    def claim_due(self, name: str, now: datetime, interval: timedelta, early: timedelta) -> FeedState | None:
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

    def statuses(self) -> list[FeedStatus]:
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

    def needing_attention(self, now: datetime) -> list[FeedHealth]:
        """Enabled feeds failing, or without a new story, for more than a day."""
        last_item = (
            select(FeedItem.feed_id, func.max(FeedItem.first_seen_at).label("at"))
            .group_by(FeedItem.feed_id)
            .subquery()
        )
        query = (
            select(Feed, last_item.c.at)
            .outerjoin(last_item, last_item.c.feed_id == Feed.id)
            .where(Feed.enabled.is_(True), Feed.in_config.is_(True))
            .order_by(Feed.name)
        )
        with self._sessions() as session:
            return [
                problem
                for feed, last_new in session.execute(query)
                if (problem := _feed_problem(feed, last_new, now)) is not None
            ]


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
            feed.disabled_reason = gone_reason(fetch.at)
    else:
        feed.last_success_at = fetch.at
        feed.last_error = None
        feed.error_count, feed.failing_since = 0, None
        if fetch.outcome.result is FeedResult.OK:
            feed.last_warning = fetch.outcome.warning
            feed.etag, feed.last_modified = fetch.etag, fetch.last_modified
            if fetch.outcome.feed_title:
                feed.title = fetch.outcome.feed_title[:MAX_FEED_TITLE]
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


def _feed_problem(feed: Feed, last_new: datetime | None, now: datetime) -> FeedHealth | None:
    facts = FeedFacts(
        created_at=feed.created_at,
        error_count=feed.error_count,
        failing_since=feed.failing_since,
        dead=feed.dead,
        last_error=feed.last_error,
        disabled_reason=feed.disabled_reason,
        last_new_story_at=last_new,
    )
    problem = needs_attention(facts, now)
    return FeedHealth(feed.name, problem) if problem else None
