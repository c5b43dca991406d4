"""The trafilatura adapter: page bytes in, ExtractedPage out. Pure and CPU-bound: runs in worker processes.

trafilatura only ever sees bytes we fetched; its own downloader is never used.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from datetime import UTC, datetime
from typing import Any

from pipeline.records import ALL_METADATA, ExtractedPage, WantedMetadata
from pipeline.text import collapse_spaces, html_language

_MAX_META_CHARS = 1_000
# A page's date from its markup (meta tags, JSON-LD, <time>, the URL), not from scanning its text: that
# scan (htmldate's extensive search) is the costliest step of extraction, and the date it finds is only a
# fallback for a feed entry without one; the markup dates most pages, and the same way the scan would.
DATE_SEARCH: dict[str, Any] = {"extensive_search": False, "original_date": True}


def extract_page(
    html: bytes, url: str, charset: str | None = None, wanted: WantedMetadata = ALL_METADATA
) -> ExtractedPage:
    """Main text and metadata of an HTML page. `text` is None when no main text was found; so is each of
    title, author and published that `wanted` leaves out."""
    # Imported here, not at the top: the parent process only hands this function to the workers (whose
    # forkserver preloads trafilatura), and importing it there cost every command 0.2 s of start-up.
    import trafilatura  # noqa: PLC0415

    document: bytes | str = html
    if charset:
        try:
            document = html.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name: let trafilatura guess from the bytes
            document = html
    language = html_language(html)
    tree = trafilatura.load_html(document)  # parsed once, for the metadata and (copied) for the text
    if tree is None:
        return ExtractedPage(text=None, language=language)
    result: Any = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True
    )
    if result is None:  # trafilatura found no document worth reading: no metadata either, as before
        return ExtractedPage(text=None, language=language)
    text = (result.text or "").strip()
    try:
        metadata = _metadata(tree, url, wanted)
    except (TypeError, ValueError):  # what bare_extraction catches around its own metadata search
        return ExtractedPage(text=text or None, language=language)  # odd markup costs the metadata only
    return ExtractedPage(
        text=text or None,
        title=meta_text(metadata.title),
        author=meta_text(metadata.author),
        published=meta_date(metadata.date),
        site_name=meta_text(metadata.sitename),
        language=language,
        canonical_url=meta_text(metadata.url),
    )


def _metadata(tree: Any, url: str, wanted: WantedMetadata) -> Any:
    """trafilatura's `extract_metadata`, step for step, for the fields an article keeps: it skips the
    title, author and date searches that `wanted` leaves out, and the categories, tags and licence, which
    an article never keeps: every search skipped is extraction time saved on the cores the fetch shares.
    Each field searched has the value `extract_metadata` gives (tests/test_extract.py checks this on
    fixtures; tests/benchmarks/extraction_quality.py on the corpus, with the time a page takes)."""
    from htmldate import find_date  # noqa: PLC0415
    from trafilatura import metadata as search  # noqa: PLC0415

    found = search.examine_meta(tree)
    if found.author and " " not in found.author:  # as extract_metadata: a one-word author is a handle
        found.author = None
    with contextlib.suppress(Exception):  # as extract_metadata: its JSON-LD reader has bugs; keep the meta
        found = search.extract_meta_json(tree, found)
    if wanted.title and not found.title:
        found.title = search.extract_title(tree)
    if wanted.author and not found.author:
        found.author = search.extract_author(tree)
    if not found.url:
        found.url = search.extract_url(tree, url)
    found.date = find_date(tree, url=found.url, **DATE_SEARCH) if wanted.published else None
    if not found.sitename:
        found.sitename = search.extract_sitename(tree)
    if found.sitename:
        found.sitename = found.sitename.lstrip("@")
        if found.sitename and "." not in found.sitename and not found.sitename[0].isupper():
            found.sitename = found.sitename.title()
    elif found.url and (from_url := search.META_URL.match(found.url)):
        found.sitename = from_url[1]
    if not wanted.title:
        found.title = None  # the meta tags may have given one: not searched for means not returned
    if not wanted.author:
        found.author = None
    found.clean_and_trim()
    return found


def quiet_worker_logging() -> None:
    """Process-pool initialiser: trafilatura, htmldate and dateutil warn about every odd page; the caller
    reports what matters (no text) itself."""
    warnings.simplefilter("ignore")
    for name in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.ERROR)


def meta_text(value: str | None) -> str | None:
    return collapse_spaces(value)[:_MAX_META_CHARS] or None if value else None


def meta_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None
