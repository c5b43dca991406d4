"""`dealpulse db copy`: a whole database (a SQLite file here) copied into an empty one, the suite's own
database (SQLite, or PostgreSQL when the suite runs there): every row the same, and the copy goes on
from there."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from pipeline.db.engine import make_engine
from pipeline.db.ledger import Ledger
from pipeline.db.migrate import upgrade
from pipeline.db.models import Base
from pipeline.db.store import Store
from tests.support.deal_stories import launch, store_story
from tests.support.digests import SEND, seed_deals, send_ana_s_digest
from tests.support.helpers import invoke


def seeded_source(tmp_path: Path) -> str:
    """A SQLite database with stories, deals, a revision and a sent digest."""
    url = f"sqlite:///{tmp_path / 'old' / 'dealpulse.db'}"
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine)
    seed_deals(store)
    send_ana_s_digest(store, tmp_path / "outbox")
    engine.dispose()
    return url


def every_row(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row) for row in connection.execute(select(table).order_by(*table.primary_key)).mappings()
            ]
            for table in Base.metadata.sorted_tables
        }


def test_a_copied_database_holds_every_row_and_goes_on_from_them(tmp_path: Path, database_url: str) -> None:
    source_url = seeded_source(tmp_path)
    code, output = invoke("--database-url", source_url, "db", "copy", "--to", database_url)
    assert code == 0, output
    assert "copied" in output
    source, target = make_engine(source_url), make_engine(database_url)
    try:
        before, after = every_row(source), every_row(target)
        assert all(
            before[name] for name in ("feeds", "articles", "deals", "events", "digests", "digest_deals")
        )
        assert after == before
        copy = Store(target)
        assert copy.deals.find() == Store(source).deals.find()
        assert Ledger(target).entries() == Ledger(source).entries()
        # new rows take new ids: the copy's sequences go on after the copied ones
        later = SEND + timedelta(days=1)
        new_id = store_story(copy, [launch("Quillmark", "Claimbot")], published_at=later, recorded_at=later)
        assert new_id > max(row["id"] for row in before["articles"])
        assert len(copy.deals.find()) == len(before["deals"]) + 1
    finally:
        source.dispose()
        target.dispose()


def test_a_copy_into_a_database_that_holds_rows_is_refused_and_changes_nothing(
    tmp_path: Path, database_url: str
) -> None:
    source_url = seeded_source(tmp_path)
    assert invoke("--database-url", source_url, "db", "copy", "--to", database_url)[0] == 0
    target = make_engine(database_url)
    try:
        copied = every_row(target)
        code, output = invoke("--database-url", source_url, "db", "copy", "--to", database_url)
        assert code == 1
        assert "the target database is not empty" in output
        assert every_row(target) == copied
    finally:
        target.dispose()


def test_a_bad_target_gets_a_one_line_error(tmp_path: Path) -> None:
    source_url = seeded_source(tmp_path)
    code, output = invoke("--database-url", source_url, "db", "copy", "--to", "mysql://root@127.0.0.1/x")
    assert code == 2
    assert "mysql is not supported" in output
    code, output = invoke("--database-url", source_url, "db", "copy", "--to", source_url)
    assert code == 1
    assert "the target is the configured database itself" in output
