"""The fault-injection suite (`pytest -m faults`): hostile and broken servers on 127.0.0.1, each next to a
healthy feed. Every case checks that the cycle completes, the healthy feed is unaffected, the database is
consistent, and the broken feed's error is recorded in words a person understands."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from pipeline.config import Settings
from pipeline.db.models import Article, FeedItem
from pipeline.db.store import Store
from pipeline.records import ExtractionStatus, FeedOutcome, FeedResult
from pipeline.workers import WorkerPool
from tests.support.builders import Item, article_html, rss, unique_paragraphs
from tests.support.helpers import articles, feed_row, run_cycle, source
from tests.support.rawserver import raw_server, reset_mid_body, silent, trickle

pytestmark = pytest.mark.faults

RSS_TYPE = "application/rss+xml"


@pytest.fixture
def fault_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "request_timeout": 2.0,
            "max_feed_bytes": 300_000,
            "max_page_bytes": 300_000,
            "max_new_stories": 50,
        }
    )


def good_feed(server: HTTPServer) -> str:
    server.expect_request("/good/story").respond_with_data(
        article_html("A healthy story", unique_paragraphs("good")), content_type="text/html"
    )
    server.expect_request("/good.xml").respond_with_data(
        rss([Item("A healthy story", server.url_for("/good/story"), guid="good-1")]), content_type=RSS_TYPE
    )
    return server.url_for("/good.xml")


def assert_consistent(store: Store) -> None:
    """Every article whole (text present) and carried by a feed item; every feed item pointing at one."""
    with store.session() as session:
        orphans = session.scalar(
            select(func.count()).select_from(Article).where(~Article.id.in_(select(FeedItem.article_id)))
        )
        empty = session.scalar(select(func.count()).select_from(Article).where(Article.text == ""))
        items = session.scalar(select(func.count()).select_from(FeedItem))
    assert (orphans, empty) == (0, 0)
    assert (items or 0) >= len(articles(store))


def run_beside_good(
    settings: Settings, store: Store, workers: WorkerPool, server: HTTPServer, bad_url: str
) -> FeedOutcome:
    report = run_cycle(settings, store, workers, [source("good", good_feed(server)), source("bad", bad_url)])
    outcomes = {o.feed: o for o in report.outcomes}
    assert set(outcomes) == {"good", "bad"}  # the cycle completed for both
    assert (outcomes["good"].result, outcomes["good"].new_articles) == (FeedResult.OK, 1)
    assert_consistent(store)
    bad = outcomes["bad"]
    row = feed_row(store, "bad")
    assert row.last_error == bad.error  # what the outcome said is what status shows
    return bad


# --- feeds: HTTP-level faults --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A broken feed: how to serve it (returns its URL), and the error it must be recorded with."""

    name: str
    serve: Callable[[HTTPServer], str]
    error: str  # a regex, matched against the whole recorded error


def status(code: int, headers: dict[str, str] | None = None) -> Callable[[HTTPServer], str]:
    def serve(server: HTTPServer) -> str:
        server.expect_request("/bad.xml").respond_with_data("nope", status=code, headers=headers)
        return server.url_for("/bad.xml")

    return serve


def body(
    data: bytes, content_type: str = RSS_TYPE, headers: dict[str, str] | None = None
) -> Callable[[HTTPServer], str]:
    def serve(server: HTTPServer) -> str:
        server.expect_request("/bad.xml").respond_with_data(data, content_type=content_type, headers=headers)
        return server.url_for("/bad.xml")

    return serve


def redirect_chain(hops: int, loop: bool = False) -> Callable[[HTTPServer], str]:
    def serve(server: HTTPServer) -> str:
        for n in range(hops):
            target = server.url_for(f"/hop/{0 if loop and n == hops - 1 else n + 1}")
            server.expect_request(f"/hop/{n}").respond_with_data("", status=302, headers={"Location": target})
        server.expect_request(f"/hop/{hops}").respond_with_data(rss([]), content_type=RSS_TYPE)
        return server.url_for("/hop/0")

    return serve


