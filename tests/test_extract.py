"""The extraction adapter and the pure decisions around it."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.extract import extract_page
from pipeline.ingest import PageResult, build_article, choose_canonical_url
from pipeline.records import ExtractedPage, ExtractionStatus, FeedEntry
from pipeline.text import content_hash, guess_language, html_to_text
from tests.builders import PARAGRAPHS, article_html

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
    assert article.title == "https://n.example.com/b"  # nothing better to show
    assert article.published_at == NOW
    assert article.extraction_error == "HTTP 404 Not Found"
    assert article.language == "de"  # from the feed
    assert article.content_hash is None


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
