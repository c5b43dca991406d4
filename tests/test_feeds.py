"""The feedparser adapter on feeds we wrote: formats, broken documents, links, GUIDs and dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import FeedParseError
from pipeline.feeds import parse_feed, plausible_date
from pipeline.records import ParsedFeed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def parse(
    name: str, url: str = "https://news.example.com/feed.xml", content_type: str = "application/rss+xml"
):
    return parse_feed((FEEDS / name).read_bytes(), url=url, headers={"content-type": content_type})


# Each feed document beside the records it must parse into: a change in what the parser yields for any
# of them shows as a diff of plain JSON. Where each was served from, and as what, is part of the pair.
GOLDEN = {
    "rss2.xml": ("https://news.example.com/feed.xml", "application/rss+xml"),
    "atom.xml": ("https://blog.example.org/feed.atom", "application/atom+xml"),
    "rdf.xml": ("https://wire.example.net/rss.rdf", "application/rdf+xml"),
    "malformed.xml": ("https://news.example.com/feed.xml", "application/rss+xml"),
    "duplicate-guids.xml": ("https://news.example.com/feed.xml", "application/rss+xml"),
}


def parsed_json(feed: ParsedFeed) -> dict[str, Any]:
    return {
        "title": feed.title,
        "language": feed.language,
        "skipped": feed.skipped,
        "warning": feed.warning,
        "entries": [
            {
                "guid": e.guid,
                "link": e.link,
                "title": e.title,
                "summary": e.summary,
                "published": e.published.isoformat() if e.published else None,
                "author": e.author,
            }
            for e in feed.entries
        ],
    }


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_each_fixture_feed_parses_into_its_golden_records(name: str, request: pytest.FixtureRequest) -> None:
    url, content_type = GOLDEN[name]
    actual = json.dumps(parsed_json(parse(name, url, content_type)), indent=2, ensure_ascii=False) + "\n"
    path = FEEDS / f"{name}.expected.json"
    if request.config.getoption("--update-golden"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs; review, then --update-golden"


def test_rss2_entries_links_guids_dates_and_skips() -> None:
    feed = parse("rss2.xml")
    assert feed.title == "Example Tech Desk"
    assert feed.language == "en"
    assert feed.warning is None
    # the entry with no link and the javascript: one are skipped and counted, not stored
    assert feed.skipped == 2
    assert [e.title for e in feed.entries] == [
        "Quillmark raises $42M Series B for insurance claims agents",
        "Northwind and Lumen Labs form AI alliance",
        "An entry without a date",
    ]
    first, second, undated = feed.entries
    assert first.guid == "example-1001"
    assert first.link.startswith("https://news.example.com/2026/11/quillmark-series-b?utm_source=rss")
    assert first.published == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)  # +0100 made UTC
    assert first.author == "Jo Writer"
    assert first.summary == "Quillmark, a London startup, raised $42 million & more."
    assert second.guid == second.link  # no <guid>: falls back to the link
    assert undated.published is None


def test_atom_resolves_xml_base_and_relative_links() -> None:
    feed = parse("atom.xml", url="https://blog.example.org/feed.atom", content_type="application/atom+xml")
    tern, cloud = feed.entries
    assert tern.link == "https://blog.example.org/posts/tern-2.html"
    assert tern.title == "Introducing Tern 2, our new model"  # HTML title made text
    assert tern.published == datetime(2026, 11, 24, 13, 15, tzinfo=UTC)
    assert cloud.link == "https://other.example.org/cloud-partnership"
    assert cloud.summary == "We are partnering."


def test_rdf_feed_with_language() -> None:
    feed = parse("rdf.xml", url="https://wire.example.net/rss.rdf", content_type="application/rdf+xml")
    assert feed.language == "de"
    (entry,) = feed.entries
    assert entry.title == "Kestrel AI sammelt 15 Millionen Euro ein"
    assert entry.published == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


def test_malformed_feed_with_readable_entries_is_kept_with_a_warning() -> None:
    feed = parse("malformed.xml")
    assert [e.link for e in feed.entries] == ["https://broken.example.com/a", "https://broken.example.com/b"]
    assert feed.warning is not None
    assert feed.warning.startswith("malformed feed, entries read anyway")


def test_relative_link_resolves_against_the_feed_url() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title><item><title>x</title><link>/stories/7</link>
    </item></channel></rss>"""
    feed = parse_feed(body, url="https://site.example.com/feeds/all.xml", headers={})
    assert feed.entries[0].link == "https://site.example.com/stories/7"


def test_a_guid_shared_by_distinct_links_gives_way_to_the_links() -> None:
    feed = parse("duplicate-guids.xml")
    assert [e.guid for e in feed.entries] == [
        "https://d.example.com/one",
        "https://d.example.com/one-again",
        "other",
    ]
    assert feed.warning == "2 entries share a GUID with another story: each kept under its own link"


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://h/x"]
)
@pytest.mark.parametrize("guid", ["<guid>s1</guid>", '<guid isPermaLink="true">/s1</guid>', ""])
def test_an_unsafe_link_never_falls_back_to_a_guid_that_is_not_an_absolute_url(link: str, guid: str) -> None:
    body = (
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>x</title><link>{link}</link>{guid}</item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url="https://news.example.com/feed.xml", headers={})
    assert (feed.entries, feed.skipped) == ((), 1)


def test_a_guid_that_is_an_absolute_url_stands_in_for_an_unsafe_link() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title><item><title>x</title><link>javascript:x()</link>'
        b'<guid isPermaLink="false">https://news.example.com/s1</guid></item></channel></rss>'
    )
    (entry,) = parse_feed(body, url="https://news.example.com/feed.xml", headers={}).entries
    assert entry.link == "https://news.example.com/s1"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ((FEEDS / "not-a-feed.html").read_bytes(), "text/html", "not a feed: the server sent an HTML page"),
        (b"", "application/rss+xml", "not a feed: the response body is empty"),
        (b"\x00\x01binary garbage\xff", "application/octet-stream", "not a readable feed"),
        (b'{"items": []}', "application/json", "not a readable feed"),
    ],
)
def test_unreadable_documents_raise_a_clear_error(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body, url="https://x.example.com/feed", headers={"content-type": content_type})


def test_empty_but_valid_feed_has_no_entries_and_no_error() -> None:
    feed = parse_feed(
        b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>',
        url="https://q.example.com/",
        headers={},
    )
    assert feed.entries == ()
    assert feed.warning is None


def test_plausible_date_rejects_the_future_and_the_prehistoric() -> None:
    assert plausible_date(datetime(2026, 11, 25, 20, 0, tzinfo=UTC), NOW) is not None  # hours ahead: zones
    assert plausible_date(datetime(2027, 1, 1, tzinfo=UTC), NOW) is None
    assert plausible_date(datetime(1970, 1, 1, tzinfo=UTC), NOW) is None
    assert plausible_date(None, NOW) is None
