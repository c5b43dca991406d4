"""The `dealpulse` command line. The only module that configures logging and wires the parts together."""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline import __version__
from pipeline.classify import (
    Classifier,
    LearnedClassifier,
    classifier_named,
    classifier_versions,
    default_classifier,
    training,
)
from pipeline.clock import utc_now
from pipeline.config import (
    DEFAULT_CONFIG_PATH,
    Config,
    Settings,
    database_url,
    load_config,
    load_settings_only,
)
from pipeline.daemon import Daemon
from pipeline.db.ledger import Ledger, LedgerEntry
from pipeline.db.store import Store
from pipeline.dealexport import DEAL_CSV_COLUMNS, deal_csv_row, deal_json
from pipeline.deals import compare_events, short_money
from pipeline.digest.schedule import next_send
from pipeline.digest.service import DigestService
from pipeline.digest.transport import clear_stale_temporaries
from pipeline.errors import ConfigError, DealPulseError, FeedParseError, FetchError, HTTPStatusError
from pipeline.evaluation import (
    Report,
    classification_json,
    read_jsonl,
    score,
    score_by_language,
    story_from_json,
)
from pipeline.feeds import parse_feed
from pipeline.http import FEED_ACCEPT, Fetcher, Lane
from pipeline.records import (
    EVENT_TYPES,
    INVESTMENT_SUBTYPES,
    Classification,
    CycleReport,
    DealEvent,
    FeedOutcome,
    FeedResult,
    FeedSource,
    Recipient,
)
from pipeline.runtime import (
    digest_service,
    fetch_policy,
    open_runtime,
    open_store,
    open_store_for_reading,
    started_workers,
)
from pipeline.text import counted
from pipeline.urls import redact_url
from pipeline.workers import WorkerPool

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass(frozen=True, slots=True)
class Options:
    config_path: Path | None
    database_url: str | None

    def config(self) -> Config:
        return load_config(self.config_path, overrides={"database_url": self._database_url()})

    def _database_url(self) -> str | None:
        if self.database_url is None:
            return None
        try:
            return database_url(self.database_url)
        except ValueError as exc:
            raise ConfigError(f"--database-url: {exc}") from None

    def settings(self) -> Settings:
        """Settings for commands that can run without a feeds file (db upgrade)."""
        path = self.config_path or DEFAULT_CONFIG_PATH
        if self.config_path is not None or path.exists():
            return self.config().settings
        settings = load_settings_only()
        url = self._database_url()
        return settings.model_copy(update={"database_url": url}) if url else settings


