"""Stored deals as JSON, CSV rows, an Atom feed and a JSON Feed: the one place that says which fields a
listing carries. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from pipeline.digest.render import amount_line, roles_line, summary
from pipeline.records import DigestDeal
from pipeline.text import counted

ATOM = "http://www.w3.org/2005/Atom"
FEED_ID = "urn:dealpulse:deals"
DEALS_FEED_TITLE = "AI deals (DealPulse)"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

DEAL_CSV_COLUMNS = [
    "id",
    "first_reported",
    "type",
    "subtype",
    "headline",
    "parties",
    "roles",
    "amount",
    "currency",
    "amount_usd",
    "round",
    "valuation",
    "valuation_currency",
    "product",
    "rumor",
    "confidence",
    "outlets",
    "source_urls",
]


def deal_json(deal: DigestDeal) -> dict[str, Any]:
    """Every field, the sources as objects (title, URL, outlet, the confidence of the deal in it)."""
    return {
        "id": deal.id,
        "first_reported": deal.first_reported_at.isoformat(),
        "type": deal.type,
        "subtype": deal.subtype,
        "headline": deal.headline,
        "parties": list(deal.parties),
        "roles": list(deal.roles),
        "amount": deal.amount,
        "currency": deal.currency,
        "amount_usd": deal.amount_usd,
        "round": deal.round,
        "valuation": deal.valuation,
        "valuation_currency": deal.valuation_currency,
        "product": deal.product,
        "rumor": deal.rumor,
        "confidence": deal.confidence,
        "outlets": deal.outlets,
        "sources": [
            {"title": s.title, "url": s.url, "outlet": s.outlet, "confidence": s.confidence}
            for s in deal.sources
        ],
    }


def deal_csv_row(deal: DigestDeal) -> dict[str, Any]:
    """The JSON's fields flat: lists joined with "; ", the sources' URLs joined with spaces (a URL holds
    no space)."""
    record = deal_json(deal)
    record["source_urls"] = " ".join(s.url for s in deal.sources)
    lists = {"parties", "roles"}
    return {key: "; ".join(record[key]) if key in lists else record[key] for key in DEAL_CSV_COLUMNS}


def deal_text(deal: DigestDeal) -> str:
    """What a feed entry says of a deal beside its headline: amount, the other parties, the evidence, and
    how many outlets reported it."""
    lines = [
        line
        for line in (
            amount_line(deal) if deal.type == "investment" else None,
            roles_line(deal),
            "Rumour: not confirmed." if deal.rumor else None,
            summary(deal) or None,
            f"Reported by {counted(deal.outlets, 'outlet')}." if deal.sources else None,
        )
        if line
    ]
    return "\n".join(lines)


def deals_atom(deals: Sequence[DigestDeal], *, title: str, feed_url: str | None, now: datetime) -> bytes:
    """An Atom feed (RFC 4287) of the deals, newest first: each entry's alternate link the first article
    that reported it (the others "related"), its categories the deal's type and kind. Written with
    ElementTree: feedgen, the library for this, drops every entry link's rel (python-feedgen#135)."""
    feed = ElementTree.Element("feed", xmlns=ATOM)
    _text(feed, "id", feed_url or FEED_ID)
    _text(feed, "title", title)
    _text(feed, "updated", max((d.first_reported_at for d in deals), default=now).isoformat())
    _text(ElementTree.SubElement(feed, "author"), "name", "DealPulse")
    _text(feed, "generator", "DealPulse")
    if feed_url:
        ElementTree.SubElement(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    for deal in deals:
        entry = ElementTree.SubElement(feed, "entry")
        _text(entry, "id", f"{FEED_ID}:{deal.id}")
        _text(entry, "title", deal.headline)
        _text(entry, "published", deal.first_reported_at.isoformat())
        _text(entry, "updated", deal.first_reported_at.isoformat())
        for index, source in enumerate(deal.sources):
            relation = "alternate" if index == 0 else "related"
            ElementTree.SubElement(entry, "link", rel=relation, href=source.url, title=source.outlet)
        _text(entry, "summary", deal_text(deal))
        for term in (deal.type, deal.subtype):
            if term:
                ElementTree.SubElement(entry, "category", term=term)
    ElementTree.indent(feed)
    document: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _text(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text


def deals_json_feed(deals: Sequence[DigestDeal], *, title: str, feed_url: str | None) -> dict[str, Any]:
    """A JSON Feed 1.1 of the deals, newest first; each item carries the deal's full record under
    `_dealpulse` (the spec's way to extend an item)."""
    feed: dict[str, Any] = {"version": JSON_FEED_VERSION, "title": title}
    if feed_url:
        feed["feed_url"] = feed_url
    feed["items"] = [
        {
            "id": f"{FEED_ID}:{deal.id}",
            **({"url": deal.sources[0].url} if deal.sources else {}),
            "title": deal.headline,
            "content_text": deal_text(deal),
            "date_published": deal.first_reported_at.isoformat(),
            "tags": [term for term in (deal.type, deal.subtype) if term],
            "_dealpulse": deal_json(deal),
        }
        for deal in deals
    ]
    return feed
