"""What the database holds, counted by kind: the gauges /metrics shows and the last fetch /healthz
judges. A few GROUP BY queries, each over one table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import InstrumentedAttribute

from pipeline.db.models import Article, Deal, DigestRecord, Event, Feed
from pipeline.records import StoredFigures

_LAST_FETCH = select(func.max(Feed.last_fetch_at))


def last_fetch_at(engine: Engine) -> datetime | None:
    """When any feed was last fetched."""
    with engine.connect() as connection:
        return connection.scalar(_LAST_FETCH)


def stored_figures(engine: Engine) -> StoredFigures:
    with engine.connect() as connection:

        def by(column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None]) -> dict[str, int]:
            query = select(column, func.count()).group_by(column)
            return {str(key or "none"): int(count) for key, count in connection.execute(query)}

        extraction = by(Article.extraction_status)
        return StoredFigures(
            stories=sum(extraction.values()),
            stories_by_extraction=extraction,
            deals_by_type=by(Deal.type),
            events_by_type=by(Event.type),
            feeds_by_result=by(Feed.last_result),
            digests_by_status=by(DigestRecord.status),
            last_fetch_at=connection.scalar(_LAST_FETCH),
        )
