"""Running a fetch cycle in a test, and reading back what it stored."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select

from pipeline.classify import Classifier
from pipeline.config import Settings
from pipeline.db.models import Article, Feed, FeedItem
from pipeline.db.store import Store
from pipeline.http import Fetcher
from pipeline.ingest import Ingestor, utc_now
from pipeline.records import CycleReport, FeedSource
from pipeline.runtime import fetch_policy
from pipeline.workers import WorkerPool


def source(name: str, url: str) -> FeedSource:
    return FeedSource(name=name, url=url, interval=timedelta(minutes=30))


def run_cycle(
    settings: Settings,
    store: Store,
    workers: WorkerPool,
    feeds: Sequence[FeedSource],
    classifier: Classifier | None = None,
) -> CycleReport:
    store.sync_feeds(feeds, utc_now())

    async def go() -> CycleReport:
        async with Fetcher(fetch_policy(settings)) as fetcher:
            ingestor = Ingestor(
                store,
                fetcher,
                workers,
                max_feed_bytes=settings.max_feed_bytes,
                max_page_bytes=settings.max_page_bytes,
                classifier=classifier,
            )
            return await ingestor.run_cycle(store.feed_states())

    return asyncio.run(go())


def articles(store: Store) -> list[Article]:
    with store.session() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


def feed_row(store: Store, name: str) -> Feed:
    with store.session() as session:
        return session.scalars(select(Feed).where(Feed.name == name)).one()


def feed_item_count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(FeedItem)) or 0
