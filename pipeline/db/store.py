"""The Store: the database as three tables' worth of plain methods over typed records (`feeds`,
`articles`, `deals`; the digest ledger is `db/ledger.py`). Each method is its own transaction, except that
a new story, its classification and its deals are written in one."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.articles import ArticleTable
from pipeline.db.deals import DealTable
from pipeline.db.feeds import FeedTable


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        dialect = engine.dialect.name
        self.feeds = FeedTable(self._sessions, dialect)
        self.deals = DealTable(self._sessions)
        self.articles = ArticleTable(self._sessions, dialect, self.deals)
        # How many threads should write stories at once. SQLite takes one writer at a time: more threads
        # only wait for its lock and for the GIL in each other's turns, which costs CPU the extraction
        # needs. PostgreSQL takes several (deal merges still queue for the lock).
        self.writer_threads = 1 if dialect == "sqlite" else 4

    def session(self) -> Session:
        """A session for read-only inspection (tests, reports)."""
        return self._sessions()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
