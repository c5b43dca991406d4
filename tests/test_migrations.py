"""Schema upgrades are all-or-nothing: a failure or a kill at any statement leaves the database at its old
version, untouched, and the next upgrade succeeds; a database full of stories upgrades from every earlier
revision to head with nothing lost."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect

from pipeline.db.engine import make_engine
from pipeline.db.migrate import alembic_config, upgrade
from pipeline.db.store import Store
from pipeline.errors import DatabaseError

REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]
HEAD = REVISIONS[-1]
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def snapshot(engine: Engine) -> dict[str, Any]:
    """Every table with its columns and row count: what a failed upgrade must leave as it was."""
    inspector = inspect(engine)
    tables: dict[str, Any] = {}
    with engine.connect() as connection:
        for name in sorted(inspector.get_table_names()):
            columns = sorted(column["name"] for column in inspector.get_columns(name))
            rows = connection.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            tables[name] = (columns, rows)
    return tables


@contextmanager
def failing_statement(number: int) -> Iterator[list[str]]:
    """Makes the number-th SQL statement sent by any engine raise, as a crash at that point would stop it."""
    seen: list[str] = []

    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)
        if len(seen) == number:
            raise RuntimeError(f"injected failure at statement {number}: {statement[:60]}")

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", fail)


_SAMPLES: list[tuple[type, Any]] = [
    (sa.Boolean, False),
    (sa.Integer, None),  # the row number
    (sa.Float, 1.5),
    (sa.DateTime, NOW),
    (sa.Date, date(2026, 12, 1)),
    (sa.JSON, ["Acme"]),
]


def _value(column: sa.Column[Any], row: int) -> Any:
    for kind, sample in _SAMPLES:
        if isinstance(column.type, kind):
            return row if sample is None else sample
    length = getattr(column.type, "length", None) or 20
    return f"{column.name}-{row}"[:length]


def fill(engine: Engine, rows: int = 3) -> dict[str, int]:
    """Rows in every table of the schema as it stands (reflected, so this works at any revision), with
    foreign keys pointing at rows that exist. Returns the row count per table."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            for row in range(1, rows + 1):
                values = {
                    column.name: _value(column, row)
                    for column in table.columns
                    if not column.nullable or column.foreign_keys
                }
                connection.execute(table.insert().values(**values))
            counts[table.name] = rows
    return counts


@pytest.mark.parametrize("start", [None, *REVISIONS[:-1]])
def test_each_statement_of_an_upgrade_failing_in_turn_leaves_the_database_as_it_was(
    database_url: str, start: str | None
) -> None:
    engine = make_engine(database_url)
    if start is not None:
        upgrade(engine, start)
        fill(engine)
    before = snapshot(engine)
    number = 1
    while True:
        with failing_statement(number):
            try:
                upgrade(engine)
            except RuntimeError as exc:
                failure = str(exc)
            else:
                break  # the upgrade ran to the end before reaching statement `number`
        assert f"injected failure at statement {number}:" in failure
        assert version(engine) == start, f"failure at statement {number} moved the version"
        assert snapshot(engine) == before, f"failure at statement {number} left a change behind"
        number += 1
    assert number > 5, "the upgrade ran too few statements for this test to mean anything"
    assert version(engine) == HEAD
    engine.dispose()


@pytest.mark.parametrize("start", REVISIONS)
def test_a_database_with_stories_deals_and_digests_upgrades_to_head_with_nothing_lost(
    engine: Engine, start: str
) -> None:
    upgrade(engine, start)
    counts = fill(engine)
    assert counts["articles"] == 3
    upgrade(engine)
    assert version(engine) == HEAD
    after = snapshot(engine)
    for table, rows in counts.items():
        assert after[table][1] == rows, table
    store = Store(engine)
    assert [feed.name for feed in store.feeds.states(["name-1", "name-2", "name-3"])] == [
        "name-1",
        "name-2",
        "name-3",
    ]


