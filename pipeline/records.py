"""The small immutable records handed from one stage to the next.

    FeedSource ─http─> HttpResponse ─feeds─> ParsedFeed(FeedEntry…)
        FeedEntry.link ─http─> HttpResponse ─extract─> ExtractedPage
        FeedEntry + ExtractedPage ─ingest─> NewArticle ─> store
    Story ─classify─> Classification(DealEvent…) ─> store (deals)
    Recipient + DigestDeal… ─digest.select─> Digest ─digest.render─> RenderedDigest ─digest.message─> e-mail
Each stage reads only the record before it, so each can be called and tested alone.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, Protocol


@dataclass(frozen=True, slots=True)
class FeedSource:
    """One feed as configured in feeds.yaml. Made by config, read by the store (sync) and the daemon."""

    name: str
    url: str
    interval: timedelta
    enabled: bool = True
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the database remembers of a feed between fetches. Made by the store, read by ingest."""

    id: int
    name: str
    url: str
    interval: timedelta
    etag: str | None = None
    last_modified: str | None = None
    next_fetch_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A complete, size-capped response. Made by http.Fetcher, read by feeds.parse_feed and extract."""

    requested_url: str
    url: str  # after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    permanent_redirect: str | None = None  # where a 301/308 chain pointed, if every hop was permanent

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One usable entry of a feed. Made by feeds.parse_feed, read by ingest."""

    guid: str
    link: str  # absolute http(s) URL as published (not yet canonical)
    title: str
    summary: str  # plain text
    published: datetime | None  # UTC, as the feed gives it (not yet checked for plausibility)
    author: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """The readable part of a feed document. Made by feeds.parse_feed, read by ingest."""

    title: str | None
    language: str | None
    entries: tuple[FeedEntry, ...]
    skipped: int = 0  # entries dropped for having no usable link
    warning: str | None = None  # set when the document was malformed but its entries could be read


class ExtractionStatus(enum.StrEnum):
    """Why an article's text is what it is. Stored with every article."""

    EXTRACTED = "extracted"  # main text extracted from the page
    EMPTY = "empty"  # page fetched, extraction found no main text: feed summary kept
    NOT_HTML = "not_html"  # page is a PDF, image, ...: feed summary kept
    FETCH_FAILED = "fetch_failed"  # page could not be fetched: feed summary kept
    BLOCKED = "blocked"  # page host is a private/loopback address: not fetched, feed summary kept


@dataclass(frozen=True, slots=True)
class WantedMetadata:
    """Which of a page's title, author and date its article will use: those its feed entry lacks. Made by
    ingest.wanted_metadata, read by extract.extract_page, which skips searching the page for the rest
    (each search costs a noticeable share of a page's extraction time)."""

    title: bool = True
    author: bool = True
    published: bool = True


ALL_METADATA = WantedMetadata()


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What trafilatura found in one page. Made by extract.extract_page, read by ingest."""

    text: str | None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    site_name: str | None = None
    language: str | None = None
    canonical_url: str | None = None  # the page's own <link rel=canonical> / og:url


@dataclass(frozen=True, slots=True)
class NewArticle:
    """A story ready to be stored. Made by ingest.build_article, read by the store."""

    canonical_url: str
    url: str
    feed_id: int
    guid: str
    title: str
    summary: str
    text: str
    author: str | None
    published_at: datetime
    fetched_at: datetime
    language: str | None
    site_name: str | None
    extraction_status: ExtractionStatus
    extraction_error: str | None
    content_hash: str | None


class FeedResult(enum.StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one feed's fetch cycle did. Made by ingest, stored on the feed and summed by the CLI."""

    feed: str
    url: str
    result: FeedResult
    http_status: int | None = None
    entries_seen: int = 0
    new_articles: int = 0
    duplicates: int = 0  # entries that turned out to be a story already stored
    skipped_entries: int = 0
    extraction_failures: int = 0
    error: str | None = None
    warning: str | None = None
    retry_after: timedelta | None = None
    permanent_redirect: str | None = None  # where 301/308 redirects pointed on this fetch
    feed_title: str | None = None  # the title the feed gives itself: the outlet's name where a page has none


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """One row of `dealpulse status`."""

    name: str
    url: str
    enabled: bool
    in_config: bool
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    last_result: str | None
    last_http_status: int | None
    last_error: str | None
    last_warning: str | None
    error_count: int
    next_fetch_at: datetime | None
    articles: int
    dead: bool = False
    disabled_reason: str | None = None
    url_moved_from: str | None = None  # the configured URL, when a permanent redirect moved the feed


