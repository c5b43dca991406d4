"""`dealpulse feeds`: the feeds of the feeds file, and a check that each answers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import click
from rich.table import Table

from pipeline.cli import terminal
from pipeline.cli.app import CommandFailure, Options, cli
from pipeline.cli.terminal import configure_logging, duration
from pipeline.config import Settings
from pipeline.feeds import parse_feed
from pipeline.http import Fetcher
from pipeline.ingest import fetch_and_parse
from pipeline.records import FeedOutcome, FeedSource, HttpResponse, ParsedFeed
from pipeline.runtime import fetch_policy
from pipeline.text import counted
from pipeline.urls import redact_url


@cli.group()
def feeds() -> None:
    """Inspect the feeds file."""


@feeds.command("list")
@click.pass_obj
def feeds_list(options: Options) -> None:
    """List the configured feeds."""
    config = options.config()
    table = Table(title=f"Feeds in {config.path}")
    for column in ("name", "url", "interval", "enabled", "tags"):
        table.add_column(column)
    for feed in config.feeds:
        table.add_row(
            feed.name,
            redact_url(feed.url),
            duration(feed.interval.total_seconds()),
            "yes" if feed.enabled else "no",
            ", ".join(feed.tags),
        )
    terminal.out.print(table)


@feeds.command("check")
@click.pass_obj
def feeds_check(options: Options) -> None:
    """Validate the feeds file and fetch and parse each enabled feed, storing nothing.

    Exits 1 when any feed fails."""
    config = options.config()
    configure_logging("WARNING")
    enabled = [feed for feed in config.feeds if feed.enabled]
    results = asyncio.run(_check_feeds(config.settings, enabled))
    table = Table(title=f"{config.path}: valid; {len(enabled)} enabled feeds checked")
    for column in ("feed", "result", "HTTP", "entries", "detail"):
        table.add_column(column)
    failures = 0
    for feed, (ok, status_code, entries, detail) in zip(enabled, results, strict=True):
        failures += not ok
        table.add_row(
            feed.name,
            "ok" if ok else "failed",
            str(status_code or ""),
            str(entries),
            detail,
            style=None if ok else "red",
        )
    terminal.out.print(table)
    if failures:
        raise CommandFailure(f"{failures} of {counted(len(enabled), 'feed')} failed the check")


async def _check_feeds(
    settings: Settings, feeds: Sequence[FeedSource]
) -> list[tuple[bool, int | None, int, str]]:
    """(ok, HTTP status, entries, detail) of each feed, read as a fetch cycle reads it."""

    async def parse_here(response: HttpResponse) -> ParsedFeed:
        return parse_feed(response.body, url=response.url, headers=response.headers)

    async with Fetcher(fetch_policy(settings)) as fetcher:

        async def check(feed: FeedSource) -> tuple[bool, int | None, int, str]:
            fetched = await fetch_and_parse(
                fetcher, feed.name, feed.url, parse_here, max_bytes=settings.max_feed_bytes
            )
            if isinstance(fetched, FeedOutcome):
                return False, fetched.http_status, 0, fetched.error or ""
            response, parsed = fetched
            detail = parsed.warning or (parsed.title or "")
            if parsed.skipped:
                detail = f"{detail} ({parsed.skipped} entries without a usable link)"
            return True, response.status, len(parsed.entries), detail

        return list(await asyncio.gather(*(check(feed) for feed in feeds)))