class DealPulseGroup(click.Group):
    """Turns DealPulse's own errors into a one-line message and an exit code: 2 for configuration, 1 else."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise _ConfigFailure(f"configuration error: {exc}") from None
        except DealPulseError as exc:
            raise _Failure(str(exc)) from None


class _Failure(click.ClickException):
    exit_code = 1


class _ConfigFailure(click.ClickException):
    exit_code = 2


@click.group(cls=DealPulseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dealpulse")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    envvar="DEALPULSE_CONFIG",
    help="The feeds file (default: ./feeds.yaml; env DEALPULSE_CONFIG).",
)
@click.option(
    "--database-url", help="SQLAlchemy database URL; overrides DEALPULSE_DATABASE_URL and the file."
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, database_url: str | None) -> None:
    """DealPulse follows AI deals in the news: it fetches feeds, stores each story's full text, finds the
    investments, partnerships and launches in them, and mails a daily digest of the new deals."""
    ctx.obj = Options(config_path, database_url)
    for console in (out, err):
        if not console.is_terminal:  # piped or captured: tables as wide as their content, not 80 columns
            console.width = max(console.width, 200)


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
                await Daemon(config, store, runtime.ingestor, digest_service(config, store)).run()

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
    interactive = err.is_terminal
    configure_logging(config.settings.log_level if not interactive else "WARNING")
    with (
        started_workers(config.settings) as workers,
        closing(open_store(config.settings, config.feeds)) as store,
    ):
        states = store.feed_states(feed_names or None)
        started = time.perf_counter()
        report = asyncio.run(_fetch_with_progress(config.settings, store, workers, states, interactive))
    _print_cycle(report, time.perf_counter() - started)


# Below this terminal width the deals table leaves out the parties, round and sources.
WIDE_TABLE_COLUMNS = 120
_MIN_CUT_WIDTH = 12


def one_line_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    cut: Sequence[str],
    width: int,
    styles: Sequence[str | None] = (),
) -> Table:
    """A table whose every row is one line within `width`: the columns not in `cut` are kept whole, and
    the text of those in `cut` (a headline, an error) is shortened to share what is left, ending in …."""
    columns = len(headers)
    whole = [max([len(headers[i]), *(len(row[i]) for row in rows)]) for i in range(columns)]
    fixed = sum(w for header, w in zip(headers, whole, strict=True) if header not in cut)
    share = max(_MIN_CUT_WIDTH, (width - fixed - 3 * columns - 1) // max(1, len(cut)))
    table = Table(title=title)
    for header in headers:
        right = header in ("HTTP", "articles", "USD", "sources")
        table.add_column(header, justify="right" if right else "left", no_wrap=True)
    for index, row in enumerate(rows):
        table.add_row(
            *(
                _shortened(cell, share) if header in cut else cell
                for header, cell in zip(headers, row, strict=True)
            ),
            style=styles[index] if index < len(styles) else None,
        )
    return table


def _shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _deals_table(rows: Sequence[Any], width: int) -> Table:
    """Deals, one line each: the date, kind and amount whole, the headline cut to fit; in a terminal of
    WIDE_TABLE_COLUMNS or more, also the parties, round, rumour flag and number of sources."""
    title = counted(len(rows), "deal")
    if width < WIDE_TABLE_COLUMNS:
        narrow = [
            [
                f"{deal.first_reported_at:%Y-%m-%d}",
                deal.subtype or deal.type,
                short_money(deal.amount_usd, None),
                f"(rumour) {deal.headline}" if deal.rumor else deal.headline,
            ]
            for deal in rows
        ]
        return one_line_table(
            title, ["reported", "type", "USD", "headline"], narrow, cut=["headline"], width=width
        )
    wide = [
        [
            f"{deal.first_reported_at:%Y-%m-%d %H:%M}",
            deal.subtype or deal.type,
            short_money(deal.amount_usd, None),
            deal.headline,
            ", ".join(deal.parties),
            deal.round or "",
            "yes" if deal.rumor else "",
            str(len(deal.sources)),
        ]
        for deal in rows
    ]
    headers = ["reported", "type", "USD", "headline", "parties", "round", "rumour", "sources"]
    return one_line_table(title, headers, wide, cut=["headline", "parties"], width=width)


def _warn_if_no_feeds(config: Config) -> None:
    if not config.feeds:
        err.print(f"warning: no feeds in {config.path}: add some under `feeds:` (see README)", markup=False)


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
        with Progress(*columns, console=err, transient=True) as progress:
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
    out.print(table)
    failed = [o for o in report.outcomes if o.result is FeedResult.ERROR]
    if failed:
        errors = Table(title="Failed feeds")
        errors.add_column("feed")
        errors.add_column("error")
        for outcome in failed:
            errors.add_row(outcome.feed, outcome.error or "")
        out.print(errors)


@cli.command()
@click.pass_obj
def status(options: Options) -> None:
    """Show each feed's health: last fetch, result, error, articles stored, next fetch."""
    config = options.config()
    with closing(open_store_for_reading(config.settings)) as store:
        rows = store.feed_statuses()
        latest = {e.recipient.lower(): e for e in reversed(Ledger(store.engine).entries(limit=1000))}
    now = utc_now()
    # One line a feed: every column whole but the feed's name and its problem, which are cut to fit.
    cells: list[list[str]] = []
    styles: list[str | None] = []
    for row in rows:
        result = row.last_result or "never fetched"
        if row.last_result is None and row.next_fetch_at is not None:
            result = "not fetched yet (stopped mid-fetch)"  # claimed by a fetch that did not finish
        if not row.in_config:
            result = f"{result} (removed from config)"
        elif not row.enabled:
            result = f"{result} (disabled)"
        if row.error_count > 1:
            result = f"{result} ×{row.error_count}"
        if row.disabled_reason:
            result = "gone (not fetched)"
        elif row.dead:
            result = f"dead, {result}"
        problem = (
            row.disabled_reason
            or row.last_error
            or (f"warning: {row.last_warning}" if row.last_warning else "")
        )
        if row.url_moved_from:
            moved = f"moved (301/308) from {redact_url(row.url_moved_from)} to {redact_url(row.url)}"
            problem = f"{moved}; {problem}".rstrip("; ")
        styles.append("red" if row.last_result == FeedResult.ERROR else None)
        cells.append(
            [
                row.name,
                _ago(row.last_fetch_at, now),
                result,
                str(row.last_http_status or ""),
                str(row.articles),
                "never" if row.disabled_reason else _ago(row.next_fetch_at, now),
                problem,
            ]
        )
    stored = {row.name for row in rows}
    for feed in config.feeds:  # added to the file since the last fetch or run
        if feed.name not in stored:
            cells.append([feed.name, "", "never fetched", "", "0", "at the next fetch", ""])
            styles.append(None)
    headers = ["feed", "last fetch", "result", "HTTP", "articles", "next fetch", "error / warning"]
    # the feed's name and its problem are cut to fit; the rest is kept whole
    out.print(
        one_line_table(
            "Feeds", headers, cells, cut=["feed", "error / warning"], width=out.width, styles=styles
        )
    )
    _print_recipients(config, latest, now)


