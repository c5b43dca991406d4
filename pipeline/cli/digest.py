"""`dealpulse digest`: preview, send and list the daily digests."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.table import Table

from pipeline.cli import terminal
from pipeline.cli.app import CommandFailure, Options, cli
from pipeline.cli.terminal import ago, configure_logging
from pipeline.clock import utc_now
from pipeline.config import Config
from pipeline.db.ledger import Ledger, LedgerEntry
from pipeline.digest.service import DigestService
from pipeline.notify import NotificationService
from pipeline.records import Recipient
from pipeline.runtime import digest_service, notification_service, open_store, open_store_for_reading
from pipeline.text import counted


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
            _send_digests(service, config, notification_service(config, store))
        else:
            assert preview_path is not None
            _preview_digest(service, config, preview_path, day.date() if day else None, address)


def _send_digests(service: DigestService, config: Config, notifications: NotificationService) -> None:
    if not config.recipients:
        terminal.out.print(f"no recipients in {config.path}: nothing to send")
        return
    deliveries = service.send_due(utc_now())
    if not deliveries:
        terminal.out.print("no digest due now")
    for delivery in deliveries:
        terminal.out.print(
            f"{delivery.digest_date} {delivery.recipient}: {delivery.outcome}, "
            f"{counted(delivery.deals, 'deal')}: {delivery.detail}"
        )
    notified = notifications.send_due(utc_now())
    for notice in notified:
        terminal.out.print(
            f"{notice.recipient} -> {notice.destination}: {notice.outcome}, {counted(notice.deals, 'deal')}"
            + (f": {notice.detail}" if notice.outcome == "failed" else "")
        )
    if any(d.outcome == "failed" for d in deliveries):
        raise CommandFailure(
            "a digest was not delivered; it stays pending and is retried (see `dealpulse digest --list`)"
        )
    if any(n.outcome == "failed" for n in notified):
        raise CommandFailure(
            "a notification was not delivered; it stays pending and is retried (see `dealpulse status`)"
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
        raise CommandFailure(f"{path}: cannot write the preview: {exc.strerror or exc}") from None
    terminal.out.print(
        f"{rendered.subject}\nwrote {path} and {path.with_suffix('.txt')} (nothing sent or recorded)"
    )


def _recipient(config: Config, address: str | None) -> Recipient:
    if address is None:
        return config.recipients[0] if config.recipients else Recipient("preview@localhost")
    for recipient in config.recipients:
        if recipient.address.lower() == address.lower():
            return recipient
    known = ", ".join(r.address for r in config.recipients) or "none"
    raise CommandFailure(f"--to {address}: not a recipient in {config.path} (recipients: {known})")


def _print_ledger(entries: Sequence[LedgerEntry]) -> None:
    table = Table(title="Digests")
    for column in ("date", "recipient", "status", "deals", "attempts", "sent", "subject / last error"):
        table.add_column(column, justify="right" if column in ("deals", "attempts") else "left")
    now = utc_now()
    for entry in entries:
        if entry.status == "pending" and entry.next_attempt_at:
            status = f"pending, next try {ago(entry.next_attempt_at, now)}"
        else:
            status = entry.status
        table.add_row(
            f"{entry.digest_date}",
            entry.recipient,
            status,
            str(entry.deal_count),
            str(entry.attempts),
            ago(entry.sent_at, now),
            entry.last_error or entry.subject or "",
            style="red" if entry.last_error else None,
        )
    terminal.out.print(table)
