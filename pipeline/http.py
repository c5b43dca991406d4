"""The one HTTP client, for feeds and pages alike.

Every request has a connect timeout and a total deadline that covers all redirect hops; every body is
streamed against a size cap (after decompression, so a gzip bomb stops at the cap); redirects are followed
by hand so each hop is counted, checked for scheme and loops, and recorded (a feed's permanent move);
every connection goes through the private-address guard. Concurrency is capped overall and per host;
waiting for a slot does not count against the deadline.
"""

from __future__ import annotations

import asyncio
import email.utils
import enum
import logging
import os
import re
import socket
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import aiohttp

from pipeline.decoding import BoundedDecoder, DecodingError
from pipeline.errors import (
    BlockedAddressError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UnsupportedURLError,
)
from pipeline.netguard import (
    AddressPolicy,
    GuardedResolver,
    check_addresses,
    guarded_socket_factory,
    parse_ip_literal,
)
from pipeline.records import HttpResponse
from pipeline.urls import is_http_url, redact_url

ACCEPT_ENCODING = "gzip, deflate, br"  # what BoundedDecoder decodes
_CHUNK = 64 * 1024
log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, "
    "text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_PERMANENT_REDIRECTS = {301, 308}
_RETRY_AFTER_STATUSES = {429, 503}
# A Retry-After this short is waited out once within the request; a longer one is reported to the caller.
MAX_RETRY_AFTER_WAIT = 5.0


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits every request obeys (from Settings)."""

    user_agent: str
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    max_connections: int = 32
    max_connections_per_host: int = 4
    addresses: AddressPolicy = field(default_factory=AddressPolicy)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class _HostSlots:
    """A semaphore per host, dropped when no request to that host is in flight (bounded memory)."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._slots.get(host, (asyncio.Semaphore(self._per_host), 0))
        self._slots[host] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._slots[host]
            if users == 1:
                del self._slots[host]
            else:
                self._slots[host] = (semaphore, users - 1)


class Lane(enum.Enum):
    """Requests that queue apart. A feed never waits behind a host's pages: one slow page host would
    otherwise hold every slot its feed needs."""

    FEED = "feed"
    PAGE = "page"


class StalledHosts:
    """Hosts whose pages keep timing out. After STALL_LIMIT timeouts, a host's further pages fail at once
    for STALL_COOLDOWN seconds (their stories keep the feed's summary) instead of each taking a whole
    deadline: one stalled host costs the cycle about one deadline, not one per page. Pure: time is
    passed in."""

    STALL_LIMIT = 2
    STALL_COOLDOWN = 300.0

    def __init__(self) -> None:
        self._timeouts: dict[str, int] = {}
        self._until: dict[str, float] = {}

    def is_stalled(self, host: str, now: float) -> bool:
        until = self._until.get(host)
        if until is None:
            return False
        if now < until:
            return True
        del self._until[host]
        return False

    def timed_out(self, host: str, now: float) -> None:
        count = self._timeouts.get(host, 0) + 1
        if count >= self.STALL_LIMIT:
            self._until[host] = now + self.STALL_COOLDOWN
            count = 0
        self._timeouts[host] = count

    def answered(self, host: str) -> None:
        self._timeouts.pop(host, None)


