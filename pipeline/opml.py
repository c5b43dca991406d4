"""Subscription lists in OPML: read (listparser, lenient with real-world files) and written (OPML 2.0).
Pure: bytes in, records out, and records in, text out."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

import listparser

from pipeline.errors import DealPulseError
from pipeline.records import FeedSource
from pipeline.urls import is_http_url

MAX_NAME = 40


class OpmlError(DealPulseError):
    """A file that is no subscription list."""


@dataclass(frozen=True, slots=True)
class ListedFeed:
    """One feed of a subscription list."""

    title: str
    url: str
    tags: tuple[str, ...] = ()


def read_opml(data: bytes, where: str) -> list[ListedFeed]:
    """The http(s) feeds an OPML file lists, each once, in its order. Raises OpmlError naming the file
    when it is no OPML document or lists no feed."""
    parsed = listparser.parse(data)  # bytes: parsed as a document, never fetched
    if not parsed.get("version", "").startswith("opml"):
        raise OpmlError(f"{where}: not an OPML file (no <opml> document with feed outlines)")
    listed: list[ListedFeed] = []
    seen: set[str] = set()
    for feed in parsed.feeds:
        url = str(feed.get("url") or "").strip()
        if not is_http_url(url) or url in seen:
            continue
        seen.add(url)
        title = " ".join(str(feed.get("title") or "").split()) or (urlsplit(url).hostname or url)
        listed.append(ListedFeed(title, url, tuple(dict.fromkeys(str(t) for t in feed.get("tags") or ()))))
    if not listed:
        raise OpmlError(f"{where}: the OPML file lists no http(s) feed")
    return listed


def write_opml(feeds: Sequence[FeedSource], title: str, now: datetime) -> str:
    """An OPML 2.0 subscription list of the feeds, their tags as categories."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        outline = ElementTree.SubElement(
            body, "outline", type="rss", text=feed.name, title=feed.name, xmlUrl=feed.url
        )
        if feed.tags:
            outline.set("category", ",".join(f"/{tag}" for tag in feed.tags))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def feed_name(title: str, url: str, taken: Iterable[str]) -> str:
    """A feeds.yaml name for a feed: its title as a slug ("TechCrunch AI" -> "techcrunch-ai"), else its
    host's, made unique against the names taken ("-2", "-3" ...)."""
    used = set(taken)
    base = _slug(title) or _slug(urlsplit(url).hostname or "") or "feed"
    name, number = base, 2
    while name in used:
        name, number = f"{base[: MAX_NAME - 4]}-{number}", number + 1
    return name


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_NAME].strip("-")
