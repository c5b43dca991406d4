"""The HTTP client against a real server on 127.0.0.1: statuses, validators, redirects, caps, deadlines."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import brotli
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipeline.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UnsupportedURLError,
)
from pipeline.http import Fetcher, FetchPolicy, Lane, StalledHosts, cause_words, parse_retry_after
from pipeline.netguard import LOOPBACK_ONLY
from pipeline.records import HttpResponse

POLICY = FetchPolicy(
    user_agent="DealPulse-test/1.0", connect_timeout=2, total_timeout=3, addresses=LOOPBACK_ONLY
)


def get(url: str, *, max_bytes: int = 100_000, policy: FetchPolicy = POLICY, **kwargs: str) -> HttpResponse:
    async def run() -> HttpResponse:
        async with Fetcher(policy) as fetcher:
            return await fetcher.get(url, max_bytes=max_bytes, **kwargs)

    return asyncio.run(run())


def test_ok_response_with_honest_user_agent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("<rss/>", content_type="application/rss+xml")
    response = get(httpserver.url_for("/feed"))
    assert response.status == 200
    assert response.body == b"<rss/>"
    assert response.content_type == "application/rss+xml"
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == "DealPulse-test/1.0"
    assert "br" in request.headers["Accept-Encoding"]


def test_conditional_get_returns_304_without_body(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response("<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Tue, 24 Nov 2026 09:00:00 GMT"})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    first = get(httpserver.url_for("/feed"))
    assert first.headers["etag"] == '"v1"'
    second = get(httpserver.url_for("/feed"), etag='"v1"', last_modified=first.headers["last-modified"])
    assert second.status == 304
    assert second.body == b""
    request, _ = httpserver.log[1]
    assert request.headers["If-Modified-Since"] == "Tue, 24 Nov 2026 09:00:00 GMT"


@pytest.mark.parametrize(("encoding", "compress"), [("gzip", gzip.compress), ("br", brotli.compress)])
def test_compressed_bodies_are_decoded(httpserver: HTTPServer, encoding: str, compress: object) -> None:
    body = b"<rss>" + b"x" * 5000 + b"</rss>"
    httpserver.expect_request("/feed").respond_with_data(
        compress(body), headers={"Content-Encoding": encoding}
    )  # type: ignore[operator]
    assert get(httpserver.url_for("/feed")).body == body


@pytest.mark.parametrize(
    ("status", "phrase"),
    [(404, "Not Found"), (500, "Internal Server Error"), (410, "Gone"), (403, "Forbidden")],
)
def test_error_statuses_raise_with_the_status(httpserver: HTTPServer, status: int, phrase: str) -> None:
    httpserver.expect_request("/feed").respond_with_data("nope", status=status)
    with pytest.raises(HTTPStatusError, match=f"HTTP {status} {phrase}") as caught:
        get(httpserver.url_for("/feed"))
    assert caught.value.status == status
    assert caught.value.url == httpserver.url_for("/feed")


def test_short_retry_after_is_waited_out_once(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/feed").respond_with_data(
        "busy", status=503, headers={"Retry-After": "1"}
    )
    httpserver.expect_oneshot_request("/feed").respond_with_data("<rss/>")
    started = time.monotonic()
    assert get(httpserver.url_for("/feed")).body == b"<rss/>"
    assert time.monotonic() - started >= 1.0
    assert len(httpserver.log) == 2


def test_long_retry_after_is_reported_to_the_caller(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    with pytest.raises(HTTPStatusError) as caught:
        get(httpserver.url_for("/feed"))
    assert caught.value.status == 429
    assert caught.value.retry_after == 3600
    assert len(httpserver.log) == 1


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Thu, 26 Nov 2026 12:10:00 GMT", now) == 600
    assert parse_retry_after("Thu, 26 Nov 2026 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_redirects_are_followed_and_a_permanent_move_reported(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/older"})
    httpserver.expect_request("/older").respond_with_data("", status=308, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data("<rss/>")
    response = get(httpserver.url_for("/old"))
    assert response.url == httpserver.url_for("/new")
    assert response.permanent_redirect == httpserver.url_for("/new")


def test_a_temporary_hop_means_no_permanent_move(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/tmp"})
    httpserver.expect_request("/tmp").respond_with_data("", status=302, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data("<rss/>")
    response = get(httpserver.url_for("/old"))
    assert response.url == httpserver.url_for("/new")
    assert response.permanent_redirect is None


def test_five_redirects_are_allowed_six_are_not(httpserver: HTTPServer) -> None:
    for hop in range(6):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/r6").respond_with_data("end")
    assert get(httpserver.url_for("/r1")).body == b"end"  # five hops
    with pytest.raises(TooManyRedirectsError, match="more than 5 redirects"):
        get(httpserver.url_for("/r0"))  # six hops


def test_redirect_loop_is_detected(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(TooManyRedirectsError, match="redirect loop"):
        get(httpserver.url_for("/a"))


@pytest.mark.parametrize("target", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.com/x"])
def test_redirect_to_another_scheme_is_refused(httpserver: HTTPServer, target: str) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": target})
    with pytest.raises(UnsupportedURLError, match=r"non-http|invalid URL or redirect target"):
        get(httpserver.url_for("/a"))


def test_declared_oversize_body_is_refused_before_reading(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(ResponseTooLargeError, match="5,000 bytes is over the 1,000-byte cap"):
        get(httpserver.url_for("/big"), max_bytes=1000)


def test_streamed_oversize_body_stops_at_the_cap(httpserver: HTTPServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"y" * 1000

    httpserver.expect_request("/chunked").respond_with_response(Response(chunks()))  # no Content-Length
    with pytest.raises(ResponseTooLargeError, match="over the 10,000-byte cap"):
        get(httpserver.url_for("/chunked"), max_bytes=10_000)


def test_gzip_bomb_stops_at_the_decoded_cap(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)  # about 20 KB on the wire
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(ResponseTooLargeError):
        get(httpserver.url_for("/bomb"), max_bytes=1_000_000)


@pytest.mark.slow
def test_server_that_trickles_hits_the_total_deadline(httpserver: HTTPServer) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(60):
            time.sleep(0.25)
            yield b"<"

    httpserver.expect_request("/slow").respond_with_response(Response(trickle()))
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="no complete answer within 3 s"):
        get(httpserver.url_for("/slow"))
    assert time.monotonic() - started < 6


def test_connection_refused_is_a_network_error() -> None:
    with pytest.raises(NetworkError, match=r"^could not connect: connection refused$"):
        get("http://127.0.0.1:9/feed")  # the discard port: nothing listens there


def test_a_failed_name_lookup_is_named_as_one() -> None:
    """getaddrinfo's errors carry negative EAI_* codes, which os.strerror calls "Unknown error -2"; the
    daemon's log said "could not connect: unknown error -2" for every feed whose host did not resolve.
    (Pure: a real failed lookup would ask a DNS server, and the tests talk to loopback only.)"""
    lookup = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert cause_words(lookup) == "name lookup failed: name or service not known"
    assert cause_words(ConnectionRefusedError(111, "Connection refused")) == "connection refused"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed", "file:///etc/passwd", "not a url"])
def test_non_http_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsupportedURLError):
        get(url)


def test_stalled_hosts_fail_fast_after_repeated_timeouts_and_recover_after_the_cooldown() -> None:
    hosts = StalledHosts()
    hosts.timed_out("slow.example", now=0)
    assert not hosts.is_stalled("slow.example", now=1)  # one timeout is bad luck
    hosts.answered("slow.example")
    hosts.timed_out("slow.example", now=2)
    assert not hosts.is_stalled("slow.example", now=2)  # the answer in between reset the count
    hosts.timed_out("slow.example", now=3)
    assert hosts.is_stalled("slow.example", now=3)
    assert not hosts.is_stalled("other.example", now=3)
    assert hosts.is_stalled("slow.example", now=3 + StalledHosts.STALL_COOLDOWN - 1)
    assert not hosts.is_stalled("slow.example", now=3 + StalledHosts.STALL_COOLDOWN)


def test_a_host_whose_pages_stall_delays_neither_its_feed_nor_more_than_one_deadline(
    httpserver: HTTPServer,
) -> None:
    """Its pages fill every slot of the host: its feed still goes at once, and once two pages have timed
    out, the pages queued behind them are not even requested (the cycle waits one deadline, not three)."""
    release = threading.Event()
    stalled: list[str] = []

    def stall(request: Request) -> Response:
        stalled.append(request.path)
        release.wait(20)
        return Response("late")

    httpserver.expect_request("/feed.xml").respond_with_data("<rss/>")
    for n in range(6):
        httpserver.expect_request(f"/stall/{n}").respond_with_handler(stall)
    policy = FetchPolicy(
        user_agent="t", total_timeout=1.5, max_connections_per_host=2, addresses=LOOPBACK_ONLY
    )

    async def run() -> tuple[bool, list[BaseException | HttpResponse]]:
        async with Fetcher(policy) as fetcher:
            pages = [
                asyncio.create_task(fetcher.get(httpserver.url_for(f"/stall/{n}"), max_bytes=1000))
                for n in range(6)
            ]
            await asyncio.sleep(0.2)  # the first two pages hold both of the host's slots
            feed = await fetcher.get(httpserver.url_for("/feed.xml"), max_bytes=1000, lane=Lane.FEED)
            feed_before_pages = feed.status == 200 and not any(page.done() for page in pages)
            return feed_before_pages, list(await asyncio.gather(*pages, return_exceptions=True))

    try:
        feed_before_pages, results = asyncio.run(run())
    finally:
        release.set()
    assert feed_before_pages
    assert all(isinstance(result, FetchTimeoutError) for result in results)
    # the two holding the slots, and at most one that took a slot freed by the first timeout
    assert 2 <= len(stalled) <= policy.max_connections_per_host + StalledHosts.STALL_LIMIT - 1
    assert sum("not tried" in str(result) for result in results) == 6 - len(stalled)