class Fetcher:
    """Fetches one URL at a time per call; many calls may run at once. Use as an async context manager."""

    def __init__(self, policy: FetchPolicy) -> None:
        """Call with an event loop running (aiohttp binds its session to it)."""
        self.policy = policy
        self._global = asyncio.Semaphore(policy.max_connections)
        self._hosts = {lane: _HostSlots(policy.max_connections_per_host) for lane in Lane}
        self._stalled = StalledHosts()
        connector = aiohttp.TCPConnector(
            limit=policy.max_connections,
            limit_per_host=0,  # _HostSlots limits per host, before the deadline starts
            resolver=GuardedResolver(policy.addresses),
            socket_factory=guarded_socket_factory(policy.addresses),
            happy_eyeballs_delay=None,  # one address after another: a refused one stops the request
            keepalive_timeout=5.0,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": policy.user_agent},
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=policy.connect_timeout),
            auto_decompress=False,  # bodies are decoded by BoundedDecoder, a bounded piece at a time
            trust_env=False,  # no proxy from the environment may route around the guard
            cookie_jar=aiohttp.DummyCookieJar(),  # no site's cookies follow DealPulse to another
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._session.close()

    async def get(
        self,
        url: str,
        *,
        max_bytes: int,
        accept: str = PAGE_ACCEPT,
        etag: str | None = None,
        last_modified: str | None = None,
        lane: Lane = Lane.PAGE,
    ) -> HttpResponse:
        """GET url, following redirects. Returns a 2xx or 304 response; raises a FetchError otherwise."""
        if not is_http_url(url):
            raise UnsupportedURLError(f"not an http(s) URL: {redact_url(url)}", url)
        headers = {"Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).hostname or ""
        hosts = self._hosts[lane]
        async with self._global, hosts.hold(host):
            if lane is Lane.PAGE and self._stalled.is_stalled(host, time.monotonic()):
                raise FetchTimeoutError(f"not tried: {host} timed out on pages just before", url)
            try:
                async with asyncio.timeout(self.policy.total_timeout):
                    response = await self._follow(url, headers, max_bytes, first_host=host, hosts=hosts)
            except TimeoutError:
                if lane is Lane.PAGE:
                    self._stalled.timed_out(host, time.monotonic())
                raise FetchTimeoutError(
                    f"no complete answer within {self.policy.total_timeout:g} s", url
                ) from None
            self._stalled.answered(host)
            return response

    async def _follow(
        self, url: str, headers: Mapping[str, str], max_bytes: int, first_host: str, hosts: _HostSlots
    ) -> HttpResponse:
        current = url
        visited = {url}
        all_permanent = True
        retried = False
        while True:
            host = urlsplit(current).hostname or ""
            if host == first_host:
                response = await self._get_once(current, headers, max_bytes)
            else:
                async with hosts.hold(host):
                    response = await self._get_once(current, headers, max_bytes)
            status = response.status
            location = response.headers.get("location")
            if status in _REDIRECT_STATUSES and location:
                target = urljoin(current, location.strip())
                if not is_http_url(target):
                    raise UnsupportedURLError(f"redirect to a non-http(s) URL: {redact_url(target)}", url)
                if target in visited:
                    raise TooManyRedirectsError(f"redirect loop at {redact_url(target)}", url)
                if len(visited) > self.policy.max_redirects:
                    raise TooManyRedirectsError(f"more than {self.policy.max_redirects} redirects", url)
                visited.add(target)
                all_permanent = all_permanent and status in _PERMANENT_REDIRECTS
                current = target
                continue
            if status in _RETRY_AFTER_STATUSES and not retried:
                wait = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                if wait is not None and wait <= MAX_RETRY_AFTER_WAIT:
                    retried = True
                    await asyncio.sleep(wait)
                    continue
            if status == 304 or 200 <= status < 300:
                moved = current if current != url and all_permanent else None
                return HttpResponse(
                    requested_url=url,
                    url=current,
                    status=status,
                    headers=response.headers,
                    body=response.body,
                    permanent_redirect=moved,
                )
            retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
            raise HTTPStatusError(f"HTTP {status} {_reason(status)}", url, status, retry_after)

    async def _get_once(self, url: str, headers: Mapping[str, str], max_bytes: int) -> HttpResponse:
        """One request, no redirects followed; the body read only for a final 2xx."""
        host = urlsplit(url).hostname or ""
        literal = parse_ip_literal(host)
        if literal is not None:  # checked here too: aiohttp turns odd spellings ("127.1") into its own error
            try:
                check_addresses(host, [literal], self.policy.addresses)
            except BlockedAddressError as exc:
                raise BlockedAddressError(str(exc), url) from None
        try:
            async with self._session.get(url, headers=headers, allow_redirects=False) as response:
                lower = {k.lower(): v for k, v in response.headers.items()}
                body = b""
                if 200 <= response.status < 300:
                    body = await _read_capped(response, lower, max_bytes, url)
                return HttpResponse(url, url, response.status, lower, body)
        except BlockedAddressError as exc:
            raise BlockedAddressError(str(exc), url) from None
        except FetchError:
            raise
        except TimeoutError as exc:
            raise FetchTimeoutError(f"timed out ({type(exc).__name__})", url) from None
        except aiohttp.InvalidURL as exc:
            raise UnsupportedURLError(f"invalid URL: {exc}", url) from None
        except aiohttp.ClientConnectorError as exc:
            raise NetworkError(f"could not connect: {cause_words(exc.os_error)}", url) from None
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
            raise NetworkError(f"connection broken mid-response: {cause_words(exc)}", url) from None
        except aiohttp.ClientResponseError as exc:  # a status line or headers that do not parse
            raise NetworkError(f"malformed response: {exc.message}", url) from None
        except aiohttp.ClientOSError as exc:
            raise NetworkError(f"connection broken: {cause_words(exc)}", url) from None
        except aiohttp.ClientError as exc:
            raise NetworkError(cause_words(exc), url) from None


async def _read_capped(
    response: aiohttp.ClientResponse, headers: Mapping[str, str], max_bytes: int, url: str
) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(
            f"body of {int(declared):,} bytes is over the {max_bytes:,}-byte cap", url
        )
    chunks: list[bytes] = []
    size = 0
    try:
        decoder = BoundedDecoder(headers.get("content-encoding", ""))
        # raw bytes, decoded here a bounded piece at a time: the cap bounds memory, not just the result
        async for raw in response.content.iter_chunked(_CHUNK):
            for piece in decoder.decode(raw):
                size += len(piece)
                if size > max_bytes:
                    raise ResponseTooLargeError(f"body is over the {max_bytes:,}-byte cap", url)
                chunks.append(piece)
    except DecodingError as exc:
        raise NetworkError(f"body could not be decoded: {exc}", url) from None
    return b"".join(chunks)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def cause_words(exc: BaseException) -> str:
    """The first useful words of an error or of what caused it: "connection refused" rather than
    "[Errno 111] Connect call failed ('127.0.0.1', 9)"."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror):  # a negative EAI_* code: os.strerror knows none of them
            return f"name lookup failed: {current.strerror or 'unknown reason'}".lower()
        if isinstance(current, OSError) and current.errno:
            return os.strerror(current.errno).lower()
        text = str(current).strip()
        if text:
            return re.sub(r"\[Errno -?\d+\] ", "", text).rstrip(".").lower()
        current = current.__cause__ or current.__context__
    return type(exc).__name__
