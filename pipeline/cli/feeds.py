"""`dealpulse feeds`: the feeds of the feeds file, a check that each answers, and edits of the file (OPML
import and export, a feed added from a site's address, a feed removed)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from rich.table import Table

from pipeline.cli import terminal
from pipeline.cli.app import CommandFailure, Options, cli
from pipeline.cli.terminal import configure_logging, duration
from pipeline.clock import utc_now
from pipeline.config import Settings
from pipeline.errors import FeedParseError, FetchError
from pipeline.feedfile import add_feeds, remove_feed
from pipeline.feeds import alternate_feed_links, parse_feed
from pipeline.http import FEED_ACCEPT, Fetcher, Lane
from pipeline.ingest import fetch_and_parse
from pipeline.opml import feed_name, read_opml, write_opml
from pipeline.records import FeedOutcome, FeedSource, HttpResponse, ParsedFeed
from pipeline.runtime import fetch_policy
from pipeline.text import counted
from pipeline.urls import redact_url


@cli.group()
def feeds() -> None:
    """Inspect and edit the feeds file."""


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


@feeds.command("import")
@click.argument("opml_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def feeds_import(options: Options, opml_file: Path) -> None:
    """Add the feeds an OPML file lists to the feeds file, named after their titles; feeds already in the
    file (by URL) are left as they are."""
    config = options.config()
    try:
        data = opml_file.read_bytes()
    except OSError as exc:
        raise CommandFailure(f"{opml_file}: cannot read: {exc.strerror or exc}") from None
    listed = read_opml(data, str(opml_file))
    known = {feed.url for feed in config.feeds}
    names = [feed.name for feed in config.feeds]
    added: list[tuple[str, str, Sequence[str]]] = []
    for feed in listed:
        if feed.url in known:
            continue
        known.add(feed.url)
        names.append(feed_name(feed.title, feed.url, names))
        added.append((names[-1], feed.url, feed.tags))
    if added:
        add_feeds(config.path, added)
    terminal.out.print(
        f"{config.path}: {counted(len(added), 'feed')} added, "
        f"{counted(len(listed) - len(added), 'feed')} of the list already there"
    )


@feeds.command("export")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
@click.pass_obj
def feeds_export(options: Options, output: Path | None) -> None:
    """Write the feeds of the feeds file as an OPML 2.0 subscription list."""
    config = options.config()
    text = write_opml(config.feeds, f"DealPulse feeds ({config.path.name})", utc_now())
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="The feed's name (default: from its title).")
@click.option("--tag", "tags", multiple=True, help="A tag; may be given several times.")
@click.pass_obj
def feeds_add(options: Options, url: str, name: str | None, tags: tuple[str, ...]) -> None:
    """Add a feed by its address or its site's: a web page leads to the feed it names as its own
    (<link rel="alternate">). The feed is fetched once to check it."""
    config = options.config()
    feed_url, parsed = asyncio.run(_discover(config.settings, url))
    for feed in config.feeds:
        if feed.url == feed_url:
            raise CommandFailure(f"{redact_url(feed_url)} is in {config.path} already, as {feed.name!r}")
    names = [feed.name for feed in config.feeds]
    if name is not None and name.strip() in names:
        raise CommandFailure(f"{config.path}: a feed named {name.strip()!r} is there already")
    chosen = name.strip() if name is not None else feed_name(parsed.title or "", feed_url, names)
    add_feeds(config.path, [(chosen, feed_url, tags)])
    terminal.out.print(
        f"added {chosen!r}: {redact_url(feed_url)} ({counted(len(parsed.entries), 'entry', 'entries')} now)"
    )


@feeds.command("remove")
@click.argument("name")
@click.pass_obj
def feeds_remove(options: Options, name: str) -> None:
    """Take a feed out of the feeds file (its stories stay in the database)."""
    config = options.config()
    remove_feed(config.path, name)
    terminal.out.print(f"removed {name!r} from {config.path}")


async def _parse_fetched(response: HttpResponse) -> ParsedFeed:
    """A fetched feed parsed here, in this process: a command reads one feed or a few."""
    return parse_feed(response.body, url=response.url, headers=response.headers)


async def _discover(settings: Settings, url: str) -> tuple[str, ParsedFeed]:
    """The feed at url, or the one the page at url names as its own: its address and what it holds."""

    async with Fetcher(fetch_policy(settings)) as fetcher:
        try:
            response = await fetcher.get(
                url, max_bytes=settings.max_feed_bytes, accept=FEED_ACCEPT, lane=Lane.FEED
            )
        except FetchError as exc:
            raise CommandFailure(f"{redact_url(url)}: {exc}") from None
        try:
            return url, await _parse_fetched(response)
        except FeedParseError as not_a_feed:
            links = alternate_feed_links(response.body, response.url)
            if not links:
                raise CommandFailure(
                    f"{redact_url(url)}: {not_a_feed}, and the page names no feed of its own"
                ) from None
        fetched = await fetch_and_parse(
            fetcher, "new", links[0], _parse_fetched, max_bytes=settings.max_feed_bytes
        )
        if isinstance(fetched, FeedOutcome):
            raise CommandFailure(f"{redact_url(url)}: its feed {redact_url(links[0])}: {fetched.error}")
        return links[0], fetched[1]


async def _check_feeds(
    settings: Settings, feeds: Sequence[FeedSource]
) -> list[tuple[bool, int | None, int, str]]:
    """(ok, HTTP status, entries, detail) of each feed, read as a fetch cycle reads it."""

    async with Fetcher(fetch_policy(settings)) as fetcher:

        async def check(feed: FeedSource) -> tuple[bool, int | None, int, str]:
            fetched = await fetch_and_parse(
                fetcher, feed.name, feed.url, _parse_fetched, max_bytes=settings.max_feed_bytes
            )
            if isinstance(fetched, FeedOutcome):
                return False, fetched.http_status, 0, fetched.error or ""
            response, parsed = fetched
            detail = parsed.warning or (parsed.title or "")
            if parsed.skipped:
                detail = f"{detail} ({parsed.skipped} entries without a usable link)"
            return True, response.status, len(parsed.entries), detail

        return list(await asyncio.gather(*(check(feed) for feed in feeds)))