def _print_recipients(config: Config, latest: dict[str, LedgerEntry], now: datetime) -> None:
    if not config.recipients:
        out.print(f"no digest recipients in {config.path}")
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
            _ago(next_send(recipient, now), now),
            f"{last.digest_date} {last.status} ({counted(last.deal_count, 'deal')})" if last else "none yet",
        )
    out.print(table)


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
            _duration(feed.interval.total_seconds()),
            "yes" if feed.enabled else "no",
            ", ".join(feed.tags),
        )
    out.print(table)


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
    out.print(table)
    if failures:
        raise _Failure(f"{failures} of {counted(len(enabled), 'feed')} failed the check")


async def _check_feeds(
    settings: Settings, feeds: Sequence[FeedSource]
) -> list[tuple[bool, int | None, int, str]]:
    async with Fetcher(fetch_policy(settings)) as fetcher:

        async def check(feed: FeedSource) -> tuple[bool, int | None, int, str]:
            try:
                response = await fetcher.get(
                    feed.url, max_bytes=settings.max_feed_bytes, accept=FEED_ACCEPT, lane=Lane.FEED
                )
                parsed = parse_feed(response.body, url=response.url, headers=response.headers)
            except HTTPStatusError as exc:
                return False, exc.status, 0, str(exc)
            except (FetchError, FeedParseError) as exc:
                return False, None, 0, str(exc)
            detail = parsed.warning or (parsed.title or "")
            if parsed.skipped:
                detail = f"{detail} ({parsed.skipped} entries without a usable link)"
            return True, response.status, len(parsed.entries), detail

        return list(await asyncio.gather(*(check(feed) for feed in feeds)))


@cli.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def classify_command(source: Any) -> None:
    """Classify stories read as JSON lines (id, title, summary, text; optionally url, published,
    language) from SOURCE or standard input; write one JSON line per input, in order.

    A malformed line gets {"line": N, "error": "..."} and the rest go on."""
    classifier = default_classifier()
    for number, item in read_jsonl(source):
        try:
            if isinstance(item, str):
                raise ValueError(item)
            story = story_from_json(item)
        except ValueError as exc:
            message = str(exc) if str(exc).startswith("line ") else f"line {number}: {exc}"
            click.echo(json.dumps({"line": number, "error": message}))
            continue
        click.echo(json.dumps(classification_json(classifier.classify(story)), ensure_ascii=False))


