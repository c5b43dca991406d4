"""Engines for SQLite and PostgreSQL with the settings each needs to be safe under concurrency."""

from __future__ import annotations

import sqlite3
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
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def insert_ignore(dialect: str, model: Any) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the database's dialect (`session.get_bind().dialect.name`)."""
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    raise NotImplementedError(f"DealPulse supports SQLite and PostgreSQL, not {dialect}")
