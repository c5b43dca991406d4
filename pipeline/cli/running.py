"""Commands that fetch and run: `run`, `fetch`, `status`, `db upgrade`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import datetime
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.classify import default_classifier
from pipeline.cli import terminal
from pipeline.cli.app import Options, cli
from pipeline.cli.terminal import ago, configure_logging, one_line_table
from pipeline.clock import utc_now
from pipeline.config import DEFAULT_WEB_LISTEN, Config, Settings, database_url, web_address
from pipeline.daemon import Daemon
from pipeline.db.copy import copy_database
from pipeline.db.engine import make_engine
from pipeline.db.ledger import Ledger, LedgerEntry
from pipeline.db.notifications import DestinationState, NotificationTable
from pipeline.db.store import Store
from pipeline.digest.schedule import next_send
from pipeline.digest.transport import clear_stale_temporaries
from pipeline.feedhealth import status_problem, status_result
from pipeline.records import CycleReport, FeedOutcome, FeedResult
from pipeline.runtime import (
    digest_service,
    notification_service,
    open_runtime,
    open_store,
    open_store_for_reading,
    started_workers,
)
from pipeline.text import counted
from pipeline.web.server import WebServer
from pipeline.workers import WorkerPool


@cli.command()
@click.pass_obj
def run(options: Options) -> None:
    """Run the daemon: fetch every enabled feed on its interval and send each recipient's digest at their
    send time, until SIGTERM or Ctrl-C."""
    config = options.config()
    configure_logging(config.settings.log_level)
    _warn_if_no_feeds(config)
    if not config.settings.smtp_host and (
        cleared := clear_stale_temporaries(config.settings.outbox, time.time())
    ):
        logging.getLogger(__name__).info("outbox: removed %d unfinished files of a stopped process", cleared)
    with (
        started_workers(config.settings) as workers,
        closing(open_store(config.settings, config.feeds)) as store,
    ):

        async def main() -> None:
            classifier = default_classifier()
            async with open_runtime(
                config.settings, store, classifier=classifier, workers=workers
            ) as runtime:
                listen = config.settings.web_listen
                await Daemon(
                    config,
                    store.feeds,
                    runtime.ingestor,
                    digest_service(config, store),
                    database=store.engine.url.render_as_string(hide_password=True),
                    web=WebServer.of(config, store, listen) if listen else None,
                    notifications=notification_service(config, store),
                ).run()

        asyncio.run(main())


@cli.command()
@click.option("--feed", "feed_names", multiple=True, metavar="NAME", help="Only this feed (repeatable).")
@click.pass_obj
def fetch(options: Options, feed_names: tuple[str, ...]) -> None:
    """Fetch every enabled feed (or the named ones) once, store new articles, print a summary.

    Exits 0 when the cycle ran, whatever individual feeds did: their errors are in the summary and
    in `dealpulse status`."""
    config = options.config()
    _warn_if_no_feeds(config)
    for name in feed_names:
        config.feed(name)  # an unknown name is a configuration error
    interactive = terminal.err.is_terminal
    configure_logging(config.settings.log_level if not interactive else "WARNING")
    with (
        started_workers(config.settings) as workers,
        closing(open_store(config.settings, config.feeds)) as store,
    ):
        states = store.feeds.states(feed_names or None)
        started = time.perf_counter()
        report = asyncio.run(_fetch_with_progress(config.settings, store, workers, states, interactive))
    _print_cycle(report, time.perf_counter() - started)


def _warn_if_no_feeds(config: Config) -> None:
    if not config.feeds:
        terminal.err.print(
            f"warning: no feeds in {config.path}: add some under `feeds:` (see README)", markup=False
        )


async def _fetch_with_progress(
    settings: Settings, store: Store, workers: WorkerPool, states: Sequence[Any], interactive: bool
) -> CycleReport:
    async with open_runtime(settings, store, classifier=default_classifier(), workers=workers) as runtime:
        if not interactive:
            return await runtime.ingestor.run_cycle(states)
        columns = (
            TextColumn("fetching feeds"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[stories]} new stories  {task.description}"),
        )
        with Progress(*columns, console=terminal.err, transient=True) as progress:
            task = progress.add_task("", total=len(states), stories=0)

            def advance(outcome: FeedOutcome) -> None:
                progress.update(task, advance=1, description=outcome.feed)

            async def count_stories() -> None:
                while True:
                    progress.update(task, stories=runtime.ingestor.stories_done)
                    await asyncio.sleep(0.25)

            counter = asyncio.create_task(count_stories())
            try:
                return await runtime.ingestor.run_cycle(states, on_outcome=advance)
            finally:
                counter.cancel()


def _print_cycle(report: CycleReport, seconds: float) -> None:
    table = Table(
        title=f"Fetch cycle: {counted(len(report.outcomes), 'feed')} in {seconds:.1f} s",
        show_header=False,
    )
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (
        ("feeds ok", report.count(FeedResult.OK)),
        ("feeds not modified", report.count(FeedResult.NOT_MODIFIED)),
        ("feeds failed", report.count(FeedResult.ERROR)),
        ("entries seen", report.entries_seen),
        ("new articles", report.new_articles),
        ("extraction failures", report.extraction_failures),
    ):
        table.add_row(label, str(value))
    terminal.out.print(table)
    failed = [o for o in report.outcomes if o.result is FeedResult.ERROR]
    if failed:
        errors = Table(title="Failed feeds")
        errors.add_column("feed")
        errors.add_column("error")
        for outcome in failed:
            errors.add_row(outcome.feed, outcome.error or "")
        terminal.out.print(errors)


@cli.command()
@click.pass_obj
def status(options: Options) -> None:
    """Show each feed's health: last fetch, result, error, articles stored, next fetch."""
    config = options.config()
    with closing(open_store_for_reading(config.settings)) as store:
        rows = store.feeds.statuses()
        latest = {e.recipient.lower(): e for e in reversed(Ledger(store.engine).entries(limit=1000))}
        destinations = NotificationTable(store.engine).states()
    now = utc_now()
    # One line a feed: every column whole but the feed's name and its problem, which are cut to fit.
    cells: list[list[str]] = []
    styles: list[str | None] = []
    for row in rows:
        styles.append("red" if row.last_result == FeedResult.ERROR else None)
        cells.append(
            [
                row.name,
                ago(row.last_fetch_at, now),
                status_result(row),
                str(row.last_http_status or ""),
                str(row.articles),
                "never" if row.disabled_reason else ago(row.next_fetch_at, now),
                status_problem(row),
            ]
        )
    stored = {row.name for row in rows}
    for feed in config.feeds:  # added to the file since the last fetch or run
        if feed.name not in stored:
            cells.append([feed.name, "", "never fetched", "", "0", "at the next fetch", ""])
            styles.append(None)
    headers = ["feed", "last fetch", "result", "HTTP", "articles", "next fetch", "error / warning"]
    # the feed's name and its problem are cut to fit; the rest is kept whole
    terminal.out.print(
        one_line_table(
            "Feeds", headers, cells, cut=["feed", "error / warning"], width=terminal.out.width, styles=styles
        )
    )
    _print_recipients(config, latest, now)
    _print_destinations(destinations, now)


