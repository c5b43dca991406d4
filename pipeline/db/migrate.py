"""Brings a database's schema up to date with the Alembic migrations shipped with the package."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from alembic import command
from pipeline.db.engine import SQLITE_BUSY_TIMEOUT_MS, use_wal
from pipeline.errors import DatabaseError

# Any fixed number: PostgreSQL advisory lock held while migrating, so two daemons starting together
# do not both run the same migration.
_MIGRATION_LOCK_ID = 0x4445414C


def migrations_dir() -> Path:
    """alembic/ in a source checkout, or pipeline/migrations in an installed package."""
    spec = importlib.util.find_spec("pipeline.migrations")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if (Path(location) / "env.py").exists():
                return Path(location)
    checkout = Path(__file__).resolve().parents[2] / "alembic"
    if (checkout / "env.py").exists():
        return checkout
    raise DatabaseError("the database migrations are missing from this installation")


def alembic_config() -> Config:
    """Alembic's configuration; the connection itself is handed over in config.attributes."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def upgrade(engine: Engine, target: str = "head") -> None:
    """Apply every pending migration, all of them or none: the DDL and the version stamp commit together,
    so a process killed mid-upgrade leaves the database at its old version. Safe to call from several
    processes at once: the first takes a lock (PostgreSQL's advisory lock, SQLite's write lock) and the
    others wait for it, then find the schema current."""
    config = alembic_config()
    migrating = _sqlite_migration_engine(engine) if engine.dialect.name == "sqlite" else engine
    try:
        with migrating.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            config.attributes["connection"] = connection
            command.upgrade(config, target)
            if engine.dialect.name == "sqlite":
                _check_foreign_keys(connection)
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot bring the schema up to date at {engine.url!r}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}"
        ) from exc
    finally:
        if migrating is not engine:
            migrating.dispose()


def _sqlite_migration_engine(engine: Engine) -> Engine:
    """A connection for migrating SQLite in one transaction. Python's sqlite3 module (before 3.12's
    autocommit attribute) opens a transaction only before INSERT, UPDATE and DELETE, so CREATE and ALTER
    would each commit on their own; here the driver's own transaction handling is off and the transaction
    is begun by hand. BEGIN IMMEDIATE takes the write lock first, so a second process waits (busy timeout)
    instead of reading an old version and migrating too. Foreign keys are off, as SQLite requires for
    the table copies that batch migrations make (a PRAGMA inside a transaction is ignored), and checked
    before the commit instead."""
    migrating = create_engine(
        engine.url,
        poolclass=NullPool,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "isolation_level": None},
    )

    @event.listens_for(migrating, "connect")
    def _pragmas(connection: sqlite3.Connection, _record: Any) -> None:
        use_wal(connection)
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    @event.listens_for(migrating, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return migrating


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise DatabaseError(
            f"the migration would break {len(broken)} foreign keys ({table} row {rowid} -> {parent}); "
            "nothing was changed"
        )


def is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() == head
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot read the database at {engine.url!r}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}"
        ) from exc
