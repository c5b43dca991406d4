"""The extraction adapter and the pure decisions around it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from html import escape

import pytest

from pipeline.extract import extract_page
from pipeline.ingest import PageResult, build_article, checked_page, choose_canonical_url, wanted_metadata
from pipeline.records import ExtractedPage, ExtractionStatus, FeedEntry, WantedMetadata
from pipeline.text import content_hash, guess_language, html_to_text
from tests.support.builders import PARAGRAPHS, article_html
from tests.support.extraction_reference import full_metadata_extraction

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
ENTRY = FeedEntry(
    guid="g",
    link="https://news.example.com/a?utm_source=x",
    title="Feed title",
    summary="Feed summary.",
    published=datetime(2026, 11, 25, tzinfo=UTC),
)


def test_extract_page_text_and_metadata() -> None:
    page = extract_page(
        article_html("Quillmark raises $42M", canonical="https://news.example.com/q"),
        "https://news.example.com/q?x=1",
    )
    assert page.text is not None
    assert PARAGRAPHS[0] in page.text
    assert "Copyright Example News" not in page.text
    assert page.title is not None
    assert page.title.startswith("Quillmark raises $42M")
    assert page.author == "Jo Writer"
    assert page.published == datetime(2026, 11, 24, tzinfo=UTC)
    assert page.site_name == "Example News"
    assert page.language == "en"
    assert page.canonical_url == "https://news.example.com/q"


def _page(head: str, body_top: str, paragraphs: tuple[str, ...] = PARAGRAPHS) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>'
        f"<main><article>{body_top}{body}</article></main><footer><p>Footer links.</p></footer></body></html>"
    ).encode()


# Pages whose metadata comes from each place trafilatura looks: meta tags, JSON-LD, or the markup only.
METADATA_PAGES = {
    "meta tags": article_html("Quillmark raises $42M", canonical="https://news.example.com/q"),
    "json-ld": _page(
        "<title>Ignored title</title>"
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Northgate backs Quillmark", "datePublished": "2026-11-20T09:30:00Z",'
        ' "author": {"@type": "Person", "name": "Ana Lopez"},'
        ' "publisher": {"@type": "Organization", "name": "Wire Daily"}}</script>',
        "<h1>Northgate backs Quillmark</h1>",
    ),
    "markup only": _page(
        "<title>Quillmark opens a Paris office | news.example.com</title>"
        '<meta property="og:url" content="https://news.example.com/2026/11/18/quillmark-paris">'
        '<link rel="canonical" href="/2026/11/18/quillmark-paris">',
        '<h1>Quillmark opens a Paris office</h1><p class="byline">By Sam Keller</p>'
        '<time datetime="2026-11-18">18 November 2026</time>',
    ),
    "handle as site name": _page(
        '<meta name="twitter:site" content="@examplenews"><meta name="author" content="jo">'
        '<meta property="og:title" content="Ben &amp;amp; Jerry&amp;#39;s AI fund">',  # escaped twice
        "<h2>Ben &amp; Jerry's AI fund</h2>",
    ),
}


@pytest.mark.parametrize("name", METADATA_PAGES)
def test_extract_page_metadata_is_trafilaturas(name: str) -> None:
    url = "https://news.example.com/feed-link"
    page = extract_page(METADATA_PAGES[name], url)
    assert page.text is not None
    assert page == full_metadata_extraction(METADATA_PAGES[name], url)


def test_the_metadata_pages_cover_each_fallback() -> None:
    """The pages above are only a check if they reach the searches the lean path re-implements."""
    url = "https://news.example.com/feed-link"
    pages = {name: extract_page(html, url) for name, html in METADATA_PAGES.items()}
    assert pages["json-ld"].author == "Ana Lopez"
    assert pages["json-ld"].site_name == "Wire Daily"
    assert pages["markup only"].title == "Quillmark opens a Paris office"
    assert pages["markup only"].author == "Sam Keller"
    assert pages["markup only"].published == datetime(2026, 11, 18, tzinfo=UTC)
    assert pages["markup only"].site_name == "news.example.com"
    assert pages["markup only"].canonical_url == "https://news.example.com/2026/11/18/quillmark-paris"
    assert pages["handle as site name"].site_name == "Examplenews"
    assert pages["handle as site name"].author is None  # a one-word author is taken for a handle
    assert pages["handle as site name"].title == "Ben & Jerry's AI fund"


def test_extract_page_skips_the_metadata_not_wanted() -> None:
    url = "https://news.example.com/feed-link"
    for html in METADATA_PAGES.values():
        full = extract_page(html, url)
        lean = extract_page(html, url, wanted=WantedMetadata(title=False, author=False, published=False))
        assert lean == dataclasses.replace(full, title=None, author=None, published=None)
        only_author = extract_page(html, url, wanted=WantedMetadata(title=False, published=False))
        assert only_author == dataclasses.replace(full, title=None, published=None)


def test_wanted_metadata_is_what_the_feed_entry_lacks() -> None:
    assert wanted_metadata(ENTRY, NOW) == WantedMetadata(title=False, author=True, published=False)
    complete = dataclasses.replace(ENTRY, author="Jo Writer")
    assert wanted_metadata(complete, NOW) == WantedMetadata(title=False, author=False, published=False)
    bare = dataclasses.replace(ENTRY, title="", published=None)
    assert wanted_metadata(bare, NOW) == WantedMetadata(title=True, author=True, published=True)
    # a date build_article would reject (too far in the future) is as good as none
    future = dataclasses.replace(ENTRY, published=NOW + timedelta(days=3))
    assert wanted_metadata(future, NOW).published


def test_extract_page_uses_the_declared_charset() -> None:
    html = (
        article_html(
            "Société Générale et l'IA",
            ["Une phrase en français, avec des accents : é, è, à. " * 8],
            lang="fr",
        )
        .decode()
        .replace('<meta charset="utf-8">', "")
        .encode("latin-1")
    )
    page = extract_page(html, "https://x.example.fr/a", charset="iso-8859-1")
    assert page.text is not None
    assert "accents : é, è, à" in page.text
    assert page.language == "fr"


def test_extract_page_with_no_main_text() -> None:
    assert extract_page(b"<html><body></body></html>", "https://x.example.com/").text is None
    assert extract_page(b"", "https://x.example.com/").text is None


def test_build_article_prefers_page_text_and_feed_metadata() -> None:
    page = ExtractedPage(
        text="Page text " * 60,
        title="Page title",
        author="Page Author",
        published=datetime(2026, 11, 20, tzinfo=UTC),
        site_name="Site",
        language="en",
    )
    article = build_article(7, ENTRY, PageResult(ExtractionStatus.EXTRACTED, page), NOW, None)
    assert (article.text, article.title, article.published_at) == (page.text, "Feed title", ENTRY.published)
    assert article.canonical_url == "https://news.example.com/a"
    assert article.content_hash == content_hash(page.text or "")
    assert article.content_hash is not None


def test_build_article_falls_back_to_the_summary_and_fetch_time() -> None:
    entry = FeedEntry(
        guid="g",
        link="https://n.example.com/b",
        title="",
        summary="Only the summary.",
        published=datetime(2031, 1, 1, tzinfo=UTC),
    )  # absurd: in the future
    article = build_article(
        7, entry, PageResult(ExtractionStatus.FETCH_FAILED, error="HTTP 404 Not Found"), NOW, "de"
    )
    assert article.text == "Only the summary."
    assert article.title == "n.example.com"  # nothing better to show than where it came from
    assert article.published_at == NOW
    assert article.extraction_error == "HTTP 404 Not Found"
    assert article.language == "de"  # from the feed
    assert article.content_hash is None


@pytest.mark.parametrize(
    ("text", "summary", "status"),
    [
        ("menu", "", ExtractionStatus.EMPTY),
        ("x" * 199, "", ExtractionStatus.EMPTY),
        ("x" * 200, "", ExtractionStatus.EXTRACTED),
        ("x" * 300, "y" * 400, ExtractionStatus.EMPTY),  # the feed says more than the page
        ("x" * 400, "y" * 300, ExtractionStatus.EXTRACTED),
    ],
)
def test_a_scrap_of_a_page_does_not_count_as_its_text(
    text: str, summary: str, status: ExtractionStatus
) -> None:
    result = checked_page(PageResult(ExtractionStatus.EXTRACTED, ExtractedPage(text=text)), summary)
    assert result.status is status
    assert (result.error is None) == (status is ExtractionStatus.EXTRACTED)


def test_build_article_without_title_summary_or_page_still_has_text() -> None:
    entry = FeedEntry(
        guid="g", link="https://n.example.com/2026/quill-raises-40m", title="", summary="", published=None
    )
    article = build_article(7, entry, PageResult(ExtractionStatus.FETCH_FAILED, error="timed out"), NOW, None)
    assert (article.title, article.text) == ("Quill raises 40m", "Quill raises 40m")


def test_choose_canonical_url() -> None:
    link = "https://www.news.example.com/amp/story-1"
    assert (
        choose_canonical_url(link, "https://news.example.com/2026/story-1")
        == "https://news.example.com/2026/story-1"
    )
    assert choose_canonical_url(link, None) == link
    assert choose_canonical_url(link, "https://news.example.com/") == link  # the home page: a template bug
    assert choose_canonical_url(link, "https://aggregator.example.net/story-1") == link  # another site
    assert choose_canonical_url(link, "not a url") == link


def test_content_hash_ignores_case_and_spacing_and_skips_thin_texts() -> None:
    text = "Quillmark raised money. " * 30
    assert content_hash(text) == content_hash("  " + text.upper().replace(" ", "\n "))
    assert content_hash("Subscribe to read this article.") is None


def test_language_helpers() -> None:
    assert guess_language(" ".join(PARAGRAPHS)) == "en"
    german = (
        "Das Unternehmen hat eine Finanzierungsrunde abgeschlossen und will mit dem Geld die Entwicklung " * 3
    )
    assert guess_language(german) == "de"
    assert guess_language("too short") is None
    assert html_to_text("<p>A <b>bold</b> &amp; <i>brave</i></p>") == "A bold & brave"