def redirect_to(target: str) -> Callable[[HTTPServer], str]:
    def serve(server: HTTPServer) -> str:
        server.expect_request("/bad.xml").respond_with_data("", status=301, headers={"Location": target})
        return server.url_for("/bad.xml")

    return serve


GZIP_BOMB = gzip.compress(b"<" * 50_000_000, compresslevel=9)  # 49 KB on the wire, 50 MB decoded

HTTP_FAULTS = [
    Fault("500", status(500), r"HTTP 500 Internal Server Error"),
    Fault("502", status(502), r"HTTP 502 Bad Gateway"),
    Fault("503", status(503), r"HTTP 503 Service Unavailable"),
    Fault("429", status(429, {"Retry-After": "600"}), r"HTTP 429 Too Many Requests"),
    Fault("403", status(403), r"HTTP 403 Forbidden"),
    Fault("404", status(404), r"HTTP 404 Not Found"),
    Fault("410", status(410), r"HTTP 410 Gone"),
    Fault("redirect loop", redirect_chain(3, loop=True), r"redirect loop at http://127\.0\.0\.1:\d+/hop/0"),
    Fault("redirect chain past the limit", redirect_chain(7), r"more than 5 redirects"),
    Fault("body past the size cap", body(b"<rss>" + b" " * 400_000), r".*300,000-byte cap.*"),
    Fault("gzip bomb", body(GZIP_BOMB, headers={"Content-Encoding": "gzip"}), r".*300,000-byte cap.*"),
    Fault(
        "HTML served as a feed",
        body(b"<!DOCTYPE html><html><body>hi</body></html>", "text/html"),
        r"not a feed: the server sent an HTML page",
    ),
    Fault("empty body", body(b""), r"not a feed: the response body is empty"),
    Fault(
        "redirect to 10.1.2.3",
        redirect_to("http://10.1.2.3/feed.xml"),
        r".*10\.1\.2\.3.*(?:private|not allowed|refused).*",
    ),
    Fault(
        "redirect to the metadata address",
        redirect_to("http://169.254.169.254/latest/meta-data/"),
        r".*169\.254\.169\.254.*",
    ),
    Fault(
        "redirect to file:",
        redirect_to("file:///etc/passwd"),
        r"redirect to a non-http\(s\) URL: file:///etc/passwd",
    ),
]


@pytest.mark.parametrize("fault", HTTP_FAULTS, ids=lambda f: f.name)
def test_http_faults_are_recorded_and_harm_nothing_else(
    fault: Fault, fault_settings: Settings, store: Store, workers: WorkerPool, httpserver: HTTPServer
) -> None:
    started = datetime.now(UTC)
    bad = run_beside_good(fault_settings, store, workers, httpserver, fault.serve(httpserver))
    assert bad.result is FeedResult.ERROR
    assert re.fullmatch(fault.error, bad.error or ""), bad.error
    row = feed_row(store, "bad")
    assert row.error_count == 1
    if fault.name == "429":
        assert row.next_fetch_at is not None
        assert row.next_fetch_at >= started + timedelta(seconds=600)
    if fault.name == "410":
        assert row.disabled_reason is not None


@contextmanager
def raw(behaviour: Callable[..., None]) -> Iterator[str]:
    with raw_server(behaviour) as base:
        yield f"{base}/feed.xml"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        (silent, r"no complete answer within 2 s"),
        (trickle, r"no complete answer within 2 s"),
        (reset_mid_body, r"connection broken.*"),
    ],
    ids=["accepts and never answers", "trickles a byte at a time", "resets mid-body"],
)
def test_socket_level_faults_end_within_the_deadline(
    behaviour: Callable[..., None],
    error: str,
    fault_settings: Settings,
    store: Store,
    workers: WorkerPool,
    httpserver: HTTPServer,
) -> None:
    with raw(behaviour) as url:
        bad = run_beside_good(fault_settings, store, workers, httpserver, url)
    assert bad.result is FeedResult.ERROR
    assert re.fullmatch(error, bad.error or ""), bad.error


