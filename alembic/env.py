"""Alembic environment: migrates the connection DealPulse hands over, or the configured database."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from pipeline.config import load_settings_only
from pipeline.db.engine import make_engine
from pipeline.db.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def run(connection: Connection) -> None:
    # Batch mode: SQLite cannot ALTER most things, so changes are made by copying the table.
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


def url_from_settings() -> str:
    return load_settings_only().effective_database_url


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or url_from_settings())
    with engine.begin() as connection:
        run(connection)
