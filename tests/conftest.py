"""Shared fixtures: a real threaded HTTP server on 127.0.0.1, a real database (a SQLite file, or a fresh
PostgreSQL schema when DEALPULSE_TEST_DATABASE_URL is set), and settings that point at them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pipeline.config import ENV_PREFIX, Settings
from pipeline.db.engine import make_engine
from pipeline.db.migrate import upgrade
from pipeline.db.store import Store
from pipeline.workers import WorkerPool
from tests.support.loopback import loopback_only

POSTGRES_URL = os.environ.get("DEALPULSE_TEST_DATABASE_URL")
loopback_only()  # no test connects to, or looks up, anything but loopback


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite the golden files from the current output"
    )


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """Replaces pytest-httpserver's own: loopback only, and threaded, so a slow handler blocks no other."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No DEALPULSE_* variable of the developer's shell leaks into a test (the test database URL aside)."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX) and name != "DEALPULSE_TEST_DATABASE_URL":
            monkeypatch.delenv(name)


@pytest.fixture
def new_database_url(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases: a new SQLite file, or a new PostgreSQL schema (dropped after the test)."""
    schemas: list[str] = []

    def make() -> str:
        if not POSTGRES_URL:
            return f"sqlite:///{tmp_path / f'dealpulse-{uuid.uuid4().hex[:8]}.db'}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    admin = create_engine(POSTGRES_URL) if POSTGRES_URL else None
    yield make
    if admin is not None:
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(new_database_url: Callable[[], str]) -> str:
    return new_database_url()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        # Loopback only: whatever a test's feed links to, nothing can reach beyond this machine.
        allow_private_addresses=False,
        allow_public_addresses=False,
        allowed_networks=["127.0.0.0/8", "::1/128"],
        connect_timeout=2,
        request_timeout=4,
        extraction_workers=2,
    )


@pytest.fixture(scope="session")
def workers() -> Iterator[WorkerPool]:
    pool = WorkerPool(2)
    yield pool
    pool.close()