# --- feeds: hostile or odd documents -------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (n, b"".join(b"&lol%s;" % (b"" if n == 1 else str(n - 1).encode()) for _ in range(10)))
        for n in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    + b"<link>http://127.0.0.1:9/laughs</link><guid>laughs</guid></item></channel></rss>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>t</title><item><title>Leak &xxe;</title>'
    b"<description>&xxe;</description><link>http://127.0.0.1:9/xxe</link><guid>xxe</guid></item></channel></rss>"
)


def test_entity_expansion_and_external_entities_are_not_followed(
    fault_settings: Settings, store: Store, workers: WorkerPool, httpserver: HTTPServer
) -> None:
    for name, document in (("laughs", BILLION_LAUGHS), ("xxe", EXTERNAL_ENTITY)):
        httpserver.expect_request(f"/{name}.xml").respond_with_data(document, content_type=RSS_TYPE)
    feeds = [
        source("laughs", httpserver.url_for("/laughs.xml")),
        source("xxe", httpserver.url_for("/xxe.xml")),
    ]
    report = run_cycle(fault_settings, store, workers, [source("good", good_feed(httpserver)), *feeds])
    assert len(report.outcomes) == 3
    assert_consistent(store)
    for article in articles(store):
        assert "root:" not in article.title + article.summary + article.text  # /etc/passwd never read
        assert len(article.title) <= 1000
        assert "lollollollollollollollollollol" * 10 not in article.title  # not expanded a billion times


def test_odd_entries_are_handled_one_by_one(
    fault_settings: Settings, store: Store, workers: WorkerPool, httpserver: HTTPServer
) -> None:
    def page(request: Request) -> Response:
        return Response(article_html(request.path, unique_paragraphs(request.path)), content_type="text/html")

    httpserver.expect_request(re.compile(r"/p/\d")).respond_with_handler(page)
    page_url = httpserver.url_for("/p/")
    megabyte = "word " * 200_000
    items = [
        Item(megabyte[:1_000_000], page_url + "1", guid="huge-title", description=megabyte),
        Item(
            "From the far future", page_url + "2", guid="future", pub_date="Fri, 01 Jan 9999 00:00:00 +0000"
        ),
        Item(
            "From before the web", page_url + "3", guid="ancient", pub_date="Mon, 01 Jan 1900 00:00:00 +0000"
        ),
        Item("Twice the same GUID", page_url + "4", guid="twice"),
        Item("Twice the same GUID again", page_url + "5", guid="twice"),
        Item("Script link", "javascript:alert(1)", guid="js"),
        Item("File link", "file:///etc/passwd", guid="file"),
        Item("Data link", "data:text/html,<b>x</b>", guid="data"),
    ]
    httpserver.expect_request("/odd.xml").respond_with_data(rss(items), content_type=RSS_TYPE)
    settings = fault_settings.model_copy(update={"max_feed_bytes": 5_000_000})
    outcome = run_beside_good(settings, store, workers, httpserver, httpserver.url_for("/odd.xml"))
    assert outcome.result is FeedResult.OK
    assert outcome.skipped_entries == 3  # the javascript:, file: and data: links
    stored = {a.guid: a for a in articles(store)}
    # one GUID on two distinct links: two stories, each kept under its link, and the feed warned
    assert set(stored) == {"good-1", "huge-title", "future", "ancient", page_url + "4", page_url + "5"}
    assert outcome.warning is not None
    assert "2 entries share a GUID" in outcome.warning
    assert len(stored["huge-title"].title) <= 1000
    assert len(stored["huge-title"].summary) <= 20_000
    for guid in ("future", "ancient"):  # the absurd feed date is dropped; the page's own date is used
        assert stored[guid].published_at == datetime(2026, 11, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    ("document", "title"),
    [
        (
            b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
            b"<title>Caf\xe9 \xff\xfe broken</title><link>LINK</link><guid>u</guid></item></channel></rss>",
            "Caf",
        ),
        (
            b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
            b"<title>Na\xefve r\xe9sum\xe9 in latin-1</title><link>LINK</link></item></channel></rss>",
            "Na",
        ),
    ],
    ids=["invalid UTF-8", "latin-1 declared as UTF-8"],
)
def test_bad_encodings_still_give_their_stories(
    document: bytes,
    title: str,
    fault_settings: Settings,
    store: Store,
    workers: WorkerPool,
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/p").respond_with_data(
        article_html("P", unique_paragraphs("enc")), content_type="text/html"
    )
    document = document.replace(b"LINK", httpserver.url_for("/p").encode())
    httpserver.expect_request("/enc.xml").respond_with_data(document, content_type=RSS_TYPE)
    outcome = run_beside_good(fault_settings, store, workers, httpserver, httpserver.url_for("/enc.xml"))
    assert outcome.result is FeedResult.OK
    (story,) = [a for a in articles(store) if a.guid != "good-1"]
    assert story.title.startswith(title)