@cli.command("eval")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--classifier",
    "version",
    type=click.Choice(classifier_versions()),
    help="The classifier to score (default: the one the daemon uses).",
)
@click.option(
    "--compare",
    "baseline",
    type=click.Choice(classifier_versions()),
    help="Score this classifier on the same stories too, and show the two side by side.",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    help="Cross-validate the learned classifier: score each story with weights trained, from the same "
    "file, on the other K-1 folds (needs the `train` extra).",
)
def eval_command(
    source: Any, as_json: bool, version: str | None, baseline: str | None, folds: int | None
) -> None:
    """Score the classifier on labelled stories: a JSON-lines file, one object a line with the story (id,
    title, summary, text, published, language) and its labels (ai_related, events). Prints per class
    precision, recall and F1; ai_related and rumor accuracy; amount+currency exact matches; parties recall and
    precision; role accuracy; the same per language; the calibration of the events' confidence; and the
    stories it gets wrong."""
    labelled = []
    for _, item in read_jsonl(source):
        if isinstance(item, str):
            raise _Failure(item)
        labelled.append(item)
    classifier = classifier_named(version) if version else default_classifier()
    if folds is not None and not isinstance(classifier, LearnedClassifier):
        raise _Failure(f"--folds cross-validates a learned classifier; {classifier.version} learns nothing")
    if folds is not None:
        report, languages = _cross_validated(labelled, folds, source.name)
    else:
        report, languages = _scored(classifier, labelled, source.name)
    compared = _scored(classifier_named(baseline), labelled, source.name)[0] if baseline else None
    if as_json:
        result = {**report.as_dict(), "languages": {k: v.as_dict() for k, v in languages.items()}}
        if compared is not None:
            result["compare"] = {"classifier": baseline, **compared.as_dict()}
        click.echo(json.dumps(result, indent=2))
        return
    title = f"{source.name}: {counted(report.items, 'story', 'stories')}"
    columns = {classifier.version: report} | ({f"{baseline} (baseline)": compared} if compared else {})
    out.print(_figures_table(title, columns))
    out.print(_languages_table(languages))
    out.print(_calibration_table(report))
    if report.mistakes:
        out.print(f"\n{counted(len(report.mistakes), 'story', 'stories')} with a mistake:")
        for mistake in report.mistakes:
            out.print(f"  {mistake['id']}: {'; '.join(mistake['wrong'])}: {mistake['title']}", markup=False)


def _scored(
    classifier: Classifier, labelled: Sequence[dict[str, Any]], name: str
) -> tuple[Report, dict[str, Report]]:
    try:
        predicted = [classifier.classify(story_from_json(item)) for item in labelled]
    except ValueError as exc:
        raise _Failure(f"{name}: {exc}") from None
    return _reports(labelled, predicted)


def _cross_validated(
    labelled: Sequence[dict[str, Any]], folds: int, name: str
) -> tuple[Report, dict[str, Report]]:
    try:
        predicted = training.cross_validated(labelled, folds)
    except ImportError:
        raise _Failure(
            "--folds trains the model, which needs scikit-learn: pip install 'dealpulse[train]'"
        ) from None
    except ValueError as exc:
        raise _Failure(f"{name}: {exc}") from None
    return _reports(labelled, predicted)


def _reports(
    labelled: Sequence[dict[str, Any]], predicted: Sequence[Classification]
) -> tuple[Report, dict[str, Report]]:
    return score(labelled, predicted), score_by_language(labelled, predicted)


def _figures(report: Report) -> dict[str, str]:
    figures = {}
    for name, s in report.classes.items():
        figures[f"{name} F1 (P / R)"] = f"{s.f1:.3f} ({s.precision:.2f} / {s.recall:.2f})"
    figures["ai_related accuracy"] = f"{report.ai_accuracy:.3f}"
    figures["rumor accuracy"] = f"{report.rumor_accuracy:.3f}"
    figures["amount+currency exact"] = f"{report.amounts_exact:.3f} of {report.amounts_total}"
    figures["parties recall"] = f"{report.parties_recall:.3f} of {report.parties_total}"
    figures["parties precision"] = f"{report.parties_precision:.3f} of {report.parties_predicted}"
    figures["role accuracy"] = f"{report.role_accuracy:.3f} of {report.roles_total}"
    return figures


def _figures_table(title: str, reports: dict[str, Report]) -> Table:
    table = Table(title=title)
    table.add_column("figure")
    for name in reports:
        table.add_column(name, justify="right")
    columns = [_figures(report) for report in reports.values()]
    for figure in columns[0]:
        table.add_row(figure, *(column[figure] for column in columns))
    return table


def _languages_table(languages: dict[str, Report]) -> Table:
    table = Table(title="By language")
    headers = ("language", "items", *(f"{n} F1" for n in EVENT_TYPES), "ai acc.", "amounts", "parties R / P")
    for header in headers:
        table.add_column(header, justify="left" if header == "language" else "right")
    for language, report in languages.items():
        table.add_row(
            language,
            str(report.items),
            *(f"{report.classes[name].f1:.3f}" for name in EVENT_TYPES),
            f"{report.ai_accuracy:.3f}",
            f"{report.amounts_exact:.3f}",
            f"{report.parties_recall:.2f} / {report.parties_precision:.2f}",
        )
    return table


