"""DealPulse's ingest beside its ceiling and a naive baseline, in one run, over the corpus on loopback.

    python -m tests.benchmarks.pipeline_bench CORPUS [--latency 0.15] [--naive-stories 60] [--json F]

A server in its own process serves the corpus folder on 127.0.0.1, waiting `--latency` seconds before each
answer, as the internet would (it rewrites the bench feed's 127.0.0.1:8000 links to its own port). Then, each
phase in a process of its own (so its peak RSS is its own):
  - ceiling: the project's `extract_page` on every page file, on all cores, no network: pages per second;
  - dealpulse: a cold fetch of bench/feeds/bench-all.rss.xml (710 articles) into a fresh SQLite database,
    classification included: articles per second and peak RSS;
  - naive: the loop most hobby scripts use (feedparser on the URL, then each page fetched in turn,
    trafilatura, classify, insert into SQLite), on the first `--naive-stories` entries: articles per second.
Prints one table with the ratios, and writes it as JSON. Not built yet (step 5 goes on): the 304 re-poll of
300 feeds and the comparison with lemon24/reader.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.benchmarks.corpus_server import BENCH_FEED, corpus_server, peak_rss_mb


def serve(corpus: str, latency: float) -> None:
    server = corpus_server(Path(corpus), latency)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def _extract_file(path: str) -> bool:
    from pipeline.extract import extract_page

    return bool(extract_page(Path(path).read_bytes(), f"http://127.0.0.1/{Path(path).name}").text)


def ceiling(corpus: Path) -> dict[str, Any]:
    pages = sorted(str(p) for p in (corpus / "pages" / "html").glob("*.html"))
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        texts = sum(pool.map(_extract_file, pages, chunksize=8))
    seconds = time.perf_counter() - started
    return {
        "pages": len(pages),
        "with_text": texts,
        "seconds": round(seconds, 2),
        "per_s": round(len(pages) / seconds, 1),
    }


def dealpulse(base: str) -> dict[str, Any]:
    import asyncio

    from pipeline.classify import default_classifier
    from pipeline.config import Settings
    from pipeline.records import FeedSource
    from pipeline.runtime import open_runtime, open_store

    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="dealpulse-bench-")),
        allow_public_addresses=False,
        allowed_networks=["127.0.0.0/8"],
        max_connections_per_host=32,  # every page is on one loopback host here; on the web, spread out
        max_new_stories=1000,  # the whole 710-story feed in one cycle, as the benchmark asks
    )
    feed = FeedSource("bench", base + BENCH_FEED, timedelta(minutes=30))
    store = open_store(settings, [feed])

    async def cold() -> int:
        async with open_runtime(settings, store, classifier=default_classifier()) as runtime:
            report = await runtime.ingestor.run_cycle(store.feed_states())
            return report.new_articles

    started = time.perf_counter()
    stored = asyncio.run(cold())
    seconds = time.perf_counter() - started
    store.close()
    return {
        "articles": stored,
        "seconds": round(seconds, 2),
        "per_s": round(stored / seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def naive(base: str, stories: int) -> dict[str, Any]:
    import feedparser
    import trafilatura

    from pipeline.classify import default_classifier
    from pipeline.records import Story

    classifier = default_classifier()
    database = sqlite3.connect(Path(tempfile.mkdtemp(prefix="dealpulse-naive-")) / "naive.db")
    database.execute("CREATE TABLE articles (url TEXT PRIMARY KEY, title TEXT, text TEXT, events TEXT)")
    started = time.perf_counter()
    feed = feedparser.parse(base + BENCH_FEED)
    done = 0
    for entry in feed.entries[:stories]:
        html = urllib.request.urlopen(entry.link, timeout=30).read()
        text = trafilatura.extract(html) or ""
        result = classifier.classify(Story(id=entry.link, title=entry.title, text=text))
        database.execute(
            "INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?)",
            (entry.link, entry.title, text, repr(result.events)),
        )
        database.commit()
        done += 1
    seconds = time.perf_counter() - started
    return {"articles": done, "seconds": round(seconds, 2), "per_s": round(done / seconds, 2)}


def run_phase(phase: str, *args: str) -> dict[str, Any]:
    """A phase in a process of its own; its last stdout line is its JSON."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.pipeline_bench", "--phase", phase, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--naive-stories", type=int, default=60)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "serve":
        serve(str(args.corpus), args.latency)
        return
    if args.phase:
        work = {
            "ceiling": lambda: ceiling(args.corpus),
            "dealpulse": lambda: dealpulse(args.base),
            "naive": lambda: naive(args.base, args.naive_stories),
        }[args.phase]
        print(json.dumps(work()))
        return
    if args.corpus is None or not (args.corpus / BENCH_FEED.lstrip("/")).exists():
        raise SystemExit("pass the shared corpus folder (it holds bench/feeds/bench-all.rss.xml)")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.pipeline_bench",
            str(args.corpus),
            "--phase",
            "serve",
            "--latency",
            str(args.latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        figures = {
            "latency_s": args.latency,
            "ceiling": run_phase("ceiling", str(args.corpus)),
            "dealpulse": run_phase("dealpulse", "--base", base),
            "naive": run_phase("naive", "--base", base, "--naive-stories", str(args.naive_stories)),
        }
    finally:
        server.terminate()
        server.wait()
    figures["dealpulse_vs_ceiling"] = round(figures["dealpulse"]["per_s"] / figures["ceiling"]["per_s"], 2)
    figures["dealpulse_vs_naive"] = round(figures["dealpulse"]["per_s"] / figures["naive"]["per_s"], 1)
    ceiling_, dealpulse_, naive_ = figures["ceiling"], figures["dealpulse"], figures["naive"]
    rows = [
        ("ceiling", ceiling_["per_s"], f"extract_page on {ceiling_['pages']} pages, all cores, no network"),
        (
            "dealpulse",
            dealpulse_["per_s"],
            f"cold fetch of {dealpulse_['articles']}, peak RSS {dealpulse_['peak_rss_mb']} MB",
        ),
        ("naive", naive_["per_s"], f"{naive_['articles']} articles one after another"),
    ]
    print(f"{'phase':<12}{'articles/s':>12}  notes")
    for name, rate, note in rows:
        print(f"{name:<12}{rate:>12}  {note}")
    ratios = figures["dealpulse_vs_ceiling"], figures["dealpulse_vs_naive"]
    print(f"dealpulse / ceiling {ratios[0]}, dealpulse / naive {ratios[1]}x")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
