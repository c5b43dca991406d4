"""Engines for SQLite and PostgreSQL with the settings each needs to be safe under concurrency."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, Insert, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from pipeline.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for url. A SQLite file's folder is created; WAL lets readers and one writer overlap.
    JSON columns (a deal's parties and roles) are read with orjson: with json.loads, decoding them is a
    large share of reading a digest's deals."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, json_deserializer=orjson.loads
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping: a PostgreSQL restarted under a long-running daemon costs one reconnect, not a failed cycle.
    try:
        return create_engine(
            url, pool_pre_ping=True, pool_size=5, max_overflow=5, json_deserializer=orjson.loads
        )
    except ImportError as exc:
        raise DatabaseError(
            f"{parsed.get_backend_name()} needs its driver ({exc.name or exc}), which is not installed: "
            "pip install 'dealpulse[postgres]'"
        ) from None


def _sqlite_pragmas(connection: sqlite3.Connection, _record: Any) -> None:
    use_wal(connection)
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def use_wal(connection: sqlite3.Connection) -> None:
    """Put the database in WAL mode. SQLite answers "database is locked" at once, without waiting out the
    busy timeout, when several processes open a new database and switch its journal together; so the
    switch is tried again until the busy timeout has passed."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL").close()
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def insert_ignore(dialect: str, model: Any) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the database's dialect (`session.get_bind().dialect.name`)."""
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    raise NotImplementedError(f"DealPulse supports SQLite and PostgreSQL, not {dialect}")
