"""The store's guarantees: one row per story however many writers race, one winner per feed claim."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from pipeline.db.engine import make_engine
from pipeline.db.migrate import is_current, upgrade
from pipeline.db.store import Store
from pipeline.records import FeedOutcome, FeedResult, NewArticle
from tests.support.helpers import articles, feed_item_count, feed_row, new_article, source

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def article(feed_id: int, n: int, guid: str | None = None, text_hash: str | None = None) -> NewArticle:
    return new_article(
        feed_id,
        f"https://news.example.com/story/{n}",
        link=f"https://news.example.com/story/{n}?ref=x",
        guid=guid or f"g{n}",
        title=f"Story {n}",
        text=f"text {n}",
        published_at=NOW,
        content_hash=text_hash,
    )


def test_racing_writers_store_each_story_once(store: Store, database_url: str) -> None:
    """Four writers with their own connections store the same 25 stories at once."""
    store.feeds.sync([source("a", "https://a.example.com/"), source("b", "https://b.example.com/")], NOW)
    feed_ids = [state.id for state in store.feeds.states()]
    created: list[bool] = []
    barrier = threading.Barrier(4)

    def writer(index: int) -> None:
        own = Store(make_engine(database_url))
        barrier.wait()
        for n in range(25):
            created.append(
                own.articles.store(article(feed_ids[index % 2], n, guid=f"g{n}-{index % 2}")).created
            )
        own.engine.dispose()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert created.count(True) == 25
    assert len(articles(store)) == 25
    assert feed_item_count(store) == 50  # each feed's GUID recorded once per story


def test_same_text_hash_is_one_story(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    (feed,) = store.feeds.states()
    first = store.articles.store(article(feed.id, 1, text_hash="h" * 64))
    second = store.articles.store(article(feed.id, 2, text_hash="h" * 64))
    assert (first.created, second.created) == (True, False)
    assert second.article_id == first.article_id


def test_only_one_of_several_claims_wins(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    interval, early = timedelta(minutes=30), timedelta(seconds=10)
    assert store.feeds.claim_due("a", NOW, interval, early) is not None
    assert store.feeds.claim_due("a", NOW, interval, early) is None  # a second daemon, same moment
    assert store.feeds.claim_due("a", NOW + timedelta(minutes=29, seconds=55), interval, early) is not None


def test_feed_sync_keeps_removed_feeds_and_resets_a_changed_url(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/"), source("b", "https://b.example.com/")], NOW)
    a = store.feeds.states(["a"])[0]
    store.feeds.record_outcome(a.id, FeedOutcome("a", a.url, FeedResult.OK, http_status=200), NOW, etag='"1"')
    assert feed_row(store, "a").etag == '"1"'
    store.feeds.sync([source("a", "https://a.example.com/moved")], NOW)
    row = feed_row(store, "a")
    assert (row.url, row.etag) == ("https://a.example.com/moved", None)
    assert feed_row(store, "b").in_config is False
    assert [s.name for s in store.feeds.states()] == ["a"]


def test_errors_count_up_and_success_resets(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    (feed,) = store.feeds.states()
    failure = FeedOutcome("a", feed.url, FeedResult.ERROR, error="HTTP 500 Internal Server Error")
    store.feeds.record_outcome(feed.id, failure, NOW)
    store.feeds.record_outcome(feed.id, failure, NOW)
    assert (feed_row(store, "a").error_count, feed_row(store, "a").last_error) == (2, failure.error)
    store.feeds.record_outcome(
        feed.id, FeedOutcome("a", feed.url, FeedResult.NOT_MODIFIED, http_status=304), NOW
    )
    row = feed_row(store, "a")
    assert (row.error_count, row.last_error, row.last_success_at) == (0, None, NOW)


def test_datetimes_come_back_aware_and_utc(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    (feed,) = store.feeds.states()
    in_paris = dataclasses.replace(
        article(feed.id, 1), published_at=datetime(2026, 11, 26, 7, 0, tzinfo=timezone(timedelta(hours=1)))
    )
    store.articles.store(in_paris)
    (stored,) = articles(store)
    assert stored.published_at == NOW
    assert stored.published_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    (feed,) = store.feeds.states()
    naive = dataclasses.replace(article(feed.id, 1), published_at=datetime(2026, 11, 26, 6, 0))
    with pytest.raises(Exception, match="naive datetime"):
        store.articles.store(naive)


def test_migrations_match_the_models_and_are_idempotent(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from pipeline.db.models import Base

    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)  # a second run changes nothing and does not fail
    assert is_current(engine)
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    assert {"feeds", "articles", "feed_items", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_racing_reports_of_one_deal_make_one_deal(store: Store, database_url: str) -> None:
    """Six writers classify six reports of one new deal at once. On PostgreSQL each has its own engine and
    lock (like separate daemons: the advisory lock serialises them); on SQLite they share one store."""
    from pipeline.classify import CLASSIFIER_VERSION
    from pipeline.db.models import Deal
    from pipeline.records import Classification, DealEvent

    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    (feed,) = store.feeds.states()
    ids = [store.articles.store(article(feed.id, n)).article_id for n in range(6)]
    event = DealEvent(
        type="investment",
        subtype="funding",
        parties=("Quillmark", "Northgate"),
        roles=("investee", "investor"),
        amount=42e6,
        currency="USD",
    )
    result = Classification("x", True, False, (event,), CLASSIFIER_VERSION)
    separate = database_url.startswith("postgresql")
    barrier = threading.Barrier(len(ids))

    def writer(article_id: int) -> None:
        own = Store(make_engine(database_url)) if separate else store
        barrier.wait()
        own.deals.save_classification(article_id, NOW, result, NOW)
        if separate:
            own.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.session() as session:
        (deal,) = session.query(Deal).all()
    assert deal.sources == 6


def test_a_new_deal_gets_its_headline_from_its_first_report(store: Store) -> None:
    from pipeline.classify import CLASSIFIER_VERSION
    from pipeline.db.models import Deal
    from pipeline.records import Classification, DealEvent

    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    (feed,) = store.feeds.states()
    article_id = store.articles.store(article(feed.id, 1)).article_id
    event = DealEvent(
        type="investment",
        subtype="acquisition",
        parties=("Nvidia", "Run:ai"),
        roles=("acquirer", "target"),
        amount=7e8,
        currency="USD",
        evidence="Nvidia acquires Run:ai",
    )
    store.deals.save_classification(
        article_id, NOW, Classification("1", True, False, (event,), CLASSIFIER_VERSION), NOW
    )
    with store.session() as session:
        (deal,) = session.query(Deal).all()
    assert deal.headline == "Nvidia acquires Run:ai for USD 700M"
    assert (deal.amount, deal.currency, deal.sources, deal.evidence) == (
        7e8,
        "USD",
        1,
        "Nvidia acquires Run:ai",
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [("Advanced Micro Devices", "AMD"), ("AMD", "Advanced Micro Devices")],
)
def test_a_company_named_in_full_then_by_its_acronym_or_the_other_way_is_one_deal(
    store: Store, first: str, second: str
) -> None:
    from tests.support.deal_stories import funding, store_story

    # a round named by its investee alone: the acronym is all that ties the two reports
    store_story(store, [funding(first, amount=4e8)], published_at=NOW, recorded_at=NOW, outlet="wire")
    later = NOW + timedelta(days=2)
    store_story(store, [funding(second, amount=4e8)], published_at=later, recorded_at=later, outlet="daily")
    (deal,) = store.deals.find()
    assert deal.parties[0] == first
    assert deal.outlets == 2


def test_a_round_stored_without_its_raiser_meets_the_report_that_names_it(store: Store) -> None:
    from tests.support.deal_stories import funding, store_story

    # the first outlet's story named only the investors; its stored key must let the raiser find it
    backers = replace(funding("Northgate Ventures", "Atlas Capital", "Quillon AI"), roles=("investor",) * 3)
    store_story(store, [backers], published_at=NOW, recorded_at=NOW, outlet="wire")
    later = NOW + timedelta(hours=5)
    store_story(
        store,
        [funding("Quillon AI", amount=4e7)],
        published_at=later,
        recorded_at=later,
        outlet="daily",
    )
    (deal,) = store.deals.find()
    assert deal.outlets == 2


def test_connections_dropped_by_the_server_are_replaced(store: Store, database_url: str) -> None:
    """What a PostgreSQL restart looks like to a running daemon: its pooled connection is cut. The next
    call must get a fresh one, not fail. (On SQLite there is no server to lose.)"""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: set DEALPULSE_TEST_DATABASE_URL (.ci/run does)")
    from sqlalchemy import create_engine, text

    store.feeds.sync([source("a", "https://a.example.com/")], NOW)
    with store.engine.connect() as connection:  # the one connection the pool holds, and will hand out next
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(database_url.split("?", maxsplit=1)[0])
    with admin.begin() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()
    assert [s.name for s in store.feeds.states()] == ["a"]
    store.feeds.record_outcome(
        store.feeds.states()[0].id, FeedOutcome("a", "u", FeedResult.NOT_MODIFIED), NOW
    )
    assert feed_row(store, "a").last_result == "not_modified"


def test_a_write_waits_for_another_process_holding_the_sqlite_lock(store: Store, database_url: str) -> None:
    """SQLite allows one writer at a time: a second process's write waits (busy_timeout), it does not fail."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    import subprocess
    import sys

    path = database_url.removeprefix("sqlite:///")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({path!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(2)\n"
            "c.execute('COMMIT')\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    with holder.stdout:
        try:
            assert holder.stdout.readline().strip() == "locked"
            # without the busy timeout this fails at once with "database is locked"
            store.feeds.sync([source("a", "https://a.example.com/")], NOW)
        finally:
            assert holder.wait(timeout=10) == 0
    assert [s.name for s in store.feeds.states()] == ["a"]