def _print_recipients(config: Config, latest: dict[str, LedgerEntry], now: datetime) -> None:
    if not config.recipients:
        terminal.out.print(f"no digest recipients in {config.path}")
        return
    where = (
        f"SMTP {config.settings.smtp_host}"
        if config.settings.smtp_host
        else f"outbox {config.settings.outbox}"
    )
    table = Table(title=f"Digest recipients (delivery: {where})")
    for column in ("recipient", "sends at", "next digest", "last digest"):
        table.add_column(column)
    for recipient in config.recipients:
        last = latest.get(recipient.address.lower())
        table.add_row(
            recipient.address,
            f"{recipient.send_at:%H:%M} {recipient.timezone}",
            ago(next_send(recipient, now), now),
            f"{last.digest_date} {last.status} ({counted(last.deal_count, 'deal')})" if last else "none yet",
        )
    terminal.out.print(table)


def _print_destinations(destinations: Sequence[DestinationState], now: datetime) -> None:
    """Each notification destination's queue: what is waiting, what went, why the last try failed."""
    if not destinations:
        return
    rows = [
        [
            d.recipient,
            d.destination,
            str(d.sent),
            str(d.pending),
            (f"retry {ago(d.next_attempt_at, now)}: " if d.pending and d.next_attempt_at else "")
            + (d.last_error or ""),
        ]
        for d in destinations
    ]
    headers = ["recipient", "notifies", "deals sent", "waiting", "last error"]
    styles = ["red" if d.last_error else None for d in destinations]
    terminal.out.print(
        one_line_table(
            "Notifications",
            headers,
            rows,
            cut=["notifies", "last error"],
            width=terminal.out.width,
            styles=styles,
        )
    )


@cli.group()
def db() -> None:
    """Manage the database."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(options: Options) -> None:
    """Bring the database schema up to date (the daemon and `fetch` also do this on start)."""
    settings = options.settings()
    with closing(open_store(settings)) as store:
        url = store.engine.url.render_as_string(hide_password=True)
    terminal.out.print(f"database schema is up to date: {url}")


@cli.command()
@click.option(
    "--listen",
    metavar="HOST:PORT",
    help="Where to listen (default: the web_listen setting, else 127.0.0.1:8080).",
)
@click.pass_obj
def serve(options: Options, listen: str | None) -> None:
    """Serve the read-only web page (deals, a deal's page, feeds, digests; /healthz, /metrics) until
    SIGTERM or Ctrl-C. The daemon serves the same when web_listen is set."""
    config = options.config()
    configure_logging(config.settings.log_level)
    where = listen or config.settings.web_listen or DEFAULT_WEB_LISTEN
    try:
        web_address(where, has_token=config.settings.web_token is not None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    with closing(open_store_for_reading(config.settings)) as store:
        asyncio.run(WebServer.of(config, store, where).serve_until_stopped())


@db.command("copy")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="The empty database to copy into, e.g. postgresql://user@host/dealpulse.",
)
@click.pass_obj
def db_copy(options: Options, target: str) -> None:
    """Copy the whole database (feeds, stories, deals, the digest ledger) into another, empty one: how
    an installation moves from SQLite to PostgreSQL. Stop the daemon first."""
    settings = options.settings()
    try:
        target_url = database_url(target)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    with closing(open_store_for_reading(settings)) as store:
        engine = make_engine(target_url)
        try:
            copied = copy_database(store.engine, engine)
            shown = engine.url.render_as_string(hide_password=True)
        finally:
            engine.dispose()
    terminal.out.print(
        f"copied {counted(sum(copied.values()), 'row')} into {shown}: "
        + ", ".join(f"{table} {rows}" for table, rows in copied.items())
    )
