"""Deals as a feed: `dealpulse deals --format atom|jsonfeed`, with the recipient filters, read back by
feedparser and checked against the JSON Feed 1.1 spec's rules."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser

from pipeline.db.store import Store
from tests.support.digests import seed_deals
from tests.support.helpers import invoke, write_config

FEED_URL = "https://deals.example.com/deals.atom"


def deals_as(tmp_path: Path, database_url: str, *args: str) -> str:
    config = str(write_config(tmp_path, database_url, {}))
    code, output = invoke("--config", config, "deals", *args)
    assert code == 0, output
    return output


def test_the_atom_feed_reads_back_with_every_deal_its_sources_and_kinds(
    tmp_path: Path, database_url: str, store: Store
) -> None:
    seed_deals(store)
    stored = store.deals.find()
    parsed = feedparser.parse(deals_as(tmp_path, database_url, "--format", "atom", "--feed-url", FEED_URL))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "AI deals (DealPulse)"
    assert any(link.rel == "self" and link.href == FEED_URL for link in parsed.feed.links)
    assert [e.title for e in parsed.entries] == [d.headline for d in stored]  # newest first, as stored
    assert len({e.id for e in parsed.entries}) == len(stored)
    by_title = {e.title: e for e in parsed.entries}
    for deal in stored:
        entry = by_title[deal.headline]
        assert entry.link == deal.sources[0].url
        assert {link.href for link in entry.links} == {s.url for s in deal.sources}
        assert {t.term for t in entry.tags} == {term for term in (deal.type, deal.subtype) if term}
    mistral = next(e for e in parsed.entries if "Mistral" in e.title and "EUR" in e.summary)
    assert "Reported by 2 outlets." in mistral.summary


def test_the_filters_are_a_recipient_s_type_minimum_and_companies(
    tmp_path: Path, database_url: str, store: Store
) -> None:
    seed_deals(store)
    filtered = feedparser.parse(
        deals_as(
            tmp_path,
            database_url,
            "--format",
            "atom",
            "--type",
            "investment",
            "--min-usd",
            "10e6",
            "--company",
            "Mistral AI SAS",
            "--company",
            "Quillmark",
        )
    )
    expected = [
        d.headline
        for d in store.deals.find(event_type="investment", min_usd=10e6, companies=["Mistral", "Quillmark"])
    ]
    assert len(expected) == 2
    assert [e.title for e in filtered.entries] == expected
    assert not feedparser.parse(
        deals_as(tmp_path, database_url, "--format", "atom", "--min-usd", "1e12")
    ).entries


def check_json_feed_1_1(feed: dict[str, Any]) -> None:
    """The spec's rules (jsonfeed.org/version/1.1): version and title required, items an array of
    objects each with a string id and content_html or content_text; dates RFC 3339; URLs absolute;
    extension keys start with an underscore."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str)
    assert feed["title"]
    assert isinstance(feed["items"], list)
    known = {"id", "url", "title", "content_text", "content_html", "date_published", "tags", "summary"}
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert item["id"]
        assert isinstance(item.get("content_text") or item.get("content_html"), str)
        assert set(item) - known <= {k for k in item if k.startswith("_")}
        assert re.fullmatch(r"https?://\S+", item["url"])
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
        assert all(isinstance(tag, str) for tag in item["tags"])


def test_the_json_feed_follows_the_spec_and_carries_each_deal_s_record(
    tmp_path: Path, database_url: str, store: Store
) -> None:
    seed_deals(store)
    feed = json.loads(deals_as(tmp_path, database_url, "--format", "jsonfeed", "--feed-url", FEED_URL))
    check_json_feed_1_1(feed)
    assert feed["feed_url"] == FEED_URL
    stored = store.deals.find()
    assert [item["title"] for item in feed["items"]] == [d.headline for d in stored]
    assert [item["_dealpulse"]["id"] for item in feed["items"]] == [d.id for d in stored]
    empty = json.loads(deals_as(tmp_path, database_url, "--format", "jsonfeed", "--since", "2099-01-01"))
    check_json_feed_1_1(empty)
    assert empty["items"] == []