def _calibration_table(report: Report) -> Table:
    table = Table(title="Calibration: predicted events by confidence, and the share right")
    for header in ("confidence", "events", "mean confidence", "right"):
        table.add_column(header, justify="left" if header == "confidence" else "right")
    for row in report.calibration:
        table.add_row(
            f"{row.low:.1f}-{row.high:.1f}",
            str(row.events),
            f"{row.mean_confidence:.2f}" if row.events else "",
            f"{row.share_right:.2f}" if row.events else "",
        )
    return table


@cli.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after DATE.")
@click.pass_obj
def reclassify(options: Options, since: datetime | None) -> None:
    """Read stored articles again with the current classifier and print what changed
    (events added, removed and changed); deals are updated to match."""
    config = options.config()
    classifier = default_classifier()
    added = removed = changed = 0
    with closing(open_store(config.settings, config.feeds)) as store:
        stories = store.stories_since(since.replace(tzinfo=UTC) if since else None)
        for article_id, published, story in stories:
            result = classifier.classify(story)
            diff = compare_events(store.events_of(article_id), result.events)
            store.save_classification(article_id, published, result, utc_now())
            for event in diff.added:
                out.print(f"+ article {article_id}: {_describe(event)}", markup=False)
            for event in diff.removed:
                out.print(f"- article {article_id}: {_describe(event)}", markup=False)
            for before, after in diff.changed:
                out.print(f"~ article {article_id}: {_describe(before)} -> {_describe(after)}", markup=False)
            added, removed, changed = (
                added + len(diff.added),
                removed + len(diff.removed),
                changed + len(diff.changed),
            )
    out.print(
        f"{len(stories)} articles read with classifier {classifier.version}: "
        f"{added} events added, {removed} removed, {changed} changed"
    )


def _describe(event: DealEvent) -> str:
    amount = f" {event.amount:,.0f} {event.currency or ''}".rstrip() if event.amount is not None else ""
    what = event.subtype or event.type
    product = f" [{event.product}]" if event.product else ""
    rumor = " (rumour)" if event.rumor else ""
    return f"{what}: {', '.join(event.parties)}{product}{amount}{rumor}"


@cli.command()
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only deals first reported on or after DATE."
)
@click.option(
    "--type",
    "event_type",
    type=click.Choice([*EVENT_TYPES, *INVESTMENT_SUBTYPES]),
    help="Only deals of this type, or investments of this kind (funding, acquisition, strategic_investment).",
)
@click.option("--min-usd", type=float, help="Only deals worth at least this many US dollars.")
@click.option("--company", help="Only deals with this company among the parties (any spelling).")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    help="Only deals at least this sure (0-1): the classifier's confidence, raised by each further outlet.",
)
@click.option(
    "--format", "output", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@click.pass_obj
def deals(
    options: Options,
    *,
    since: datetime | None,
    event_type: str | None,
    min_usd: float | None,
    company: str | None,
    min_confidence: float | None,
    output: str,
) -> None:
    """List stored deals, newest first, with the number of articles reporting each."""
    config = options.config()
    with closing(open_store_for_reading(config.settings)) as store:
        rows = store.deals(
            since=since.replace(tzinfo=UTC) if since else None,
            event_type=event_type,
            min_usd=min_usd,
            company=company,
            min_confidence=min_confidence,
        )
    if output == "json":
        click.echo(json.dumps([deal_json(d) for d in rows], indent=2, ensure_ascii=False))
        return
    if output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=DEAL_CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(deal_csv_row(d) for d in rows)
        return
    out.print(_deals_table(rows, out.width))


@cli.command()
@click.option(
    "--preview",
    "preview_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.html",
    help="Render a digest to FILE.html (and FILE.txt), sending and recording nothing.",
)
@click.option("--send", "send_now", is_flag=True, help="Send the digests that are due now (for cron).")
@click.option("--list", "list_ledger", is_flag=True, help="Show the ledger: every digest made, newest first.")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="With --preview: the digest of this date."
)
@click.option(
    "--to", "address", metavar="ADDRESS", help="With --preview: this recipient (default: the first)."
)
@click.pass_obj
def digest(
    options: Options,
    *,
    preview_path: Path | None,
    send_now: bool,
    list_ledger: bool,
    day: datetime | None,
    address: str | None,
) -> None:
    """The daily digest e-mail: preview it, send what is due, or list what was sent."""
    if sum((preview_path is not None, send_now, list_ledger)) != 1:
        raise click.UsageError("give exactly one of --preview FILE.html, --send or --list")
    if (day or address) and preview_path is None:
        raise click.UsageError("--date and --to go with --preview")
    config = options.config()
    opened = (
        open_store(config.settings, config.feeds) if send_now else open_store_for_reading(config.settings)
    )
    with closing(opened) as store:
        service = digest_service(config, store)
        if list_ledger:
            _print_ledger(Ledger(store.engine).entries(limit=100))
        elif send_now:
            configure_logging(config.settings.log_level)
            _send_digests(service, config)
        else:
            assert preview_path is not None
            _preview_digest(service, config, preview_path, day.date() if day else None, address)