def test_a_migration_that_would_break_a_foreign_key_is_refused_whole(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL checks foreign keys itself at each statement")
    upgrade(engine, REVISIONS[0])
    fill(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    with engine.begin() as connection:  # an orphan an older version might have left
        connection.exec_driver_sql("UPDATE articles SET feed_id = 999 WHERE id = 1")
    with pytest.raises(DatabaseError, match="foreign keys"):
        upgrade(engine)
    assert version(engine) == REVISIONS[0]


@pytest.mark.slow
def test_an_upgrade_killed_at_any_moment_leaves_a_database_the_next_start_can_use(tmp_path: Path) -> None:
    """SIGKILL at many delays into `dealpulse db upgrade` on a new SQLite file: the database is either
    untouched or at head, never in between, and the next upgrade succeeds."""
    outcomes = set()
    for step in range(12):
        url = f"sqlite:///{tmp_path / f'kill-{step}.db'}"
        command = [sys.executable, "-m", "pipeline", "--database-url", url, "db", "upgrade"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.25 + step * 0.1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        engine = make_engine(url)
        state = version(engine) if inspect(engine).get_table_names() else None
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert (state is None and not tables) or state == HEAD, (step, state, tables)
        outcomes.add(state)
        upgrade(engine)
        assert version(engine) == HEAD
        engine.dispose()
    assert outcomes, outcomes


@pytest.mark.slow
def test_several_processes_starting_together_on_a_new_database_all_start(
    new_database_url: Callable[[], str], tmp_path: Path
) -> None:
    """Four processes open the same new database at the same moment, five times over: each brings the
    schema up and syncs the feeds table, none fails, and each feed is there once. Each waits for the same
    start time after its imports, so that the first connections (which switch a new SQLite file to WAL)
    do meet."""
    script = (
        "import sys, time\n"
        "from datetime import timedelta\n"
        "from pipeline.config import Settings\n"
        "from pipeline.records import FeedSource\n"
        "from pipeline.runtime import open_store\n"
        "feeds = [FeedSource(name=f'feed-{n}', url=f'http://127.0.0.1:9/{n}', interval=timedelta(minutes=30))"
        " for n in range(5)]\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "open_store(Settings(database_url=sys.argv[1]), feeds).engine.dispose()\n"
    )
    for _ in range(5):
        url = new_database_url()
        start = f"{time.time() + 4:.3f}"
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", script, url, start],
                stderr=subprocess.PIPE,
                text=True,
                cwd=tmp_path.parent,
            )
            for _ in range(4)
        ]
        errors = [process.communicate(timeout=120)[1] for process in processes]
        assert [process.returncode for process in processes] == [0] * 4, "\n".join(errors)
        engine = make_engine(url)
        with engine.connect() as connection:
            names = connection.execute(sa.text("SELECT name FROM feeds ORDER BY name")).scalars().all()
        assert names == [f"feed-{n}" for n in range(5)]
        assert version(engine) == HEAD
        engine.dispose()


def _open_and_upgrade(url: str, start: Any, failures: Any) -> None:
    engine = make_engine(url)
    start.wait()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        upgrade(engine)
        engine.dispose()
    except Exception as exc:  # reported to the test, which fails on it
        failures.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_processes_switching_a_new_sqlite_file_to_wal_at_the_same_instant_all_start(tmp_path: Path) -> None:
    """SQLite refuses a journal switch at once ("database is locked", no busy wait) when several
    connections make it together on a new file: six processes released by one barrier, ten times over,
    each connect to the database and bring its schema up, and none fails."""
    fork = multiprocessing.get_context("fork")
    failures = fork.Queue()
    for attempt in range(10):
        url = f"sqlite:///{tmp_path / f'wal-{attempt}.db'}"
        start = fork.Barrier(6)
        processes = [fork.Process(target=_open_and_upgrade, args=(url, start, failures)) for _ in range(6)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert [process.exitcode for process in processes] == [0] * 6
    reported = []
    while not failures.empty():
        reported.append(failures.get())
    assert reported == []
