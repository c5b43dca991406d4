"""A stored deal as JSON and as a CSV row: the one place that says which fields a listing carries. Pure."""

from __future__ import annotations

from typing import Any

from pipeline.records import DigestDeal

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
