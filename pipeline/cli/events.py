"""Commands about deal events: `classify`, `eval`, `reclassify`, `deals`."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import click
from rich.table import Table

from pipeline.classify import (
    Classifier,
    LearnedClassifier,
    classifier_named,
    classifier_versions,
    default_classifier,
    training,
)
from pipeline.cli import terminal
from pipeline.cli.app import CommandFailure, Options, cli
from pipeline.cli.terminal import WIDE_TABLE_COLUMNS, one_line_table
from pipeline.clock import utc_now
from pipeline.dealexport import (
    DEAL_CSV_COLUMNS,
    DEALS_FEED_TITLE,
    deal_csv_row,
    deal_json,
    deals_atom,
    deals_json_feed,
)
from pipeline.deals import compare_events, short_money
from pipeline.evaluation import (
    Report,
    classification_json,
    read_jsonl,
    score,
    score_by_language,
    story_from_json,
)
from pipeline.records import EVENT_TYPES, INVESTMENT_SUBTYPES, Classification, DealEvent
from pipeline.runtime import open_store, open_store_for_reading
from pipeline.text import counted


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
@click.option(
    "--only",
    "prefix",
    metavar="PREFIX",
    help="Score only the stories whose id starts with PREFIX (with --folds the weights are still trained "
    "on the whole file's other folds): figures on one part, as a part of one run.",
)
def eval_command(
    source: Any,
    *,
    as_json: bool,
    version: str | None,
    baseline: str | None,
    folds: int | None,
    prefix: str | None,
) -> None:
    """Score the classifier on labelled stories: a JSON-lines file, one object a line with the story (id,
    title, summary, text, published, language) and its labels (ai_related, events). Prints per class
    precision, recall and F1; ai_related and rumor accuracy; amount+currency exact matches; parties recall and
    precision; role accuracy (of investments: who invests in or buys whom); the same per language; the
    calibration of the events' confidence; and the stories it gets wrong."""
    labelled = []
    for _, item in read_jsonl(source):
        if isinstance(item, str):
            raise CommandFailure(item)
        labelled.append(item)
    classifier = classifier_named(version) if version else default_classifier()
    if folds is not None and not isinstance(classifier, LearnedClassifier):
        raise CommandFailure(
            f"--folds cross-validates a learned classifier; {classifier.version} learns nothing"
        )
    if folds is not None:
        report, languages = _cross_validated(labelled, folds, source.name, prefix)
    else:
        report, languages = _scored(classifier, labelled, source.name, prefix)
    compared = _scored(classifier_named(baseline), labelled, source.name, prefix)[0] if baseline else None
    if as_json:
        result = {**report.as_dict(), "languages": {k: v.as_dict() for k, v in languages.items()}}
        if compared is not None:
            result["compare"] = {"classifier": baseline, **compared.as_dict()}
        click.echo(json.dumps(result, indent=2))
        return
    title = f"{source.name}: {counted(report.items, 'story', 'stories')}"
    columns = {classifier.version: report} | ({f"{baseline} (baseline)": compared} if compared else {})
    terminal.out.print(_figures_table(title, columns))
    terminal.out.print(_languages_table(languages))
    terminal.out.print(_calibration_table(report))
    if report.mistakes:
        terminal.out.print(f"\n{counted(len(report.mistakes), 'story', 'stories')} with a mistake:")
        for mistake in report.mistakes:
            terminal.out.print(
                f"  {mistake['id']}: {'; '.join(mistake['wrong'])}: {mistake['title']}", markup=False
            )


def _scored(
    classifier: Classifier, labelled: Sequence[dict[str, Any]], name: str, prefix: str | None
) -> tuple[Report, dict[str, Report]]:
    try:
        predicted = [classifier.classify(story_from_json(item)) for item in labelled]
    except ValueError as exc:
        raise CommandFailure(f"{name}: {exc}") from None
    return _reports(labelled, predicted, prefix)


def _cross_validated(
    labelled: Sequence[dict[str, Any]], folds: int, name: str, prefix: str | None
) -> tuple[Report, dict[str, Report]]:
    try:
        predicted = training.cross_validated(labelled, folds)
    except ImportError:
        raise CommandFailure(
            "--folds trains the model, which needs scikit-learn: pip install 'dealpulse[train]'"
        ) from None
    except ValueError as exc:
        raise CommandFailure(f"{name}: {exc}") from None
    return _reports(labelled, predicted, prefix)


def _reports(
    labelled: Sequence[dict[str, Any]], predicted: Sequence[Classification], prefix: str | None
) -> tuple[Report, dict[str, Report]]:
    if prefix is not None:
        pairs = [
            (i, p) for i, p in zip(labelled, predicted, strict=True) if str(i.get("id")).startswith(prefix)
        ]
        if not pairs:
            raise CommandFailure(f"no story's id starts with {prefix!r}")
        labelled, predicted = [i for i, _ in pairs], [p for _, p in pairs]
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
        stories = store.articles.stories_since(since.replace(tzinfo=UTC) if since else None)
        for article_id, published, story in stories:
            result = classifier.classify(story)
            diff = compare_events(store.deals.events_of(article_id), result.events)
            store.deals.save_classification(article_id, published, result, utc_now())
            for event in diff.added:
                terminal.out.print(f"+ article {article_id}: {_describe(event)}", markup=False)
            for event in diff.removed:
                terminal.out.print(f"- article {article_id}: {_describe(event)}", markup=False)
            for before, after in diff.changed:
                terminal.out.print(
                    f"~ article {article_id}: {_describe(before)} -> {_describe(after)}", markup=False
                )
            added, removed, changed = (
                added + len(diff.added),
                removed + len(diff.removed),
                changed + len(diff.changed),
            )
    terminal.out.print(
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
@click.option(
    "--company",
    "companies",
    multiple=True,
    help="Only deals with this company among the parties (any spelling); may be given several times.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    help="Only deals at least this sure (0-1): the classifier's confidence, raised by each further outlet.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv", "atom", "jsonfeed"]),
    default="table",
    show_default=True,
)
@click.option(
    "--feed-url", help="With atom or jsonfeed: the address the feed will be served at (its self link)."
)
@click.pass_obj
def deals(
    options: Options,
    *,
    since: datetime | None,
    event_type: str | None,
    min_usd: float | None,
    companies: tuple[str, ...],
    min_confidence: float | None,
    output: str,
    feed_url: str | None,
) -> None:
    """List stored deals, newest first, with the number of articles reporting each."""
    config = options.config()
    with closing(open_store_for_reading(config.settings)) as store:
        rows = store.deals.find(
            since=since.replace(tzinfo=UTC) if since else None,
            event_type=event_type,
            min_usd=min_usd,
            companies=companies,
            min_confidence=min_confidence,
        )
    if output == "json":
        click.echo(json.dumps([deal_json(d) for d in rows], indent=2, ensure_ascii=False))
        return
    if output == "atom":
        sys.stdout.write(deals_atom(rows, title=DEALS_FEED_TITLE, feed_url=feed_url, now=utc_now()).decode())
        return
    if output == "jsonfeed":
        feed = deals_json_feed(rows, title=DEALS_FEED_TITLE, feed_url=feed_url)
        click.echo(json.dumps(feed, indent=2, ensure_ascii=False))
        return
    if output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=DEAL_CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(deal_csv_row(d) for d in rows)
        return
    terminal.out.print(_deals_table(rows, terminal.out.width))


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
