"""The one clock: aware UTC. Every stage that needs "now" takes it from here, or as an argument in tests."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
