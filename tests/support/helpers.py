"""Running a fetch cycle in a test, a feeds file for it, and reading back what it stored."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from pipeline.classify import Classifier
from pipeline.cli import cli
from pipeline.clock import utc_now
from pipeline.config import Settings
from pipeline.db.models import Article, Feed, FeedItem
from pipeline.db.store import Store
from pipeline.records import CycleReport, ExtractionStatus, FeedSource, NewArticle
from pipeline.runtime import open_runtime
from pipeline.workers import WorkerPool


def source(name: str, url: str) -> FeedSource:
    return FeedSource(name=name, url=url, interval=timedelta(minutes=30))


def new_article(
    feed_id: int,
    canonical_url: str,
    *,
    guid: str,
    published_at: datetime,
    title: str = "A story",
    text: str = "text",
    link: str | None = None,
    content_hash: str | None = None,
) -> NewArticle:
    """A story as ingest hands it to the store, for tests that store articles directly."""
    return NewArticle(
        canonical_url=canonical_url,
        url=link or canonical_url,
        feed_id=feed_id,
        guid=guid,
        title=title,
        summary="s",
        text=text,
        author=None,
        published_at=published_at,
        fetched_at=published_at,
        language="en",
        site_name=None,
        extraction_status=ExtractionStatus.EXTRACTED,
        extraction_error=None,
        content_hash=content_hash,
    )


def run_cycle(
    settings: Settings,
    store: Store,
    workers: WorkerPool,
    feeds: Sequence[FeedSource],
    classifier: Classifier | None = None,
) -> CycleReport:
    store.feeds.sync(feeds, utc_now())

    async def go() -> CycleReport:
        async with open_runtime(settings, store, classifier=classifier, workers=workers) as runtime:
            return await runtime.ingestor.run_cycle(store.feeds.states())

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


def write_config(tmp_path: Path, database_url: str, feeds: dict[str, str]) -> Path:
    lines = [
        "settings:",
        f"  data_dir: {tmp_path / 'data'}",
        f"  database_url: '{database_url}'",
        "  allow_public_addresses: false",
        "  allowed_networks: ['127.0.0.0/8']",
        "  request_timeout: 4",
        "  test_mode: true",
        "feeds:",
    ]
    for name, url in feeds.items():
        lines += [f"  - name: {name}", f"    url: {url}"]
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def invoke(*args: str) -> tuple[int, str]:
    """`dealpulse ARGS` in this process: its exit code and output."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output