def _send_digests(service: DigestService, config: Config) -> None:
    if not config.recipients:
        out.print(f"no recipients in {config.path}: nothing to send")
        return
    deliveries = service.send_due(utc_now())
    if not deliveries:
        out.print("no digest due now")
    for delivery in deliveries:
        out.print(
            f"{delivery.digest_date} {delivery.recipient}: {delivery.outcome}, "
            f"{counted(delivery.deals, 'deal')}: {delivery.detail}"
        )
    if any(d.outcome == "failed" for d in deliveries):
        raise _Failure(
            "a digest was not delivered; it stays pending and is retried (see `dealpulse digest --list`)"
        )


def _preview_digest(
    service: DigestService, config: Config, path: Path, day: date | None, address: str | None
) -> None:
    recipient = _recipient(config, address)
    now = utc_now()
    rendered = service.preview(recipient, day or now.astimezone(ZoneInfo(recipient.timezone)).date(), now)
    try:
        path.write_text(rendered.html, encoding="utf-8")
        path.with_suffix(".txt").write_text(rendered.text, encoding="utf-8")
    except OSError as exc:
        raise _Failure(f"{path}: cannot write the preview: {exc.strerror or exc}") from None
    out.print(f"{rendered.subject}\nwrote {path} and {path.with_suffix('.txt')} (nothing sent or recorded)")


def _recipient(config: Config, address: str | None) -> Recipient:
    if address is None:
        return config.recipients[0] if config.recipients else Recipient("preview@localhost")
    for recipient in config.recipients:
        if recipient.address.lower() == address.lower():
            return recipient
    known = ", ".join(r.address for r in config.recipients) or "none"
    raise _Failure(f"--to {address}: not a recipient in {config.path} (recipients: {known})")


def _print_ledger(entries: Sequence[LedgerEntry]) -> None:
    table = Table(title="Digests")
    for column in ("date", "recipient", "status", "deals", "attempts", "sent", "subject / last error"):
        table.add_column(column, justify="right" if column in ("deals", "attempts") else "left")
    now = utc_now()
    for entry in entries:
        if entry.status == "pending" and entry.next_attempt_at:
            status = f"pending, next try {_ago(entry.next_attempt_at, now)}"
        else:
            status = entry.status
        table.add_row(
            f"{entry.digest_date}",
            entry.recipient,
            status,
            str(entry.deal_count),
            str(entry.attempts),
            _ago(entry.sent_at, now),
            entry.last_error or entry.subject or "",
            style="red" if entry.last_error else None,
        )
    out.print(table)


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
    out.print(f"database schema is up to date: {url}")


def configure_logging(level: str) -> None:
    """One line per event on stderr, UTC timestamps."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter("%(asctime)sZ %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # apscheduler says "Adding job tentatively" per feed at start; the daemon reports its schedule itself
    for noisy in ("aiohttp", "alembic", "apscheduler", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    seconds = (when - now).total_seconds()
    return f"in {_duration(seconds)}" if seconds > 0 else f"{_duration(-seconds)} ago"


def _duration(seconds: float) -> str:
    units: list[tuple[str, Callable[[float], float]]] = [
        ("d", lambda s: s // 86400),
        ("h", lambda s: s % 86400 // 3600),
        ("m", lambda s: s % 3600 // 60),
    ]
    parts = [f"{int(f(seconds))}{u}" for u, f in units if f(seconds)]
    return "".join(parts[:2]) or f"{int(seconds)}s"


def main() -> None:
    cli(prog_name="dealpulse")
