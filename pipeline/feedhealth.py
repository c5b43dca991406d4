"""When a feed is fetched next, and whether it is dead, gone or moved. Pure: time and chance come in as
arguments.

  - A feed that answers is fetched again after its interval (or a longer Retry-After).
  - A failing feed backs off: interval x 2^(failures - 1), capped at `backoff_max`, with +-10% jitter so that
    feeds failing together (one host down) do not come back together.
  - A feed failing without a break for `dead_after` is dead: shown in `status` and the digest footer, and
    tried only every `dead_retry`. One success restores it.
  - 410 Gone disables a feed until its URL in feeds.yaml changes: the server says it will not come back.
  - A permanent redirect (301/308 all the way) seen on REDIRECTS_TO_MOVE fetches in a row to the same place
    moves the stored URL there; a temporary one (302/307) never does.
  - A feed gone, failing, or without a new story for longer than HEALTH_THRESHOLD needs its reader's
    attention (the digest's footer says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.records import FeedStatus
from pipeline.urls import redact_url

REDIRECTS_TO_MOVE = 3
JITTER = 0.1
HEALTH_THRESHOLD = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    backoff_max: timedelta = timedelta(hours=6)
    dead_after: timedelta = timedelta(days=3)
    dead_retry: timedelta = timedelta(days=1)


DEFAULT_BACKOFF = BackoffPolicy()  # the settings' defaults too


def is_dead(failing_since: datetime | None, now: datetime, policy: BackoffPolicy) -> bool:
    return failing_since is not None and now - failing_since >= policy.dead_after


def next_fetch_time(
    now: datetime,
    interval: timedelta,
    *,
    failures: int,
    dead: bool,
    retry_after: timedelta | None,
    policy: BackoffPolicy,
    chance: float,
) -> datetime:
    """`failures`: consecutive failed fetches, this one included; `chance`: a number in [0, 1)."""
    if dead:
        wait = policy.dead_retry
    elif failures > 0:
        backoff = min(policy.backoff_max, interval * 2 ** min(failures - 1, 30))
        wait = backoff * (1 + JITTER * (2 * chance - 1))
    else:
        wait = interval
    return now + max(wait, retry_after or timedelta(0))


def moved_to(
    previous_target: str | None, previous_count: int, redirect: str | None
) -> tuple[str | None, int, bool]:
    """(target, times seen in a row, move now?) after a successful fetch that was redirected permanently to
    `redirect` (None: not redirected, or not permanently)."""
    if redirect is None:
        return None, 0, False
    count = previous_count + 1 if redirect == previous_target else 1
    if count >= REDIRECTS_TO_MOVE:
        return None, 0, True
    return redirect, count, False


@dataclass(frozen=True, slots=True)
class FeedFacts:
    """What is known of a feed's recent history, for `needs_attention`."""

    created_at: datetime
    error_count: int
    failing_since: datetime | None
    dead: bool
    last_error: str | None
    disabled_reason: str | None
    last_new_story_at: datetime | None


def needs_attention(feed: FeedFacts, now: datetime) -> str | None:
    """Why a feed needs its reader's attention, or None: gone, failing for more than a day, or a day
    without a new story."""
    old = now - HEALTH_THRESHOLD
    if feed.disabled_reason:
        return f"gone: {feed.disabled_reason}"
    if feed.error_count and (feed.failing_since or feed.created_at) < old:
        start = feed.failing_since
        when = f"since {start:%d %b %H:%M} UTC" if start else "since it was added"
        state = "dead (now tried rarely), failing" if feed.dead else "failing"
        return f"{state} {when}: {feed.last_error or 'unknown error'}"
    last_new = feed.last_new_story_at
    if feed.created_at < old and (last_new is None or last_new < old):
        when = f"since {last_new:%d %b %H:%M} UTC" if last_new else "since it was added"
        return f"no new stories {when}"
    return None


def gone_reason(at: datetime) -> str:
    """Why a feed that answered 410 is no longer fetched, as `status` and the digest footer say it."""
    return (
        f"410 Gone on {at:%Y-%m-%d}: the server says this feed is gone for good; "
        "it is not fetched again until its url in feeds.yaml changes"
    )


def status_result(feed: FeedStatus) -> str:
    """The "result" column of `dealpulse status`: the last fetch's result and the feed's state."""
    if feed.disabled_reason:
        return "gone (not fetched)"
    result = feed.last_result or "never fetched"
    if feed.last_result is None and feed.next_fetch_at is not None:
        result = "not fetched yet (stopped mid-fetch)"  # claimed by a fetch that did not finish
    if not feed.in_config:
        result = f"{result} (removed from config)"
    elif not feed.enabled:
        result = f"{result} (disabled)"
    if feed.error_count > 1:
        result = f"{result} ×{feed.error_count}"
    return f"dead, {result}" if feed.dead else result


def status_problem(feed: FeedStatus) -> str:
    """The "error / warning" column of `dealpulse status`: why it is gone, its last error or warning, and
    where a permanent redirect moved it."""
    problem = (
        feed.disabled_reason
        or feed.last_error
        or (f"warning: {feed.last_warning}" if feed.last_warning else "")
    )
    if feed.url_moved_from:
        moved = f"moved (301/308) from {redact_url(feed.url_moved_from)} to {redact_url(feed.url)}"
        problem = f"{moved}; {problem}".rstrip("; ")
    return problem