def test_a_feed_of_10000_entries_is_taken_in_bounded_cycles_losing_none(
    fault_settings: Settings, store: Store, workers: WorkerPool, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(re.compile(r"/n/\d+")).respond_with_data(
        "<html><body><p>short</p></body></html>", content_type="text/html"
    )
    base = datetime(2026, 11, 25, tzinfo=UTC)
    items = [
        Item(
            f"Entry {n}",
            httpserver.url_for(f"/n/{n}"),
            guid=f"n{n}",
            pub_date=(base - timedelta(minutes=n)).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        )
        for n in range(10_000)
    ]
    httpserver.expect_request("/big.xml").respond_with_data(
        rss(items), content_type=RSS_TYPE, headers={"ETag": '"big"'}
    )
    settings = fault_settings.model_copy(update={"max_feed_bytes": 5_000_000})
    first = run_beside_good(settings, store, workers, httpserver, httpserver.url_for("/big.xml"))
    assert (first.result, first.entries_seen, first.new_articles) == (FeedResult.OK, 10_000, 50)
    assert first.warning == "10,000 new entries: the newest 50 stored now, 9,950 in the next cycles"
    assert {a.guid for a in articles(store)} >= {f"n{n}" for n in range(50)}  # the newest first
    assert feed_row(store, "bad").etag is None  # so the next fetch gets the whole feed, not a 304
    second = run_cycle(settings, store, workers, [source("bad", httpserver.url_for("/big.xml"))])
    assert second.outcomes[0].new_articles == 50
    assert {a.guid for a in articles(store)} >= {f"n{n}" for n in range(100)}


# --- pages ---------------------------------------------------------------------------------------------


BLOCKED_LINKS = ("private", "metadata", "decimal", "hex", "mapped", "172.16", "192.168")


def test_page_faults_keep_the_story_with_its_summary(
    fault_settings: Settings, store: Store, workers: WorkerPool, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/page/500").respond_with_data("x", status=500)
    httpserver.expect_request("/page/pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    httpserver.expect_request("/page/png").respond_with_data(b"\x89PNG\r\n", content_type="image/png")
    httpserver.expect_request("/page/empty").respond_with_data(
        "<html><body></body></html>", content_type="text/html"
    )
    httpserver.expect_request("/page/huge").respond_with_data(
        b"<html>" + b"a" * 400_000, content_type="text/html"
    )
    with ExitStack() as stack:
        silent_base = stack.enter_context(raw_server(silent))
        reset_base = stack.enter_context(raw_server(reset_mid_body))
        links = {
            "500": httpserver.url_for("/page/500"),
            "pdf": httpserver.url_for("/page/pdf"),
            "png": httpserver.url_for("/page/png"),
            "empty": httpserver.url_for("/page/empty"),
            "huge": httpserver.url_for("/page/huge"),
            "silent": f"{silent_base}/story",
            "reset": f"{reset_base}/story",
            "private": "http://10.1.2.3/story",
            "metadata": "http://169.254.169.254/latest/meta-data/",
            "decimal": "http://167772161/story",  # 10.0.0.1
            "hex": "http://0xa9fea9fe/story",  # 169.254.169.254
            "mapped": "http://[::ffff:10.0.0.1]/story",
            "172.16": "http://172.16.5.4/story",
            "192.168": "http://192.168.1.1/story",
        }
        items = [Item(f"Story {k}", url, guid=k, description=f"Summary of {k}.") for k, url in links.items()]
        httpserver.expect_request("/pages.xml").respond_with_data(rss(items), content_type=RSS_TYPE)
        outcome = run_beside_good(
            fault_settings, store, workers, httpserver, httpserver.url_for("/pages.xml")
        )
    assert (outcome.result, outcome.new_articles) == (FeedResult.OK, len(links))
    stored = {a.guid: a for a in articles(store) if a.guid != "good-1"}
    assert all(a.text == f"Summary of {k}." for k, a in stored.items())
    status = {k: a.extraction_status for k, a in stored.items()}
    assert status == {
        "500": ExtractionStatus.FETCH_FAILED,
        "pdf": ExtractionStatus.NOT_HTML,
        "png": ExtractionStatus.NOT_HTML,
        "empty": ExtractionStatus.EMPTY,
        "huge": ExtractionStatus.FETCH_FAILED,
        "silent": ExtractionStatus.FETCH_FAILED,
        "reset": ExtractionStatus.FETCH_FAILED,
        **dict.fromkeys(BLOCKED_LINKS, ExtractionStatus.BLOCKED),
    }
    assert stored["500"].extraction_error == "HTTP 500 Internal Server Error"
    assert stored["pdf"].extraction_error == "content type application/pdf"
    assert "300,000-byte cap" in (stored["huge"].extraction_error or "")
    assert stored["silent"].extraction_error == "no complete answer within 2 s"
    for key in BLOCKED_LINKS:
        assert stored[key].extraction_error, key


# --- secrets -------------------------------------------------------------------------------------------


def test_urls_are_logged_and_recorded_without_credentials_or_query_secrets(
    fault_settings: Settings,
    store: Store,
    workers: WorkerPool,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    httpserver.expect_request("/p").respond_with_data("gone", status=404)
    page = httpserver.url_for("/p") + "?session=page-s3cret"
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([Item("A story", page, guid="s", description="Summary.")]), content_type=RSS_TYPE
    )
    httpserver.expect_request("/down.xml").respond_with_data("no", status=503)
    with_token = httpserver.url_for("/feed.xml") + "?token=feed-s3cret"
    failing = httpserver.url_for("/down.xml") + "?api_key=down-s3cret"
    with_password = httpserver.url_for("/feed.xml").replace("http://", "http://ana:pass-s3cret@")
    caplog.set_level("DEBUG", logger="pipeline")
    report = run_cycle(
        fault_settings,
        store,
        workers,
        [source("token", with_token), source("down", failing), source("password", with_password)],
    )
    assert {o.feed: o.result for o in report.outcomes} == {
        "token": FeedResult.OK,
        "down": FeedResult.ERROR,
        "password": FeedResult.OK,  # a feed behind HTTP basic auth: its configured credentials are used
    }
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("pipeline"))
    assert "token=…" in ours  # the URL is logged, its secret is not
    recorded = [feed_row(store, name).last_error or "" for name in ("token", "down", "password")]
    recorded += [a.extraction_error or "" for a in articles(store)]
    for secret in ("feed-s3cret", "down-s3cret", "pass-s3cret", "page-s3cret"):
        assert secret not in ours
        assert not [text for text in recorded if secret in text]
