"""Whether DealPulse is healthy, for /healthz. Pure: what was observed comes in as arguments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.records import FeedSource

# How many of its shortest interval a daemon may go without fetching any feed before it is unhealthy.
INTERVALS_WITHOUT_A_FETCH = 3


@dataclass(frozen=True, slots=True)
class Health:
    healthy: bool
    checks: dict[str, str]


def stale_after(feeds: Sequence[FeedSource], misfire_grace: timedelta) -> timedelta | None:
    """How long without any fetch means the fetching has stopped: three of the shortest enabled feed's
    intervals and the misfire grace; None when no feed is enabled (nothing to fetch, nothing late)."""
    intervals = [feed.interval for feed in feeds if feed.enabled]
    return INTERVALS_WITHOUT_A_FETCH * min(intervals) + misfire_grace if intervals else None


def judge(
    *,
    database_error: str | None,
    scheduler_running: bool | None,
    last_fetch_at: datetime | None,
    started_at: datetime,
    now: datetime,
    late_after: timedelta | None,
) -> Health:
    """Healthy when the database answers, the scheduler runs (where this process has one), and a feed was
    fetched within `late_after` (counted from the start when none was yet)."""
    checks: dict[str, str] = {}
    healthy = True
    if database_error is None:
        checks["database"] = "ok"
    else:
        checks["database"] = f"unreachable: {database_error}"
        healthy = False
    if scheduler_running is None:
        checks["scheduler"] = "not in this process"
    else:
        checks["scheduler"] = "running" if scheduler_running else "stopped"
        healthy = healthy and scheduler_running
    since = last_fetch_at or started_at
    age = max(0.0, (now - since).total_seconds())
    checks["last_fetch_age_seconds"] = (
        f"{age:.0f}" if last_fetch_at else f"none yet ({age:.0f} s since start)"
    )
    if late_after is not None and database_error is None and age > late_after.total_seconds():
        checks["fetching"] = (
            f"late: nothing fetched for {age:.0f} s (more than {late_after.total_seconds():.0f})"
        )
        healthy = False
    return Health(healthy, checks)
