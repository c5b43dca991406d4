"""Brings a database's schema up to date with the Alembic migrations shipped with the package."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from alembic import command
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


def upgrade(engine: Engine) -> None:
    """Apply every pending migration. Safe to call from several processes at once."""
    config = alembic_config()
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot bring the schema up to date at {engine.url!r}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}"
        ) from exc


def is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