@dataclass(frozen=True, slots=True)
class FeedFetch:
    """One fetch of a feed as stored: made by the Ingestor, read by FeedTable.record_outcomes."""

    feed_id: int
    outcome: FeedOutcome
    at: datetime
    etag: str | None = None  # validators for the next conditional fetch; stored only on success
    last_modified: str | None = None
    chance: float = 0.5  # where in the jitter range the next fetch falls


@dataclass(frozen=True, slots=True)
class CycleReport:
    """One fetch cycle over several feeds."""

    outcomes: tuple[FeedOutcome, ...] = field(default_factory=tuple)

    def count(self, result: FeedResult) -> int:
        return sum(1 for o in self.outcomes if o.result is result)

    @property
    def entries_seen(self) -> int:
        return sum(o.entries_seen for o in self.outcomes)

    @property
    def new_articles(self) -> int:
        return sum(o.new_articles for o in self.outcomes)

    @property
    def extraction_failures(self) -> int:
        return sum(o.extraction_failures for o in self.outcomes)


# --- classification (step 2) ----------------------------------------------------------------------


class ArticleText(Protocol):
    """What a story is read from: a NewArticle before storage, or a stored article row."""

    @property
    def title(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def language(self) -> str | None: ...

    @property
    def url(self) -> str: ...

    @property
    def published_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Story:
    """What the classifier reads: a stored article, or a line of `dealpulse classify` input."""

    id: str
    title: str
    summary: str = ""
    text: str = ""
    language: str | None = None
    url: str | None = None
    published: datetime | None = None

    @classmethod
    def of_article(cls, story_id: int | str, article: ArticleText) -> Story:
        """The story of an article: by its row id once stored, by its URL before."""
        return cls(
            id=str(story_id),
            title=article.title,
            summary=article.summary,
            text=article.text,
            language=article.language,
            url=article.url,
            published=article.published_at,
        )


# Party order by kind of deal, as the labelling rules order them: funding [investee, investors...];
# acquisition [acquirer, target]; strategic investment [investor, investee].
_ROLE_RANK = {
    "funding": {"investee": 0, "investor": 1},
    "acquisition": {"acquirer": 0, "target": 1},
    "strategic_investment": {"investor": 0, "investee": 1},
}


def in_role_order(
    subtype: str | None, parties: Sequence[str], roles: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(parties, roles) sorted by role for the kind of deal, stable within a role: a headline reads the
    raiser, the buyer or the investor first, whichever sentence named them first."""
    rank = _ROLE_RANK.get(subtype or "", {})
    if not rank or len(parties) != len(roles):
        return tuple(parties), tuple(roles)
    ordered = sorted(zip(parties, roles, strict=True), key=lambda pair: rank.get(pair[1], len(rank)))
    return tuple(p for p, _ in ordered), tuple(r for _, r in ordered)


@dataclass(frozen=True, slots=True)
class DealEvent:
    """One deal event found in a story. Made by a classifier, read by deals.merge and the store."""

    type: str  # investment | partnership | launch
    subtype: str | None  # funding | acquisition | strategic_investment (investments only)
    parties: tuple[str, ...]  # in the order of `roles`
    roles: tuple[str, ...]  # investee/investor, acquirer/target, investor/investee, partner, launcher
    amount: float | None = None  # in units of `currency`
    currency: str | None = None
    amount_usd: float | None = None
    round: str | None = None
    valuation: float | None = None
    valuation_currency: str | None = None
    product: str | None = None
    rumor: bool = False
    evidence: str = ""
    confidence: float = 0.5

    def fields(self) -> dict[str, Any]:
        """Every field by name, lists for tuples: the one mapping of an event to JSON and to table columns."""
        values = ((f.name, getattr(self, f.name)) for f in dataclasses.fields(self))
        return {name: list(value) if isinstance(value, tuple) else value for name, value in values}

    def in_role(self, role: str) -> list[str]:
        """The parties in the role, in order."""
        return [p for p, r in zip(self.parties, self.roles, strict=False) if r == role]


@dataclass(frozen=True, slots=True)
class Classification:
    """Everything a classifier says about one story."""

    story_id: str
    ai_related: bool
    rumor: bool
    events: tuple[DealEvent, ...]
    classifier_version: str


EventType = Literal["investment", "partnership", "launch"]
EVENT_TYPES: tuple[EventType, ...] = ("investment", "partnership", "launch")
INVESTMENT_SUBTYPES = ("funding", "acquisition", "strategic_investment")


@dataclass(frozen=True, slots=True)
class Recipient:
    """One digest reader, as configured in feeds.yaml. Made by config, read by the digest stages."""

    address: str
    timezone: str = "UTC"  # an IANA zone name, checked by config
    send_at: time = time(7, 0)  # local time of day
    types: tuple[str, ...] = EVENT_TYPES  # event types wanted
    min_usd: float | None = None  # investments below this (or of unknown amount) are left out
    companies: tuple[str, ...] = ()  # a watch list: when set, only deals with one of these as a party
    notify: tuple[str, ...] = ()  # Apprise URLs that get the same deals (chat, webhooks ...)
    notify_when: str = "digest"  # digest: with the digest; each: as each deal is stored


@dataclass(frozen=True, slots=True)
class SourceLink:
    """One article that reported a deal, and how sure the classifier was of the deal in it."""

    title: str
    url: str
    outlet: str
    confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class DigestDeal:
    """A stored deal as a digest shows it. Made by the ledger, read by digest selection and rendering."""

    id: int
    type: str
    subtype: str | None
    headline: str
    parties: tuple[str, ...]
    roles: tuple[str, ...]
    amount: float | None
    currency: str | None
    amount_usd: float | None
    round: str | None
    product: str | None
    rumor: bool
    evidence: str
    first_reported_at: datetime
    sources: tuple[SourceLink, ...] = ()
    confidence: float = 0.0  # deals.deal_confidence of its events' confidences, outlet by outlet
    valuation: float | None = None
    valuation_currency: str | None = None

    @property
    def outlets(self) -> int:
        return len({s.outlet for s in self.sources})


@dataclass(frozen=True, slots=True)
class DigestWindow:
    """What a recipient's next digest may hold: the deals recorded in (start, end] they have not had, and
    those they saw only as unconfirmed that a report has changed since (a confirmation may bring them
    back)."""

    start: datetime
    end: datetime
    new: list[DigestDeal]
    again: list[DigestDeal]


@dataclass(frozen=True, slots=True)
class DealChange:
    """A later report that changed a deal (its amount, a rumour confirmed ...), for the deal's page."""

    field: str
    old: str | None
    new: str | None
    at: datetime
    article_title: str


@dataclass(frozen=True, slots=True)
class StoredFigures:
    """What the database holds, counted: the gauges of /metrics."""

    stories: int
    stories_by_extraction: Mapping[str, int]
    deals_by_type: Mapping[str, int]
    events_by_type: Mapping[str, int]
    feeds_by_result: Mapping[str, int]
    digests_by_status: Mapping[str, int]
    last_fetch_at: datetime | None


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed the digest footer warns about: failing, or silent, for more than a day."""

    name: str
    problem: str


@dataclass(frozen=True, slots=True)
class Digest:
    """One recipient's digest for one date, its deals grouped and ranked. Made by digest.select."""

    recipient: Recipient
    date: date
    investments: tuple[DigestDeal, ...]
    partnerships: tuple[DigestDeal, ...]
    launches: tuple[DigestDeal, ...]
    feed_health: tuple[FeedHealth, ...] = ()
    unconfirmed: tuple[DigestDeal, ...] = ()  # below the confidence bar: headline and link at the end

    @property
    def deals(self) -> tuple[DigestDeal, ...]:
        return self.investments + self.partnerships + self.launches


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """A digest as text: made by digest.render, read by digest.message."""

    subject: str
    text: str
    html: str
