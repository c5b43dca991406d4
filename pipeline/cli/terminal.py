"""What the command line prints with: the two consoles, tables that fit the terminal, durations, logging."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from rich.console import Console
from rich.table import Table

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


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
                shortened(cell, share) if header in cut else cell
                for header, cell in zip(headers, row, strict=True)
            ),
            style=styles[index] if index < len(styles) else None,
        )
    return table


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    seconds = (when - now).total_seconds()
    return f"in {duration(seconds)}" if seconds > 0 else f"{duration(-seconds)} ago"


def duration(seconds: float) -> str:
    units: list[tuple[str, Callable[[float], float]]] = [
        ("d", lambda s: s // 86400),
        ("h", lambda s: s % 86400 // 3600),
        ("m", lambda s: s % 3600 // 60),
    ]
    parts = [f"{int(f(seconds))}{u}" for u, f in units if f(seconds)]
    return "".join(parts[:2]) or f"{int(seconds)}s"


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
