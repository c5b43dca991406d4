"""Stored deals read as records, with the articles that report them and the confidence they add up to:
what the digest, `dealpulse deals` and its JSON and CSV show. ORM rows stay in here."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pipeline.db.models import Article, Deal, Event, Feed
from pipeline.deals import deal_confidence
from pipeline.records import DigestDeal, SourceLink

_DIGEST_COLUMNS = (
    Deal.id,
    Deal.type,
    Deal.subtype,
    Deal.headline,
    Deal.parties,
    Deal.roles,
    Deal.amount,
    Deal.currency,
    Deal.amount_usd,
    Deal.round,
    Deal.product,
    Deal.rumor,
    Deal.evidence,
    Deal.first_reported_at,
    Deal.valuation,
    Deal.valuation_currency,
)


def digest_queries(ids: Select[int]) -> tuple[Select[*tuple[Any, ...]], ...]:
    """The digest's two statements for the deals whose ids `ids` gives (a subquery, not a list of
    thousands of parameters): the deals, and the events that report them with their articles, earliest
    first."""
    deals = select(*_DIGEST_COLUMNS).where(Deal.id.in_(ids)).order_by(Deal.id)
    # No DISTINCT: it would need published_at in the select list (PostgreSQL), parsed for every row only
    # to be thrown away; an article naming a deal in several events is folded in Python instead.
    sources = (
        select(
            Event.deal_id,
            Event.confidence,
            Article.id,
            Article.title,
            Article.canonical_url,
            Article.site_name,
            Feed.title,
            Feed.name,
        )
        .join(Article, Article.id == Event.article_id)
        .join(Feed, Feed.id == Article.feed_id)
        .where(Event.deal_id.in_(ids))
        .order_by(Event.deal_id, Article.published_at, Article.id)
    )
    return deals, sources


def deal_records(session: Session, ids: Select[int]) -> list[DigestDeal]:
    """The deals whose ids the query gives, with their sources and confidence, as records. Core
    execution and plain tuples rather than ORM objects: the ORM adds nothing to plain columns but time
    per row."""
    deals_query, sources_query = digest_queries(ids)
    connection = session.connection()
    sources: dict[int, dict[int, SourceLink]] = {}  # deal -> article -> its link, in order
    for deal_id, confidence, article_id, title, url, site, feed_title, feed in connection.execute(
        sources_query
    ):
        by_article = sources.setdefault(deal_id, {})
        known = by_article.get(article_id)
        if known is None or confidence > known.confidence:  # one link an article, its best event's
            outlet = outlet_name(site, feed_title, url, feed)
            by_article[article_id] = SourceLink(title, url, outlet, confidence)
    records = []
    for row in connection.execute(deals_query):
        fields = dict(zip((c.key for c in _DIGEST_COLUMNS), row, strict=True))
        links = tuple(sources.get(fields["id"], {}).values())
        best: dict[str, float] = {}
        for link in links:
            best[link.outlet] = max(best.get(link.outlet, 0.0), link.confidence)
        fields["parties"], fields["roles"] = tuple(fields["parties"]), tuple(fields["roles"])
        records.append(DigestDeal(**fields, sources=links, confidence=deal_confidence(best.values())))
    return records


def outlet_name(site_name: str | None, feed_title: str | None, url: str, feed_name: str) -> str:
    """What a source is called: the page's own site name ("TechCrunch"), else the title its feed gives
    itself, else the page's host, else the feed's name in feeds.yaml. The site name comes first: a feed's
    title is often a section's ("TechCrunch » Artificial Intelligence"). A site name that is only the host
    (trafilatura's fallback for a page that names none) counts as none."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if site_name and site_name.lower().removeprefix("www.") in {
        host,
        parts.netloc.lower().removeprefix("www."),
    }:
        site_name = None
    return site_name or (feed_title or "").strip() or host or feed_name
