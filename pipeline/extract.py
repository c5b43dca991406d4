"""The trafilatura adapter: page bytes in, ExtractedPage out. Pure and CPU-bound: runs in worker processes.

trafilatura only ever sees bytes we fetched; its own downloader is never used.
"""

from __future__ import annotations

import logging
import warnings
from datetime import UTC, datetime
from typing import Any

from pipeline.records import ExtractedPage
from pipeline.text import collapse_spaces, html_language

_MAX_META_CHARS = 1_000
# A page's date from its markup (meta tags, JSON-LD, <time>, the URL), not from scanning its text: that
# scan (htmldate's extensive search) took 40% of all extraction time on the corpus, and the date it finds
# is only a fallback for a feed entry without one. On the 710 corpus pages: 608 dated this way, 707 with
# the scan, the same date on 605 of the 608.
_DATE_SEARCH = {"extensive_search": False, "original_date": True}


def extract_page(html: bytes, url: str, charset: str | None = None) -> ExtractedPage:
    """Main text and metadata of an HTML page. `text` is None when no main text was found."""
    # Imported here, not at the top: the parent process only hands this function to the workers (whose
    # forkserver preloads trafilatura), and importing it there cost every command 0.2 s of start-up.
    import trafilatura  # noqa: PLC0415

    document: bytes | str = html
    if charset:
        try:
            document = html.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name: let trafilatura guess from the bytes
            document = html
    result: Any = trafilatura.bare_extraction(
        document,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_SEARCH,
    )
    language = html_language(html)
    if result is None:
        return ExtractedPage(text=None, language=language)
    text = (result.text or "").strip()
    return ExtractedPage(
        text=text or None,
        title=_meta(result.title),
        author=_meta(result.author),
        published=_date(result.date),
        site_name=_meta(result.sitename),
        language=language,
        canonical_url=_meta(result.url),
    )


def quiet_worker_logging() -> None:
    """Process-pool initialiser: trafilatura, htmldate and dateutil warn about every odd page; the caller
    reports what matters (no text) itself."""
    warnings.simplefilter("ignore")
    for name in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _meta(value: str | None) -> str | None:
    return collapse_spaces(value)[:_MAX_META_CHARS] or None if value else None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None
