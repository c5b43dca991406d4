"""What `extract_page` gave when it let trafilatura search every metadata field: the reference its lean
metadata search is held to (tests/test_extract.py on fixtures, tests/benchmarks/extraction_quality.py on
the corpus)."""

from __future__ import annotations

from typing import Any

import trafilatura

from pipeline import extract
from pipeline.records import ExtractedPage
from pipeline.text import html_language


def full_metadata_extraction(html: bytes, url: str) -> ExtractedPage | None:
    """bare_extraction with with_metadata=True and DealPulse's other settings; None when trafilatura
    found no document (extract_page then gives a page with no text and no metadata)."""
    result: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=extract.DATE_SEARCH,
    )
    if result is None:
        return None
    return ExtractedPage(
        text=(result.text or "").strip() or None,
        title=extract.meta_text(result.title),
        author=extract.meta_text(result.author),
        published=extract.meta_date(result.date),
        site_name=extract.meta_text(result.sitename),
        language=html_language(html),
        canonical_url=extract.meta_text(result.url),
    )
