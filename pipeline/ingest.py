"""One fetch cycle: fetch feed -> parse -> new entries -> fetch page -> extract -> store.

Each feed is isolated: whatever a feed, a page or a bug does, `fetch_feed` returns a FeedOutcome and the
outcome is stored on the feed. Each article is stored in its own transaction; the feed's validators
(ETag, Last-Modified) are stored only after all its entries are, so an interrupted cycle repeats in full.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from pipeline.classify import Classifier
from pipeline.clock import utc_now
from pipeline.db.articles import StoredArticle
from pipeline.errors import BlockedAddressError, FeedParseError, FetchError, HTTPStatusError
from pipeline.extract import extract_page
from pipeline.feedhealth import BackoffPolicy
from pipeline.feeds import parse_feed, plausible_date
from pipeline.groupcommit import GroupCommit
from pipeline.http import FEED_ACCEPT, PAGE_ACCEPT, Fetcher, Lane
from pipeline.records import (
    Classification,
    CycleReport,
    ExtractedPage,
    ExtractionStatus,
    FeedEntry,
    FeedFetch,
    FeedOutcome,
    FeedResult,
    FeedState,
    HttpResponse,
    NewArticle,
    ParsedFeed,
    Story,
    WantedMetadata,
)
from pipeline.text import content_hash, guess_language
from pipeline.urls import canonical_url, redact_url, title_from_url
from pipeline.workers import BatchedCalls, WorkerPool

log = logging.getLogger(__name__)

T = TypeVar("T")
HTML_TYPES = {"text/html", "application/xhtml+xml", ""}  # "" : no Content-Type, let extraction judge


@dataclass(frozen=True, slots=True)
class PageResult:
    """What became of one story's page. Made by Ingestor._read_page, read by build_article."""

    status: ExtractionStatus
    page: ExtractedPage | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FeedRead:
    """What the feed stage found in a feed that answered with one. Made by Ingestor.read_feed."""

    response: HttpResponse
    parsed: ParsedFeed
    stories: list[list[FeedEntry]]  # new stories, each the entries that link to it (one fetch each)
    duplicates: int  # entries carrying a story already stored, now recorded against this feed

    @property
    def validators(self) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified), for the next conditional fetch."""
        return self.response.headers.get("etag"), self.response.headers.get("last-modified")


def choose_canonical_url(link: str, page_canonical: str | None) -> str:
    """The page's own canonical URL when it names an article on the same site, else the link's.
    A canonical that points at another site or at the home page is a publisher's template mistake often
    enough that trusting it would merge unrelated stories."""
    own = canonical_url(link)
    if not page_canonical:
        return own
    try:
        candidate = canonical_url(page_canonical)
    except ValueError:
        return own
    link_host = (urlsplit(own).hostname or "").removeprefix("www.")
    page_parts = urlsplit(candidate)
    same_site = (page_parts.hostname or "").removeprefix("www.") == link_host
    return candidate if same_site and page_parts.path not in ("", "/") else own


def wanted_metadata(entry: FeedEntry, now: datetime) -> WantedMetadata:
    """The page metadata build_article will fall back on for this entry: what the feed does not give.
    Pure; the extraction skips searching for the rest."""
    return WantedMetadata(
        title=not entry.title,
        author=not entry.author,
        published=plausible_date(entry.published, now) is None,
    )


# Extracted text shorter than this, or than the feed's own summary, is a scrap of the page (a menu, a
# cookie notice), not the story: the summary is kept instead.
MIN_PAGE_TEXT_CHARS = 200


def checked_page(result: PageResult, summary: str) -> PageResult:
    """The page result, with an extraction that found only a scrap marked EMPTY. Pure."""
    page = result.page
    if result.status is not ExtractionStatus.EXTRACTED or page is None or not page.text:
        return result
    length = len(page.text)
    if length >= MIN_PAGE_TEXT_CHARS and length >= len(summary):
        return result
    limit = (
        f"the feed's summary ({len(summary)})" if len(summary) > MIN_PAGE_TEXT_CHARS else MIN_PAGE_TEXT_CHARS
    )
    return PageResult(
        ExtractionStatus.EMPTY, page, f"page text of {length} characters is shorter than {limit}"
    )


def build_article(
    feed_id: int, entry: FeedEntry, result: PageResult, fetched_at: datetime, feed_language: str | None
) -> NewArticle:
    """The story to store, from the feed entry and whatever the page gave. Pure."""
    page = result.page
    extracted = result.status is ExtractionStatus.EXTRACTED and page is not None and page.text
    title = entry.title or (page.title if page and page.title else "") or title_from_url(entry.link)
    # no page text: the feed's summary, or the title when it gives none (an article is never textless)
    text = page.text if extracted and page and page.text else (entry.summary or title)
    published = (
        plausible_date(entry.published, fetched_at)
        or plausible_date(page.published if page else None, fetched_at)
        or fetched_at
    )
    return NewArticle(
        canonical_url=choose_canonical_url(entry.link, page.canonical_url if page else None),
        url=entry.link,
        feed_id=feed_id,
        guid=entry.guid,
        title=title,
        summary=entry.summary,
        text=text,
        author=entry.author or (page.author if page else None),
        published_at=published,
        fetched_at=fetched_at,
        language=(page.language if page else None)
        or feed_language
        or guess_language(f"{entry.title} {text}"),
        site_name=page.site_name if page else None,
        extraction_status=result.status,
        extraction_error=result.error,
        content_hash=content_hash(text) if extracted else None,
    )


def newest_first(groups: list[list[FeedEntry]], limit: int) -> tuple[list[list[FeedEntry]], int]:
    """At most `limit` new stories, the newest first (undated ones last); and how many wait for later
    cycles. A feed that dumps 10,000 entries costs one bounded cycle, and loses none of them."""
    if len(groups) <= limit:
        return groups, 0
    oldest = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(groups, key=lambda group: group[0].published or oldest, reverse=True)
    return ranked[:limit], len(groups) - limit


def _deferred_warning(warning: str | None, taken: int, deferred: int) -> str | None:
    if not deferred:
        return warning
    note = f"{taken + deferred:,} new entries: the newest {taken} stored now, {deferred:,} in the next cycles"
    return f"{warning}; {note}" if warning else note


async def fetch_and_parse(
    fetcher: Fetcher,
    name: str,
    url: str,
    parse: Callable[[HttpResponse], Awaitable[ParsedFeed]],
    *,
    max_bytes: int,
    validators: tuple[str | None, str | None] = (None, None),
) -> tuple[HttpResponse, ParsedFeed] | FeedOutcome:
    """A feed fetched (conditionally, with the validators) and parsed; or, when there is nothing to read,
    the outcome that says why: an HTTP or network error (with a server's Retry-After), 304 Not Modified,
    a document that is no feed. The one read path of the fetch cycle and of `dealpulse feeds check`."""
    etag, last_modified = validators
    try:
        response = await fetcher.get(
            url,
            max_bytes=max_bytes,
            accept=FEED_ACCEPT,
            etag=etag,
            last_modified=last_modified,
            lane=Lane.FEED,
        )
    except HTTPStatusError as exc:
        wait = timedelta(seconds=exc.retry_after) if exc.retry_after else None
        return FeedOutcome(
            name, url, FeedResult.ERROR, http_status=exc.status, error=str(exc), retry_after=wait
        )
    except FetchError as exc:
        return FeedOutcome(name, url, FeedResult.ERROR, error=str(exc))
    if response.status == 304:
        return FeedOutcome(name, url, FeedResult.NOT_MODIFIED, http_status=304)
    try:
        return response, await parse(response)
    except FeedParseError as exc:
        return FeedOutcome(name, url, FeedResult.ERROR, http_status=response.status, error=str(exc))


class OutcomeLog(Protocol):
    """Where what each fetch did is kept (the feeds table)."""

    def record_outcomes(self, fetches: Sequence[FeedFetch], backoff: BackoffPolicy = ...) -> None: ...


class StoryWriter(Protocol):
    """Where stories are looked up and stored (the articles table, deals included)."""

    def known_guids(self, feed_id: int, guids: Iterable[str]) -> set[str]: ...

    def by_url(self, canonical_urls: Iterable[str]) -> dict[str, int]: ...

    def add_feed_item(self, feed_id: int, guid: str, article_id: int, now: datetime) -> None: ...

    def store(
        self, article: NewArticle, classification: Classification | None = None, now: datetime | None = None
    ) -> StoredArticle: ...


class IngestStorage(Protocol):
    """All a fetch cycle needs of the database."""

    @property
    def feeds(self) -> OutcomeLog: ...

    @property
    def articles(self) -> StoryWriter: ...

    @property
    def writer_threads(self) -> int: ...


class Ingestor:
    """Runs fetch cycles. Holds the HTTP client, the worker pool and the store; owns none of them."""

    def __init__(
        self,
        store: IngestStorage,
        fetcher: Fetcher,
        workers: WorkerPool,
        *,
        classifier: Classifier | None = None,
        max_feed_bytes: int,
        max_page_bytes: int,
        backoff: BackoffPolicy,
        max_new_stories: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._max_new_stories = max_new_stories
        self._store = store
        self._fetcher = fetcher
        self._workers = workers
        self._extract = BatchedCalls(workers, extract_page)  # pages queue up: sent to the workers in batches
        # Classification is CPU work too: it runs in the workers beside extraction, never on the event
        # loop's process (the classifier goes with each batch, the default one by name).
        self._classify = BatchedCalls(workers, classifier.classify) if classifier is not None else None
        self._max_feed_bytes = max_feed_bytes
        self._max_page_bytes = max_page_bytes
        self._clock = clock
        # hundreds of feeds finish at once in a cycle: their outcomes are written a batch per transaction
        self._outcomes = GroupCommit[FeedFetch](lambda fetches: store.feeds.record_outcomes(fetches, backoff))
        # Bounds the pages held in memory between download and storage, whatever the feeds deliver.
        self._page_slots = asyncio.Semaphore(fetcher.policy.max_connections + 2 * workers.workers)
        # Stories are written from threads of their own, as many as the database takes writers at once.
        self._writers = ThreadPoolExecutor(store.writer_threads, thread_name_prefix="dealpulse-store")
        self.stories_done = 0  # new stories fetched and stored so far, for progress displays

    async def aclose(self) -> None:
        """Let the stories being written finish, and end the threads that write them."""
        await asyncio.to_thread(self._writers.shutdown)

    async def _write(self, function: Callable[..., T], *args: Any) -> T:
        """Run a write of stories in the writer threads."""
        return await asyncio.get_running_loop().run_in_executor(self._writers, function, *args)

    async def run_cycle(
        self, feeds: Sequence[FeedState], on_outcome: Callable[[FeedOutcome], None] | None = None
    ) -> CycleReport:
        """Fetch every feed once, concurrently."""

        async def one(feed: FeedState) -> FeedOutcome:
            outcome = await self.fetch_feed(feed)
            if on_outcome:
                on_outcome(outcome)
            return outcome

        return CycleReport(tuple(await asyncio.gather(*(one(feed) for feed in feeds))))

    async def fetch_feed(self, feed: FeedState) -> FeedOutcome:
        """Fetch, parse and store one feed. Never raises for anything the network or the data does."""
        now = self._clock()
        validators: tuple[str | None, str | None] = (None, None)
        try:
            outcome, validators = await self._fetch_feed(feed, now)
        except Exception as exc:  # the isolation boundary: one feed's failure is that feed's error
            log.exception("feed=%s url=%s failed with an internal error", feed.name, redact_url(feed.url))
            outcome = FeedOutcome(
                feed.name, feed.url, FeedResult.ERROR, error=f"internal error: {type(exc).__name__}: {exc}"
            )
        await self.record_outcome(feed, outcome, now, validators)
        level = logging.WARNING if outcome.result is FeedResult.ERROR else logging.INFO
        log.log(
            level,
            "feed=%s url=%s result=%s status=%s entries=%d new=%d duplicates=%d extraction_failures=%d%s",
            feed.name,
            redact_url(feed.url),
            outcome.result.value,
            outcome.http_status,
            outcome.entries_seen,
            outcome.new_articles,
            outcome.duplicates,
            outcome.extraction_failures,
            f" error={outcome.error!r}" if outcome.error else "",
        )
        return outcome

    async def record_outcome(
        self, feed: FeedState, outcome: FeedOutcome, now: datetime, validators: tuple[str | None, str | None]
    ) -> None:
        """Store what became of a fetch on the feed (result, validators, next fetch), in a batch with the
        other feeds finishing at the same time."""
        chance = random.random()  # noqa: S311 - jitter, not security
        await self._outcomes.submit(FeedFetch(feed.id, outcome, now, *validators, chance))

    async def read_feed(self, feed: FeedState, now: datetime) -> FeedRead | FeedOutcome:
        """The feed stage alone: fetch and parse the feed, and find which of its stories are new. An
        outcome instead when there is nothing to read (an error, or 304 Not Modified)."""

        async def parse_in_a_worker(response: HttpResponse) -> ParsedFeed:
            return await self._workers.run(
                parse_feed, response.body, url=response.url, headers=response.headers
            )

        fetched = await fetch_and_parse(
            self._fetcher,
            feed.name,
            feed.url,
            parse_in_a_worker,
            max_bytes=self._max_feed_bytes,
            validators=(feed.etag, feed.last_modified),
        )
        if isinstance(fetched, FeedOutcome):
            return fetched
        response, parsed = fetched
        stories, duplicates = await self._new_stories(feed, parsed.entries, now)
        return FeedRead(response, parsed, stories, duplicates)

    async def _fetch_feed(
        self, feed: FeedState, now: datetime
    ) -> tuple[FeedOutcome, tuple[str | None, str | None]]:
        no_validators: tuple[str | None, str | None] = (None, None)
        read = await self.read_feed(feed, now)
        if isinstance(read, FeedOutcome):
            return read, no_validators
        response, parsed = read.response, read.parsed
        groups, deferred = newest_first(read.stories, self._max_new_stories)
        results = await asyncio.gather(
            *(self._ingest_story(feed, group, parsed.language, now) for group in groups)
        )
        created = sum(1 for stored, _ in results if stored)
        outcome = FeedOutcome(
            feed.name,
            feed.url,
            FeedResult.OK,
            http_status=response.status,
            entries_seen=len(parsed.entries),
            new_articles=created,
            duplicates=read.duplicates + sum(len(group) for group in groups) - created,
            skipped_entries=parsed.skipped,
            extraction_failures=sum(1 for _, extracted in results if not extracted),
            warning=_deferred_warning(parsed.warning, len(groups), deferred),
            permanent_redirect=response.permanent_redirect,
            feed_title=parsed.title,
        )
        if deferred:
            return outcome, no_validators  # the next fetch must get the whole feed again, not a 304
        return outcome, read.validators

    async def _new_stories(
        self, feed: FeedState, entries: Sequence[FeedEntry], now: datetime
    ) -> tuple[list[list[FeedEntry]], int]:
        """The entries to fetch, grouped by canonical URL (one fetch per story), and how many entries
        turned out to carry a story already stored (recorded against this feed now)."""
        first_by_guid: dict[str, FeedEntry] = {}
        for entry in entries:
            first_by_guid.setdefault(entry.guid, entry)  # a GUID repeated inside one feed counts once
        known = await asyncio.to_thread(self._store.articles.known_guids, feed.id, first_by_guid)
        groups: dict[str, list[FeedEntry]] = {}
        for guid, entry in first_by_guid.items():
            if guid not in known:
                groups.setdefault(canonical_url(entry.link), []).append(entry)
        stored = await asyncio.to_thread(self._store.articles.by_url, groups)
        duplicates = 0
        for url, article_id in stored.items():
            for entry in groups.pop(url):
                await self._write(self._store.articles.add_feed_item, feed.id, entry.guid, article_id, now)
                duplicates += 1
        return list(groups.values()), duplicates

    async def _ingest_story(
        self, feed: FeedState, group: list[FeedEntry], feed_language: str | None, now: datetime
    ) -> tuple[bool, bool]:
        """Fetch, extract and store one story. Returns (newly stored, text extracted)."""
        entry = group[0]
        async with self._page_slots:
            result = await self._read_page(entry.link, wanted_metadata(entry, now))
            result = checked_page(result, entry.summary)
            article = build_article(feed.id, entry, result, now, feed_language)
        if result.status is not ExtractionStatus.EXTRACTED:
            log.info(
                "feed=%s url=%s page kept with the feed summary: %s: %s",
                feed.name,
                redact_url(entry.link),
                result.status.value,
                result.error,
            )
        classification = await self._classified(article)
        stored = await self._write(self._store_article, article, classification)
        for extra in group[1:]:
            await self._write(self._store.articles.add_feed_item, feed.id, extra.guid, stored.article_id, now)
        self.stories_done += 1
        return stored.created, result.status is ExtractionStatus.EXTRACTED

    async def _classified(self, article: NewArticle) -> Classification | None:
        """What the classifier finds in a story, read in a worker. A classifier failure (or a worker's
        death) costs the story its events, not its place: `dealpulse reclassify` can read it again later."""
        if self._classify is None:
            return None
        try:
            return await self._classify(Story.of_article(article.canonical_url, article))
        except Exception:
            log.exception("url=%s classifier failed; story stored unclassified", redact_url(article.url))
            return None

    def _store_article(self, article: NewArticle, classification: Classification | None) -> StoredArticle:
        """Store a story with what the classifier found, in one transaction (in a thread)."""
        if classification is None:
            return self._store.articles.store(article)
        try:
            return self._store.articles.store(article, classification, self._clock())
        except Exception:  # a bug in deal merging: keep the story; reclassify can add its events later
            log.exception(
                "url=%s deal events could not be stored; story stored without them", redact_url(article.url)
            )
            return self._store.articles.store(article)

    async def _read_page(self, link: str, wanted: WantedMetadata) -> PageResult:
        try:
            response = await self._fetcher.get(link, max_bytes=self._max_page_bytes, accept=PAGE_ACCEPT)
        except BlockedAddressError as exc:
            return PageResult(ExtractionStatus.BLOCKED, error=str(exc))
        except FetchError as exc:
            return PageResult(ExtractionStatus.FETCH_FAILED, error=str(exc))
        if response.content_type not in HTML_TYPES:
            return PageResult(ExtractionStatus.NOT_HTML, error=f"content type {response.content_type}")
        try:
            page = await self._extract(response.body, response.url, _charset(response), wanted)
        except Exception as exc:  # a parser error costs this page its text; a dead worker, the pool's
            return PageResult(ExtractionStatus.EMPTY, error=f"extraction failed: {type(exc).__name__}: {exc}")
        if not page.text:
            return PageResult(ExtractionStatus.EMPTY, page, "no main text found in the page")
        return PageResult(ExtractionStatus.EXTRACTED, page)


def _charset(response: HttpResponse) -> str | None:
    for part in response.headers.get("content-type", "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
