"""Failing feeds back off, die and come back; 410 Gone disables a feed; a permanent move is followed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer

from pipeline.config import Settings
from pipeline.db.store import Store
from pipeline.feedhealth import (
    BackoffPolicy,
    FeedFacts,
    gone_reason,
    is_dead,
    moved_to,
    needs_attention,
    next_fetch_time,
    status_problem,
    status_result,
)
from pipeline.records import FeedOutcome, FeedResult, FeedStatus
from pipeline.workers import WorkerPool
from tests.support.builders import Item, rss
from tests.support.helpers import feed_row, run_cycle, source

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
POLICY = BackoffPolicy(
    backoff_max=timedelta(hours=6), dead_after=timedelta(days=3), dead_retry=timedelta(days=1)
)


def wait(
    failures: int, *, chance: float = 0.5, dead: bool = False, retry_after: timedelta | None = None
) -> timedelta:
    return (
        next_fetch_time(
            NOW,
            timedelta(minutes=30),
            failures=failures,
            dead=dead,
            retry_after=retry_after,
            policy=POLICY,
            chance=chance,
        )
        - NOW
    )


def test_backoff_doubles_from_the_interval_up_to_the_cap() -> None:
    assert [wait(n) for n in range(6)] == [
        timedelta(minutes=30),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=4),
        timedelta(hours=6),
    ]
    assert wait(1000) == timedelta(hours=6)


def test_jitter_spreads_a_failing_feed_by_a_tenth_either_way() -> None:
    assert wait(3, chance=0.0) == timedelta(hours=1.8)
    assert wait(3, chance=0.999999) > timedelta(hours=2.19)
    assert wait(0, chance=0.0) == timedelta(minutes=30)  # a healthy feed keeps its interval exactly


def test_a_longer_retry_after_wins_and_dead_feeds_wait_a_day() -> None:
    assert wait(1, retry_after=timedelta(hours=3)) == timedelta(hours=3)
    assert wait(7, dead=True) == timedelta(days=1)


def test_dead_after_three_days_of_failure() -> None:
    assert not is_dead(None, NOW, POLICY)
    assert not is_dead(NOW - timedelta(days=2, hours=23), NOW, POLICY)
    assert is_dead(NOW - timedelta(days=3), NOW, POLICY)


def test_a_permanent_redirect_moves_the_feed_when_seen_three_times_in_a_row() -> None:
    target, seen, move = moved_to(None, 0, "https://new.example.com/feed")
    assert (target, seen, move) == ("https://new.example.com/feed", 1, False)
    target, seen, move = moved_to(target, seen, "https://new.example.com/feed")
    assert (seen, move) == (2, False)
    assert moved_to(target, seen, "https://new.example.com/feed") == (None, 0, True)
    assert moved_to(target, seen, "https://other.example.com/feed") == (
        "https://other.example.com/feed",
        1,
        False,
    )
    assert moved_to(target, seen, None) == (None, 0, False)  # one fetch not redirected resets the count


def failure(url: str, status: int | None = 503) -> FeedOutcome:
    return FeedOutcome("a", url, FeedResult.ERROR, http_status=status, error=f"HTTP {status}")


def test_a_feed_failing_for_days_is_dead_and_one_success_restores_it(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/feed")], NOW)
    (feed,) = store.feeds.states()
    for hours in range(0, 80, 8):
        store.feeds.record_outcome(feed.id, failure(feed.url), NOW + hours * HOUR, backoff=POLICY)
    row = feed_row(store, "a")
    assert (row.dead, row.failing_since, row.error_count) == (True, NOW, 10)
    assert row.next_fetch_at == NOW + 72 * HOUR + timedelta(days=1)
    store.feeds.record_outcome(
        feed.id, FeedOutcome("a", feed.url, FeedResult.NOT_MODIFIED, http_status=304), NOW + 100 * HOUR
    )
    row = feed_row(store, "a")
    assert (row.dead, row.failing_since, row.error_count) == (False, None, 0)
    assert row.next_fetch_at == NOW + 100 * HOUR + timedelta(minutes=30)


def test_410_gone_disables_the_feed_until_its_url_changes(store: Store) -> None:
    store.feeds.sync([source("a", "https://a.example.com/feed")], NOW)
    (feed,) = store.feeds.states()
    store.feeds.record_outcome(feed.id, failure(feed.url, 410), NOW)
    assert "410 Gone" in (feed_row(store, "a").disabled_reason or "")
    assert store.feeds.states() == []  # not fetched by cycles ...
    assert (
        store.feeds.claim_due("a", NOW + timedelta(days=9), HOUR, timedelta(0)) is None
    )  # ... nor by the daemon
    store.feeds.sync([source("a", "https://a.example.com/feed")], NOW + HOUR)  # a restart changes nothing
    assert store.feeds.states() == []
    store.feeds.sync([source("a", "https://a.example.com/new-feed")], NOW + 2 * HOUR)  # the operator fixed it
    assert [s.url for s in store.feeds.states()] == ["https://a.example.com/new-feed"]
    assert feed_row(store, "a").disabled_reason is None


@pytest.mark.parametrize(("status", "moves"), [(301, True), (308, True), (302, False), (307, False)])
def test_a_feed_moved_permanently_is_followed_after_three_fetches(
    settings: Settings, store: Store, workers: WorkerPool, httpserver: HTTPServer, status: int, moves: bool
) -> None:
    httpserver.expect_request("/old.xml").respond_with_data(
        "", status=status, headers={"Location": httpserver.url_for("/new.xml")}
    )
    httpserver.expect_request("/new.xml").respond_with_data(rss([Item("Story", httpserver.url_for("/s"))]))
    httpserver.expect_request("/s").respond_with_data(
        "<html><body><p>short</p></body></html>", content_type="text/html"
    )
    feeds = [source("moving", httpserver.url_for("/old.xml"))]
    for _ in range(3):
        report = run_cycle(settings, store, workers, feeds)
        assert [o.result for o in report.outcomes] == [FeedResult.OK]
    row = feed_row(store, "moving")
    assert row.url == httpserver.url_for("/new.xml" if moves else "/old.xml")
    assert row.config_url == httpserver.url_for("/old.xml")
    run_cycle(settings, store, workers, feeds)  # the next start syncs the same feeds.yaml: the move stays
    assert feed_row(store, "moving").url == row.url


def facts(**changes: object) -> FeedFacts:
    quiet = FeedFacts(
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        error_count=0,
        failing_since=None,
        dead=False,
        last_error=None,
        disabled_reason=None,
        last_new_story_at=datetime(2026, 11, 26, 5, 0, tzinfo=UTC),
    )
    return replace(quiet, **changes)  # type: ignore[arg-type]


def test_a_feed_needs_attention_when_gone_failing_or_silent_for_more_than_a_day() -> None:
    now = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    assert needs_attention(facts(), now) is None
    assert needs_attention(facts(disabled_reason="410 Gone"), now) == "gone: 410 Gone"
    failing = facts(
        error_count=9, failing_since=datetime(2026, 11, 24, 6, 0, tzinfo=UTC), last_error="HTTP 503"
    )
    assert needs_attention(failing, now) == "failing since 24 Nov 06:00 UTC: HTTP 503"
    assert needs_attention(replace(failing, dead=True), now) == (
        "dead (now tried rarely), failing since 24 Nov 06:00 UTC: HTTP 503"
    )
    # a failure of the last hour is no news yet
    assert needs_attention(replace(failing, failing_since=now - timedelta(hours=1)), now) is None
    silent = facts(last_new_story_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    assert needs_attention(silent, now) == "no new stories since 20 Nov 09:30 UTC"
    assert needs_attention(facts(last_new_story_at=None), now) == "no new stories since it was added"
    assert needs_attention(facts(created_at=now - timedelta(hours=2), last_new_story_at=None), now) is None


# --- the status table's words: pure -------------------------------------------------------------------

HEALTHY = FeedStatus(
    name="desk",
    url="https://news.example/feed.xml",
    enabled=True,
    in_config=True,
    last_fetch_at=NOW,
    last_success_at=NOW,
    last_result="ok",
    last_http_status=200,
    last_error=None,
    last_warning=None,
    error_count=0,
    next_fetch_at=NOW + timedelta(minutes=30),
    articles=12,
)


@pytest.mark.parametrize(
    ("changes", "result"),
    [
        ({}, "ok"),
        ({"last_result": None, "next_fetch_at": None}, "never fetched"),
        ({"last_result": None}, "not fetched yet (stopped mid-fetch)"),
        ({"last_result": "error", "error_count": 3}, "error ×3"),
        ({"last_result": "error", "error_count": 9, "dead": True}, "dead, error ×9"),
        ({"in_config": False}, "ok (removed from config)"),
        ({"enabled": False}, "ok (disabled)"),
        ({"last_result": "error", "disabled_reason": gone_reason(NOW)}, "gone (not fetched)"),
    ],
)
def test_the_status_result_says_the_last_fetch_and_the_feed_s_state(
    changes: dict[str, object], result: str
) -> None:
    assert status_result(replace(HEALTHY, **changes)) == result  # type: ignore[arg-type]


def test_the_status_problem_says_why_and_where_a_feed_moved_without_its_secrets() -> None:
    assert status_problem(HEALTHY) == ""
    assert status_problem(replace(HEALTHY, last_warning="3 entries without a link")) == (
        "warning: 3 entries without a link"
    )
    gone = replace(HEALTHY, disabled_reason=gone_reason(NOW), last_error="HTTP 410")
    assert status_problem(gone).startswith(
        "410 Gone on 2026-11-26: the server says this feed is gone for good"
    )
    moved = replace(
        HEALTHY,
        url="https://new.example/feed.xml?token=s3cret",
        url_moved_from="https://news.example/feed.xml",
        last_error="HTTP 500",
    )
    problem = status_problem(moved)
    assert problem.startswith("moved (301/308) from https://news.example/feed.xml to https://new.example/")
    assert problem.endswith("; HTTP 500")
    assert "s3cret" not in problem
