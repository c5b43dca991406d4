"""Copying a whole DealPulse database into another, empty one: how a SQLite installation moves to
PostgreSQL. Both are brought to the current schema first; every table is copied in foreign-key order in one
transaction on the target, so a copy that fails leaves the target as empty as it was."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from pipeline.db.migrate import upgrade
from pipeline.db.models import Base
from pipeline.errors import DealPulseError

BATCH_ROWS = 1_000


class CopyError(DealPulseError):
    """The target database cannot take the copy."""


def copy_database(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every row of `source` into `target`, which must hold no feeds and no stories. Returns the rows
    copied, by table."""
    if source.url == target.url:
        raise CopyError("the target is the configured database itself: name another one")
    upgrade(source)
    upgrade(target)
    tables = Base.metadata.sorted_tables  # parents before the rows that point at them
    with target.connect() as probe:
        occupied = [t.name for t in tables if probe.scalar(select(func.count()).select_from(t))]
    if occupied:
        raise CopyError(
            f"the target database is not empty ({', '.join(occupied)} hold rows): copy into an empty one"
        )
    copied: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        for table in tables:
            copied[table.name] = 0
            for rows in _batches(reading, table):
                writing.execute(insert(table), rows)
                copied[table.name] += len(rows)
        if target.dialect.name == "postgresql":
            _continue_sequences(writing, tables)
    return copied


def _batches(connection: Connection, table: Table) -> Iterator[Sequence[dict[str, Any]]]:
    ordered = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH_ROWS).execute(ordered)
    for partition in result.mappings().partitions():
        yield [dict(row) for row in partition]


def _continue_sequences(connection: Connection, tables: Sequence[Table]) -> None:
    """Rows were inserted with their ids: each id sequence goes on after the largest one copied, so the
    next story or deal does not collide with a copied one."""
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        largest = func.max(column)
        sequence = func.pg_get_serial_sequence(table.name, column.name)
        connection.execute(select(func.setval(sequence, func.coalesce(largest, 1), largest.is_not(None))))
