"""Builds the long-lived parts (database, HTTP client, worker pool) from the settings, and closes them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from pipeline.classify import Classifier
from pipeline.clock import utc_now
from pipeline.config import Config, Settings
from pipeline.db.engine import make_engine
from pipeline.db.ledger import Ledger
from pipeline.db.migrate import is_current, upgrade
from pipeline.db.notifications import NotificationTable
from pipeline.db.store import Store
from pipeline.digest.service import DigestPolicy, DigestService, first_retry, transport_for
from pipeline.errors import DatabaseError
from pipeline.feedhealth import BackoffPolicy
from pipeline.http import Fetcher, FetchPolicy
from pipeline.ingest import Ingestor
from pipeline.netguard import AddressPolicy
from pipeline.notify import AppriseNotifier, NotificationService, NotifyPolicy
from pipeline.records import FeedSource
from pipeline.workers import WorkerPool


def open_store(settings: Settings, feeds: Sequence[FeedSource] | None = None) -> Store:
    """The store, its schema brought up to date, and its feeds table matched to the config when given."""
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        store = Store(engine)
        if feeds is not None:
            store.feeds.sync(feeds, utc_now())
    except BaseException:
        engine.dispose()
        raise
    return store


def open_store_for_reading(settings: Settings) -> Store:
    """The store for a command that only reads: it creates no file or folder and migrates nothing, so
    a command run from the wrong folder, or before the first fetch, says so instead of showing an empty
    history (and leaving an empty database behind)."""
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database or "")
        if not path.is_file():
            raise DatabaseError(f"no database at {path}: run `dealpulse fetch` or `dealpulse run` first")
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        if not is_current(engine):
            raise DatabaseError(
                f"the database at {url.render_as_string(hide_password=True)} has an older schema: "
                "run `dealpulse db upgrade` (or start `dealpulse run`) first"
            )
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def digest_service(config: Config, store: Store) -> DigestService:
    """The digest sender: the ledger in the store's database, SMTP or the outbox as the settings say."""
    return DigestService(
        Ledger(store.engine),
        config.recipients,
        transport_for(config.settings),
        DigestPolicy.of(config.settings),
        store.feeds,
    )


def notification_service(config: Config, store: Store) -> NotificationService:
    """The notifier of the recipients' `notify:` URLs, through the notifications ledger."""
    settings = config.settings
    policy = NotifyPolicy(
        min_confidence=settings.digest_min_confidence,
        retry_first=first_retry(settings),
        max_age=settings.digest_max_age,
    )
    return NotificationService(NotificationTable(store.engine), config.recipients, AppriseNotifier(), policy)


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.user_agent,
        connect_timeout=settings.connect_timeout,
        total_timeout=settings.request_timeout,
        max_redirects=settings.max_redirects,
        max_connections=settings.max_connections,
        max_connections_per_host=settings.max_connections_per_host,
        addresses=AddressPolicy(
            allow_private=settings.allow_private_addresses,
            allow_public=settings.allow_public_addresses,
            allowed_networks=tuple(settings.allowed_networks),
        ),
    )


@contextmanager
def started_workers(settings: Settings) -> Iterator[WorkerPool]:
    """A worker pool started now and closed on exit. Commands start it before they open the database, so
    the forkserver's imports (about 0.3 s) overlap opening and migrating it instead of holding up the
    first feed's parse."""
    pool = WorkerPool(settings.extraction_workers)
    try:
        pool.start()
        yield pool
    finally:
        pool.close()


@dataclass(frozen=True, slots=True)
class Runtime:
    store: Store
    fetcher: Fetcher
    ingestor: Ingestor


@asynccontextmanager
async def open_runtime(
    settings: Settings, store: Store, *, classifier: Classifier | None, workers: WorkerPool | None = None
) -> AsyncIterator[Runtime]:
    """The ingest parts, closed on exit. A worker pool given by the caller stays the caller's to start
    and close (commands start it early, tests share one across many cycles); classifier None stores
    stories without classifying them."""
    with ExitStack() as owned:
        pool = workers if workers is not None else owned.enter_context(started_workers(settings))
        fetcher = Fetcher(fetch_policy(settings))
        try:
            ingestor = Ingestor(
                store,
                fetcher,
                pool,
                max_feed_bytes=settings.max_feed_bytes,
                max_page_bytes=settings.max_page_bytes,
                backoff=BackoffPolicy(settings.backoff_max, settings.dead_after, settings.dead_retry),
                max_new_stories=settings.max_new_stories,
                classifier=classifier,
            )
            try:
                yield Runtime(store, fetcher, ingestor)
            finally:
                await ingestor.aclose()
        finally:
            await fetcher.aclose()
