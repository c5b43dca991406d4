"""Whole fetch cycles against a real HTTP server on 127.0.0.1 and a real database."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from werkzeug import Request, Response

from pipeline.config import Settings
from pipeline.db.articles import ArticleTable, StoredArticle
from pipeline.db.deals import DealTable
from pipeline.db.store import Store
from pipeline.records import Classification, ExtractionStatus, FeedResult, FeedSource, Story
from pipeline.workers import WorkerPool
from tests.support.builders import (
    DEAL_LEAD,
    Item,
    article_html,
    rss,
    serve_one_deal_from_two_outlets,
    unique_paragraphs,
)
from tests.support.helpers import articles, feed_item_count, feed_row, run_cycle, source


def serve_page(server: HTTPServer, path: str, title: str, **kwargs: object) -> str:
    server.expect_request(path).respond_with_data(
        article_html(title, unique_paragraphs(path), **kwargs),
        content_type="text/html; charset=utf-8",  # type: ignore[arg-type]
    )
    return server.url_for(path)


def test_new_stories_are_stored_with_their_extracted_text(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    one = serve_page(httpserver, "/news/quillmark", "Quillmark raises $42M")
    two = serve_page(httpserver, "/news/northwind", "Northwind partners with Lumen", lang="de")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            [
                Item("Quillmark raises $42M", one + "?utm_source=rss&utm_campaign=x", guid="q-1"),
                Item("Northwind partners with Lumen", two, guid="n-1", pub_date=None),
            ]
        ),
        content_type="application/rss+xml",
    )

    before = datetime.now(UTC)
    report = run_cycle(settings, store, workers, [source("desk", httpserver.url_for("/feed.xml"))])

    (outcome,) = report.outcomes
    assert (outcome.result, outcome.entries_seen, outcome.new_articles, outcome.extraction_failures) == (
        FeedResult.OK,
        2,
        2,
        0,
    )
    first, second = sorted(articles(store), key=lambda a: a.guid)
    assert second.guid == "q-1"
    assert second.canonical_url == one  # tracking parameters gone
    assert second.url.endswith("utm_campaign=x")  # the link as published is kept
    assert second.extraction_status == ExtractionStatus.EXTRACTED
    assert "Series B round led by Northgate Ventures" in second.text
    assert "All rights reserved" not in second.text  # boilerplate is not main text
    assert second.summary == "A short summary written by the feed."
    assert second.published_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert second.author == "Jo Writer"
    assert second.site_name == "Example News"
    assert second.language == "en"
    assert second.content_hash is not None
    assert first.language == "de"  # declared by the page
    # no date in the feed: the page's own date is used
    assert first.published_at == datetime(2026, 11, 24, tzinfo=UTC)
    assert before <= first.fetched_at <= datetime.now(UTC)
    feed = feed_row(store, "desk")
    assert (feed.last_result, feed.last_http_status, feed.error_count, feed.last_error) == (
        "ok",
        200,
        0,
        None,
    )


def test_second_cycle_is_a_conditional_request_and_stores_nothing(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    page = serve_page(httpserver, "/news/a", "A story")
    body = rss([Item("A story", page, guid="a")])

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"rev-1"':
            return Response(status=304)
        return Response(body, content_type="application/rss+xml", headers={"ETag": '"rev-1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    feeds = [source("desk", httpserver.url_for("/feed.xml"))]
    assert run_cycle(settings, store, workers, feeds).new_articles == 1
    second = run_cycle(settings, store, workers, feeds)
    assert second.outcomes[0].result is FeedResult.NOT_MODIFIED
    assert second.new_articles == 0
    assert len(articles(store)) == 1
    feed_requests = [r for r, _ in httpserver.log if r.path == "/feed.xml"]
    assert feed_requests[1].headers.get("If-None-Match") == '"rev-1"'
    assert [r.path for r, _ in httpserver.log].count("/news/a") == 1  # the page was fetched once
    assert feed_row(store, "desk").etag == '"rev-1"'


def test_known_entries_are_not_fetched_again_when_the_feed_changes(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    a = serve_page(httpserver, "/news/a", "A")
    b = serve_page(httpserver, "/news/b", "B")
    httpserver.expect_oneshot_request("/feed.xml").respond_with_data(rss([Item("A", a, guid="a")]))
    httpserver.expect_oneshot_request("/feed.xml").respond_with_data(
        rss([Item("B", b, guid="b"), Item("A", a, guid="a")])
    )
    feeds = [source("desk", httpserver.url_for("/feed.xml"))]
    run_cycle(settings, store, workers, feeds)
    report = run_cycle(settings, store, workers, feeds)
    assert (report.entries_seen, report.new_articles) == (2, 1)
    paths = [r.path for r, _ in httpserver.log]
    assert paths.count("/news/a") == 1
    assert paths.count("/news/b") == 1


def test_one_story_in_two_feeds_is_stored_once(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    page = serve_page(httpserver, "/news/shared", "Shared story")
    httpserver.expect_request("/one.xml").respond_with_data(rss([Item("Shared story", page, guid="one-1")]))
    httpserver.expect_request("/two.xml").respond_with_data(
        rss([Item("Shared story (syndicated)", page + "?fbclid=abc#top", guid="two-77")])
    )
    report = run_cycle(
        settings,
        store,
        workers,
        [source("one", httpserver.url_for("/one.xml")), source("two", httpserver.url_for("/two.xml"))],
    )
    assert report.new_articles == 1
    assert sum(o.duplicates for o in report.outcomes) == 1
    assert len(articles(store)) == 1
    assert feed_item_count(store) == 2  # each feed remembers its own GUID for the story
    assert {row.name: row.articles for row in store.feeds.statuses()} == {"one": 1, "two": 1}


def test_same_text_under_two_urls_is_stored_once(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    html = article_html("Same story", unique_paragraphs("same"))
    for path in ("/story?id=9", "/2026/11/the-story"):
        httpserver.expect_request(path.split("?")[0]).respond_with_data(html, content_type="text/html")
    feeds = [source("desk", httpserver.url_for("/feed.xml"))]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            [
                Item("Same story", httpserver.url_for("/story?id=9"), guid="x"),
                Item("Same story again", httpserver.url_for("/2026/11/the-story"), guid="y"),
            ]
        )
    )
    report = run_cycle(settings, store, workers, feeds)
    assert report.new_articles == 1
    assert report.outcomes[0].duplicates == 1
    assert len(articles(store)) == 1
    assert feed_item_count(store) == 2


def test_the_pages_own_canonical_link_identifies_the_story(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    canonical = httpserver.url_for("/2026/11/canonical-story")
    httpserver.expect_request("/amp/story").respond_with_data(
        article_html("Story", unique_paragraphs("amp"), canonical=canonical), content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([Item("Story", httpserver.url_for("/amp/story"), guid="amp")])
    )
    run_cycle(settings, store, workers, [source("desk", httpserver.url_for("/feed.xml"))])
    (article,) = articles(store)
    assert article.canonical_url == canonical
    assert article.url == httpserver.url_for("/amp/story")


def test_pages_that_fail_keep_the_feed_summary_and_say_why(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/report.pdf").respond_with_data(
        b"%PDF-1.7 ...", content_type="application/pdf"
    )
    httpserver.expect_request("/empty").respond_with_data(
        "<html><body></body></html>", content_type="text/html"
    )
    httpserver.expect_request("/scrap").respond_with_data(
        "<html><body><article><p>menu</p></article></body></html>", content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            [
                Item("Gone", httpserver.url_for("/gone"), guid="g", description="Summary of the gone story."),
                Item(
                    "Report",
                    httpserver.url_for("/report.pdf"),
                    guid="p",
                    description="Summary of the report.",
                ),
                Item(
                    "Empty", httpserver.url_for("/empty"), guid="e", description="Summary of the empty page."
                ),
                Item("Scrap", httpserver.url_for("/scrap"), guid="s", description="Summary of the scrap."),
                Item("", httpserver.url_for("/missing/acme-raises-5m"), guid="n", description=""),
            ]
        )
    )
    report = run_cycle(settings, store, workers, [source("desk", httpserver.url_for("/feed.xml"))])
    assert (report.new_articles, report.extraction_failures) == (5, 5)
    stored = {a.guid: a for a in articles(store)}
    assert stored["g"].extraction_status == ExtractionStatus.FETCH_FAILED
    assert stored["g"].extraction_error == "HTTP 404 Not Found"
    assert stored["g"].text == "Summary of the gone story."
    assert stored["p"].extraction_status == ExtractionStatus.NOT_HTML
    assert stored["p"].extraction_error == "content type application/pdf"
    assert stored["e"].extraction_status == ExtractionStatus.EMPTY
    assert stored["e"].text == "Summary of the empty page."
    assert stored["s"].extraction_status == ExtractionStatus.EMPTY  # a word or two is not the story
    assert stored["s"].text == "Summary of the scrap."
    assert stored["s"].extraction_error == "page text of 4 characters is shorter than 200"
    # no page, no summary, no title: the article still has a title and text, from its address
    assert (stored["n"].title, stored["n"].text) == ("Acme raises 5m", "Acme raises 5m")
    assert all(a.content_hash is None for a in stored.values())  # summaries never identify a story


def test_one_broken_feed_does_not_stop_the_others(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    page = serve_page(httpserver, "/news/ok", "Fine story")
    httpserver.expect_request("/good.xml").respond_with_data(rss([Item("Fine story", page, guid="ok")]))
    httpserver.expect_request("/error.xml").respond_with_data("boom", status=500)
    httpserver.expect_request("/html.xml").respond_with_data(
        "<!DOCTYPE html><html><body>hi</body></html>", content_type="text/html"
    )

    finished = threading.Event()

    def slow(_: Request) -> Response:
        finished.wait(6)  # longer than the 4 s deadline; released when the test ends
        return Response("<rss/>")

    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    feeds = [source(name, httpserver.url_for(f"/{name}.xml")) for name in ("good", "error", "html", "slow")]
    feeds.append(source("refused", "http://127.0.0.1:9/feed.xml"))
    try:
        report = run_cycle(settings, store, workers, feeds)
    finally:
        finished.set()  # so the late answer does not land in the next test's request log
    results = {o.feed: o for o in report.outcomes}
    assert results["good"].result is FeedResult.OK
    assert results["good"].new_articles == 1
    assert {name: results[name].error for name in ("error", "html", "slow")} == {
        "error": "HTTP 500 Internal Server Error",
        "html": "not a feed: the server sent an HTML page",
        "slow": "no complete answer within 4 s",
    }
    assert results["refused"].error == "could not connect: connection refused"
    for name in ("error", "html", "slow", "refused"):
        row = feed_row(store, name)
        assert (row.last_result, row.error_count) == ("error", 1)
        assert row.last_error == results[name].error
    assert feed_row(store, "error").last_http_status == 500
    assert len(articles(store)) == 1


def test_malformed_feed_is_kept_with_a_warning(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    page = serve_page(httpserver, "/news/x", "X")
    httpserver.expect_request("/feed.xml").respond_with_data(
        f"<rss version='2.0'><channel><title>A & B</title><item><title>X</title><link>{page}</link></item>"
    )
    report = run_cycle(settings, store, workers, [source("desk", httpserver.url_for("/feed.xml"))])
    assert report.outcomes[0].result is FeedResult.OK
    assert report.new_articles == 1
    warning = feed_row(store, "desk").last_warning
    assert warning is not None
    assert warning.startswith("malformed feed")


def test_distinct_stories_sharing_a_guid_are_all_kept_and_unsafe_links_skipped(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    pages = [serve_page(httpserver, f"/{name}", name.upper()) for name in ("a", "b", "c")]
    feed = rss(
        [
            Item("A", pages[0], guid="same"),
            Item("B", pages[1], guid="same"),
            Item("C", pages[2], guid="same"),
            Item("A repeated", pages[0], guid="same"),
            Item("No link", "", guid="nolink"),
            Item("Script", "javascript:void(0)", guid="js"),
        ]
    )
    # RSS calls a GUID without isPermaLink a permalink: a relative one must still not become a page
    feed = feed.replace(b'<guid isPermaLink="false">js</guid>', b"<guid>s1</guid>")
    httpserver.expect_request("/feed.xml").respond_with_data(feed)
    feeds = [source("desk", httpserver.url_for("/feed.xml"))]
    report = run_cycle(settings, store, workers, feeds)
    (outcome,) = report.outcomes
    assert (outcome.entries_seen, outcome.skipped_entries, outcome.new_articles) == (4, 2, 3)
    assert sorted(x.title for x in articles(store)) == ["A", "B", "C"]
    assert outcome.warning is not None
    assert "4 entries share a GUID with another story" in outcome.warning
    assert feed_row(store, "desk").last_warning == outcome.warning
    again = run_cycle(settings, store, workers, feeds).outcomes[0]
    assert again.new_articles == 0  # keyed by link, the same on every fetch: nothing fetched twice
    assert len(articles(store)) == 3


def test_relative_links_resolve_against_the_feed(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    serve_page(httpserver, "/stories/7", "Seven")
    httpserver.expect_request("/feeds/main.xml").respond_with_data(
        rss([Item("Seven", "../stories/7", guid="7")])
    )
    run_cycle(settings, store, workers, [source("desk", httpserver.url_for("/feeds/main.xml"))])
    assert articles(store)[0].canonical_url == httpserver.url_for("/stories/7")


def test_a_long_retry_after_postpones_the_next_fetch(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        "later", status=429, headers={"Retry-After": "7200"}
    )
    before = datetime.now(UTC)
    run_cycle(settings, store, workers, [source("desk", httpserver.url_for("/feed.xml"))])
    row = feed_row(store, "desk")
    assert row.last_http_status == 429
    assert row.next_fetch_at is not None
    assert row.next_fetch_at >= before + timedelta(hours=2)


@pytest.fixture
def two_outlets(httpserver: HTTPServer) -> list[FeedSource]:
    """The feeds of two outlets telling one funding round (builders.serve_one_deal_from_two_outlets)."""
    return [source(name, url) for name, url in serve_one_deal_from_two_outlets(httpserver).items()]


def test_new_stories_are_classified_and_one_deal_has_all_its_sources(
    two_outlets: list[FeedSource], settings: Settings, store: Store, workers: WorkerPool
) -> None:
    from pipeline.classify import default_classifier
    from pipeline.db.models import Deal, Event

    run_cycle(settings, store, workers, two_outlets, classifier=default_classifier())
    with store.session() as session:
        deals = session.query(Deal).all()
        events = session.query(Event).all()
    assert len(articles(store)) == 2
    assert len(events) == 2
    (deal,) = deals
    assert (deal.type, deal.subtype, deal.amount, deal.currency, deal.sources) == (
        "investment",
        "funding",
        42e6,
        "USD",
        2,
    )
    assert deal.parties[0] == "Quillmark"
    assert deal.headline == "Quillmark raises USD 42M"
    assert {e.deal_id for e in events} == {deal.id}


class WhereAmIClassifier:
    """Says a story is about AI only when it is read in another process than the one that made it."""

    version = "where-am-i-1"

    def __init__(self) -> None:
        self.made_in = os.getpid()

    def classify(self, story: Story) -> Classification:
        return Classification(story.id, os.getpid() != self.made_in, False, (), self.version)


def test_stories_are_classified_in_the_worker_processes_not_the_daemon_s(
    two_outlets: list[FeedSource], settings: Settings, store: Store, workers: WorkerPool
) -> None:
    from pipeline.db.models import ArticleClassification

    run_cycle(settings, store, workers, two_outlets, classifier=WhereAmIClassifier())
    with store.session() as session:
        read = session.query(ArticleClassification).all()
    assert len(read) == 2
    assert all(c.ai_related for c in read)


class ExplodingClassifier:
    version = "exploding-1"

    def classify(self, story: Story) -> Classification:
        raise RuntimeError(f"cannot read {story.id}")


class MergeBugDeals(DealTable):
    """A deals table whose merging fails once the classification is written, as a bug in it would."""

    def write_classification(self, *args: Any, **kwargs: Any) -> None:
        super().write_classification(*args, **kwargs)
        raise RuntimeError("merge bug")


def merge_bug_store(engine: Engine) -> Store:
    store = Store(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store.articles = ArticleTable(sessions, engine.dialect.name, MergeBugDeals(sessions))
    return store


def test_a_classifier_crash_costs_a_story_its_events_not_its_place(
    two_outlets: list[FeedSource], settings: Settings, store: Store, workers: WorkerPool
) -> None:
    from pipeline.db.models import ArticleClassification

    report = run_cycle(settings, store, workers, two_outlets, classifier=ExplodingClassifier())
    assert [o.result for o in report.outcomes] == [FeedResult.OK, FeedResult.OK]
    assert len(articles(store)) == 2
    with store.session() as session:
        assert session.query(ArticleClassification).count() == 0  # so reclassify will read them


def test_events_that_cannot_be_stored_do_not_lose_the_story(
    two_outlets: list[FeedSource], settings: Settings, store: Store, workers: WorkerPool
) -> None:
    from pipeline.classify import default_classifier
    from pipeline.db.models import ArticleClassification, Deal, Event

    buggy = merge_bug_store(store.engine)
    report = run_cycle(settings, buggy, workers, two_outlets, classifier=default_classifier())
    assert [o.result for o in report.outcomes] == [FeedResult.OK, FeedResult.OK]
    assert len(articles(store)) == 2
    with store.session() as session:
        # the failed transaction took nothing half-done with it
        assert session.query(ArticleClassification).count() == 0
        assert session.query(Event).count() == 0
        assert session.query(Deal).count() == 0


class ThreadRecordingArticles(ArticleTable):
    """The real articles table, noting which thread writes each story."""

    def __init__(self, engine: Engine, deals: DealTable) -> None:
        super().__init__(sessionmaker(engine, expire_on_commit=False), engine.dialect.name, deals)
        self.writing_threads: set[str] = set()

    def store(self, *args: Any, **kwargs: Any) -> StoredArticle:
        self.writing_threads.add(threading.current_thread().name)
        return super().store(*args, **kwargs)


def thread_recording_store(engine: Engine) -> tuple[Store, ThreadRecordingArticles]:
    store = Store(engine)
    store.articles = recording = ThreadRecordingArticles(engine, store.deals)
    return store, recording


def test_stories_are_written_by_the_writer_threads_which_end_with_the_runtime(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    import asyncio

    from pipeline.clock import utc_now
    from pipeline.runtime import open_runtime

    watched, recording = thread_recording_store(store.engine)
    links = [serve_page(httpserver, f"/news/{n}", f"Story number {n}") for n in range(8)]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([Item(f"Story number {n}", link, guid=f"s-{n}") for n, link in enumerate(links)]),
        content_type="application/rss+xml",
    )
    watched.feeds.sync([source("desk", httpserver.url_for("/feed.xml"))], utc_now())

    async def cycle_then_close() -> tuple[int, list[str], object]:
        async with open_runtime(settings, watched, classifier=None, workers=workers) as runtime:
            report = await runtime.ingestor.run_cycle(watched.feeds.states())
            kept = runtime.ingestor  # held, so its threads cannot end by being collected
        alive = [t.name for t in threading.enumerate() if t.name.startswith("dealpulse-store")]
        return report.new_articles, alive, kept

    stored, alive_after_close, _ = asyncio.run(cycle_then_close())
    assert stored == 8
    # SQLite takes one writer at a time: one thread writes every story (PostgreSQL: a few)
    assert watched.writer_threads == (1 if store.engine.dialect.name == "sqlite" else 4)
    assert 1 <= len(recording.writing_threads) <= watched.writer_threads
    assert all(name.startswith("dealpulse-store") for name in recording.writing_threads)
    assert alive_after_close == []  # closing the runtime waited for the writes and ended the threads


def test_a_source_whose_page_names_no_site_goes_by_its_feed_s_title(
    httpserver: HTTPServer, settings: Settings, store: Store, workers: WorkerPool
) -> None:
    from pipeline.classify import default_classifier

    httpserver.expect_request("/q").respond_with_data(
        article_html("Quillmark raises $42M Series B", [DEAL_LEAD, *unique_paragraphs("q")], site=None),
        content_type="text/html",
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            [Item("Quillmark raises $42M Series B", httpserver.url_for("/q"), guid="q")],
            title="Lumen Daily: AI",
        )
    )
    feeds = [source("lumen", httpserver.url_for("/feed.xml"))]
    run_cycle(settings, store, workers, feeds, classifier=default_classifier())
    (deal,) = store.deals.find()
    assert [s.outlet for s in deal.sources] == ["Lumen Daily: AI"]
