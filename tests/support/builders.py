"""Writers of the feeds and pages the tests serve: small, readable, our own words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer

# Fictional news in the style of real leads, long enough to be a story's main text.
PARAGRAPHS = (
    "Quillmark, a London startup building AI agents for insurance claims, said on Tuesday it had raised "
    "$42 million in a Series B round led by Northgate Ventures, with participation from existing backers.",
    "The company plans to use the money to hire engineers in London and Toronto and to expand its claims "
    "assistant to motor and property insurers in Germany and France over the next eighteen months.",
    "Chief executive Mara Ellison said insurers were moving from pilots to production deployments, and that "
    "the number of claims handled by the software had grown fivefold since the start of the year.",
    "Analysts said the round was one of the larger insurance technology financings of the quarter, at a time "
    "when investors are concentrating their bets on companies with recurring revenue from large customers.",
)


@dataclass(frozen=True)
class Item:
    title: str
    link: str
    guid: str | None = None
    description: str = "A short summary written by the feed."
    pub_date: str | None = "Tue, 24 Nov 2026 09:30:00 +0000"


def rss(items: Sequence[Item], title: str = "Test feed", extra_channel: str = "") -> bytes:
    entries = []
    for item in items:
        parts = [
            f"<title>{escape(item.title)}</title>",
            f"<link>{escape(item.link)}</link>",
            f"<description>{escape(item.description)}</description>",
        ]
        if item.guid is not None:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        if item.pub_date is not None:
            parts.append(f"<pubDate>{item.pub_date}</pubDate>")
        entries.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.com/</link><description>d</description>"
        f"{extra_channel}{''.join(entries)}</channel></rss>"
    ).encode()


def article_html(
    title: str,
    paragraphs: Sequence[str] = PARAGRAPHS,
    *,
    canonical: str | None = None,
    lang: str = "en",
    author: str = "Jo Writer",
    date: str = "2026-11-24",
    site: str | None = "Example News",
) -> bytes:
    """A news page; `site=None`: one that names no site (no og:site_name, a bare <title>)."""
    head = [
        f"<title>{escape(title)}{f' | {escape(site)}' if site else ''}</title>",
        f'<meta name="author" content="{escape(author)}">',
        f'<meta property="article:published_time" content="{date}T08:00:00Z">',
    ]
    if site:
        head.append(f'<meta property="og:site_name" content="{escape(site)}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{escape(canonical)}">')
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{"".join(head)}</head><body>'
        '<nav><a href="/">Home</a> <a href="/tech">Tech</a> <a href="/markets">Markets</a></nav>'
        f"<main><article><h1>{escape(title)}</h1>{body}</article></main>"
        f"<footer><p>Copyright {escape(site or 'the publisher')}. All rights reserved.</p></footer>"
        "</body></html>"
    ).encode()


def unique_paragraphs(tag: str) -> list[str]:
    """The stock paragraphs made distinct, so two pages do not share a content hash."""
    return [f"{p} ({tag}, paragraph {i}.)" for i, p in enumerate(PARAGRAPHS)]


DEAL_LEAD = (
    "Quillmark, a London AI startup, raised $42 million in a Series B round led by Northgate Ventures."
)


def serve_one_deal_from_two_outlets(server: HTTPServer) -> dict[str, str]:
    """Two feeds, "wire" and "press", each with one story (GUIDs "w" and "p") about the same funding
    round, told in different words under different URLs, on sites named "Wire" and "Press". Returns the
    feed URLs by name."""
    outlets = {
        "wire": ("w", "/wire/q", "Quillmark raises $42M Series B for AI agents"),
        "press": ("p", "/press/q", "AI startup Quillmark lands $42 million Series B"),
    }
    feeds = {}
    for name, (guid, path, title) in outlets.items():
        server.expect_request(path).respond_with_data(
            article_html(title, [DEAL_LEAD, *unique_paragraphs(path)], site=name.title()),
            content_type="text/html",
        )
        server.expect_request(f"/{name}.xml").respond_with_data(
            rss([Item(title, server.url_for(path), guid=guid, description=DEAL_LEAD)])
        )
        feeds[name] = server.url_for(f"/{name}.xml")
    return feeds
