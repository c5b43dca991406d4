"""/metrics in Prometheus's text format (prometheus-client). Two kinds of figure:
  - what this process did since it started (fetches by result, stories stored, extraction failures,
    fetch durations, digests sent and failed): counters the daemon adds to as it works;
  - what the database holds (stories by extraction outcome, deals and events by type, feeds by last
    result, digests by status): gauges read at each scrape, so `dealpulse serve` shows them too.
Each Metrics has a registry of its own: two in one process (tests) do not collide."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from pipeline.records import FeedOutcome, StoredFigures

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self, figures: Callable[[], StoredFigures]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._fetches = Counter(
            "dealpulse_fetches", "Feed fetches by result.", ["result"], registry=self.registry
        )
        self._stories = Counter(
            "dealpulse_stories_stored", "New stories stored by this process.", registry=self.registry
        )
        self._failures = Counter(
            "dealpulse_extraction_failures",
            "Pages whose text could not be extracted (their feed summary kept).",
            registry=self.registry,
        )
        self._fetch_seconds = Histogram(
            "dealpulse_fetch_duration_seconds",
            "Time to fetch one feed and store its new stories.",
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
            registry=self.registry,
        )
        self._digests = Counter(
            "dealpulse_digest_sends", "Digest deliveries by outcome.", ["outcome"], registry=self.registry
        )
        self._notifications = Counter(
            "dealpulse_notification_sends",
            "Notification deliveries (to chat and other services) by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.registry.register(_StoredCollector(figures))

    def record_fetch(self, outcome: FeedOutcome, seconds: float) -> None:
        self._fetches.labels(outcome.result.value).inc()
        self._stories.inc(outcome.new_articles)
        self._failures.inc(outcome.extraction_failures)
        self._fetch_seconds.observe(seconds)

    def record_deliveries(self, outcomes: Iterable[str]) -> None:
        for outcome in outcomes:
            self._digests.labels(outcome).inc()

    def record_notifications(self, outcomes: Iterable[str]) -> None:
        for outcome in outcomes:
            self._notifications.labels(outcome).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _StoredCollector(Collector):
    def __init__(self, figures: Callable[[], StoredFigures]) -> None:
        self._figures = figures

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # nothing to describe ahead: registering must not query the database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = self._figures()
        yield _gauge(
            "dealpulse_stories",
            "Stories stored, by extraction outcome.",
            "outcome",
            figures.stories_by_extraction,
        )
        yield _gauge("dealpulse_deals", "Deals stored, by type.", "type", figures.deals_by_type)
        yield _gauge("dealpulse_events", "Deal events stored, by type.", "type", figures.events_by_type)
        yield _gauge(
            "dealpulse_feeds", "Feeds, by the result of their last fetch.", "result", figures.feeds_by_result
        )
        yield _gauge(
            "dealpulse_digests", "Digests in the ledger, by status.", "status", figures.digests_by_status
        )
        if figures.last_fetch_at is not None:
            last = GaugeMetricFamily(
                "dealpulse_last_fetch_timestamp_seconds", "When a feed was last fetched (Unix time)."
            )
            last.add_metric([], figures.last_fetch_at.timestamp())
            yield last


def _gauge(name: str, documentation: str, label: str, values: Mapping[str, int]) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        gauge.add_metric([key], value)
    return gauge
