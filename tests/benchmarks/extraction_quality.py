"""Extraction quality against the corpus's gold texts, and CPU per page, beside trafilatura's defaults.

    python -m tests.benchmarks.extraction_quality ../shared/corpus [--json out.json]

On each of the 710 pages, one after the other in one process (their order rotated page by page, so a slow
spell of the machine hits all alike), it runs:
  - dealpulse: `extract_page` as the cold fetch of the bench feed calls it (each page asked for the
    metadata its feed entry lacks: the author, as the bench feed gives titles and dates);
  - dealpulse-all-metadata: `extract_page` asked for every field;
  - trafilatura-defaults: `trafilatura.extract(html)`, the naive loop's call (text only, no metadata);
  - trafilatura-with-metadata: `bare_extraction(with_metadata=True)` with DealPulse's other settings, the
    call `extract_page` made before it searched only the fields an article keeps.
Quality, by the gold's kind: F1 over 4-token shingles for full gold texts (`.txt`, by source set) and the
L3S headline + full text; for trafilatura's own evaluation pages, the share of must-appear snippets found
and of must-not-appear snippets absent. It also counts the pages where DealPulse's title, author, date,
site name or canonical URL differ from trafilatura's `extract_metadata` (the lean search must give the
same values).

trafilatura's defaults keep reader comments; DealPulse leaves them out (a comment is not the story, and its
company names would be read as the story's). The dragnet gold includes comments, so there the defaults score
higher (0.91 against 0.72 in one run); on AEB and newspaper, whose gold is the article alone, lower.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from pipeline import extract
from pipeline.extract import extract_page
from pipeline.records import ALL_METADATA, ExtractedPage, WantedMetadata
from tests.benchmarks.pipeline_bench import bench_wanted
from tests.support.extraction_reference import full_metadata_extraction
from tests.support.loopback import loopback_only

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))} if words else set()


def f1(guess: str, gold: str) -> float:
    found, wanted = shingles(guess), shingles(gold)
    common = len(found & wanted)
    if not common:
        return 0.0
    precision, recall = common / len(found), common / len(wanted)
    return 2 * precision * recall / (precision + recall)


def _squeezed(text: str) -> str:
    return " ".join(text.split()).lower()


def score(text: str, gold_path: Path, source_set: str, scores: dict[str, list[float]]) -> None:
    """Adds this page's figures to `scores`, by kind of gold (full texts by source set)."""
    if gold_path.suffix == ".txt":
        gold_text = gold_path.read_text(errors="replace")
        scores.setdefault(f"f1 {source_set.split('-', maxsplit=1)[0]}", []).append(f1(text, gold_text))
        return
    gold = json.loads(gold_path.read_text())
    if "fulltext" in gold:  # L3S: headline and full-text blocks
        scores.setdefault("f1 L3S", []).append(f1(text, " ".join(gold["headline"] + gold["fulltext"])))
    elif "with" in gold:  # trafilatura's evaluation: snippets that must / must not appear
        squeezed = _squeezed(text)
        found = scores.setdefault("snippets found", [])
        found.extend(float(_squeezed(s) in squeezed) for s in gold["with"] if s)
        kept_out = scores.setdefault("snippets kept out", [])
        kept_out.extend(float(_squeezed(s) not in squeezed) for s in gold["without"] if s)


def _defaults(html: bytes, url: str) -> str:
    return trafilatura.extract(html) or ""


def _with_metadata(html: bytes, url: str) -> str:
    page = full_metadata_extraction(html, url)
    return (page.text or "") if page is not None else ""


def variants(wanted: dict[str, WantedMetadata]) -> dict[str, Callable[[bytes, str], str]]:
    """The calls compared; `wanted` is what the cold fetch of the bench feed asks each page for."""

    def as_the_cold_fetch(html: bytes, url: str) -> str:
        return extract_page(html, url, None, wanted[url.rsplit("/", 1)[1]]).text or ""

    return {
        "dealpulse": as_the_cold_fetch,
        "dealpulse-all-metadata": lambda html, url: extract_page(html, url).text or "",
        "trafilatura-defaults": _defaults,
        "trafilatura-with-metadata": _with_metadata,
    }


def metadata_differs(html: bytes, url: str) -> bool:
    """Whether extract_page, asked for every field, differs from trafilatura searching them all."""
    page = extract_page(html, url, None, ALL_METADATA)
    reference = full_metadata_extraction(html, url)
    return page != (reference or ExtractedPage(text=None, language=page.language))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    loopback_only()
    warnings.simplefilter("ignore")
    extract.quiet_worker_logging()
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    index = args.corpus / "pages" / "INDEX.tsv"
    if not index.exists():
        raise SystemExit(f"no {index}: pass the shared corpus folder")
    rows = list(csv.DictReader(index.open(encoding="utf-8"), delimiter="\t"))
    calls = variants(bench_wanted(args.corpus))
    names = list(calls)
    cpu = dict.fromkeys(names, 0.0)
    scores: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    differing = []
    for n, row in enumerate(rows):
        html = (args.corpus / "pages" / "html" / f"{row['id']}.html").read_bytes()
        url = f"http://127.0.0.1/{row['id']}.html"
        golds = [args.corpus / "pages" / part for part in row["gold_file"].split(";")]
        gold = next((g for g in golds if g.suffix == ".json"), golds[0])
        for name in names[n % len(names) :] + names[: n % len(names)]:
            started = time.process_time()
            text = calls[name](html, url)
            cpu[name] += time.process_time() - started
            score(text, gold, row["source_set"], scores[name])
        if metadata_differs(html, url):
            differing.append(row["id"])
    results: dict[str, Any] = {"pages": len(rows), "metadata_differs_from_trafilatura": differing}
    for name in names:
        figures = {kind: round(sum(v) / len(v), 4) for kind, v in scores[name].items()}
        results[name] = {"ms_per_page": round(1000 * cpu[name] / len(rows), 1), **figures}
        print(
            f"{name:<27}{results[name]['ms_per_page']:6.1f} ms/page  "
            + "  ".join(f"{kind} {value:.3f}" for kind, value in figures.items())
        )
    counts = {kind: len(v) for kind, v in scores[names[0]].items()}
    print("scored: " + ", ".join(f"{kind} on {count}" for kind, count in counts.items()))
    print(f"pages whose metadata differs from trafilatura's extract_metadata: {len(differing)} {differing}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
