"""Step 5's benchmark: DealPulse beside its ceiling, a naive loop and a peer feed reader, in one run.

    python -m tests.benchmarks.pipeline_bench CORPUS [--latency 0.15] [--rounds 5] [--naive-stories 100]
        [--bigdb-articles 1000000] [--json FILE]

A server in its own process serves the corpus folder on 127.0.0.1, waiting `--latency` seconds before each
answer, as the internet would (it rewrites the bench feed's 127.0.0.1:8000 links to its own port, and
answers If-Modified-Since with 304 as http.server does; it keeps connections alive, as web servers do). Then
each phase runs in a process of its own (its
peak RSS is its own, and none warms another's caches), with a tripwire that refuses any connection or name
lookup beyond loopback:
  - ceiling: the project's `extract_page` on every page file, on all cores, no network: pages per second
    (each page asked for the metadata its bench feed entry lacks, as in the cold fetch);
  - dealpulse: a cold fetch of bench/feeds/bench-all.rss.xml (710 articles) into a fresh SQLite database,
    classification included: articles per second, peak RSS (of the main process, and of the whole process
    tree sampled from /proc), and the main process's CPU time; then the same with rules-2, the baseline
    classifier; the ceiling and these phases alternate for `--rounds` rounds (the machine is shared and
    noisy): the table gives each one's median and the median of the rounds' ratios;
  - naive: the loop most hobby scripts use (feedparser on the URL, then each page fetched in turn,
    trafilatura, classify, insert into SQLite), on `--naive-stories` entries spread over the feed;
  - feeds: DealPulse's feed stage alone (fetch, parse, find new stories, record the feed's state) on the
    289 real feeds: feeds per second;
  - reader: lemon24/reader's update_feeds on the same 289 feeds into a fresh database, with its default of
    one worker and with as many workers as DealPulse has connections: feeds per second;
  - repoll: 300 feeds (the 289, and 11 of them again under a second URL) fetched once, then re-polled
    while unchanged, so each answers 304 (the 4 HTML pages among them are errors, fetched whole again):
    seconds for the whole cycle, beside bare aiohttp making the same 300 requests (the server's floor);
  - bigdb: tests.benchmarks.bigdb on a database of `--bigdb-articles` articles (0 skips it): dedupe lookups
    beside a full scan (ratio: times faster), the digest query, with their query plans (in the JSON), and
    digest selection and rendering for 5,000 deals.
Prints one table of figures, baselines, ratios and targets, and writes everything as JSON.

DealPulse runs with its default settings except two, which the table's notes repeat: every page and feed
here is on one host (127.0.0.1), where on the web they are spread over many, so the per-host limit is
raised to the global one (32); and the whole 710-story feed is taken in one cycle (max_new_stories).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.benchmarks.corpus_server import (
    BENCH_FEED,
    TreeMemory,
    corpus_feed_files,
    corpus_server,
    peak_rss_mb,
    run_phase_process,
)
from tests.support.loopback import loopback_only

REPOLL_FEEDS = 300
CONNECTIONS = 32  # DealPulse's default max_connections; here also the per-host limit (one host)


def serve(corpus: Path, latency: float) -> None:
    server = corpus_server(corpus, latency)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def corpus_feeds(corpus: Path) -> list[str]:
    """The 289 real feeds' paths on the server."""
    return [f"/feeds/{p.name}" for p in corpus_feed_files(corpus)]


# --- extraction ceiling and naive baseline ------------------------------------------------------------


def _extract_file(path: str, wanted: Any) -> bool:
    from pipeline.extract import extract_page

    page = extract_page(Path(path).read_bytes(), f"http://127.0.0.1/{Path(path).name}", None, wanted)
    return bool(page.text)


def bench_wanted(corpus: Path) -> dict[str, Any]:
    """Page file name -> the metadata a cold fetch of the bench feed asks that page for: what its entry
    lacks (`ingest.wanted_metadata`, as the fetch decides it)."""
    from pipeline.feeds import parse_feed
    from pipeline.ingest import wanted_metadata

    feed_path = corpus / BENCH_FEED.lstrip("/")
    entries = parse_feed(feed_path.read_bytes(), url="http://127.0.0.1:8000" + BENCH_FEED, headers={}).entries
    now = datetime.now(UTC)
    return {Path(entry.link).name: wanted_metadata(entry, now) for entry in entries}


def ceiling(corpus: Path) -> dict[str, Any]:
    """Each page extracted as the cold fetch extracts it: the metadata its bench feed entry lacks is
    searched for, the rest is not."""
    wanted = bench_wanted(corpus)
    pages = sorted(str(p) for p in (corpus / "pages" / "html").glob("*.html"))
    asked = [wanted[Path(page).name] for page in pages]
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        texts = sum(pool.map(_extract_file, pages, asked, chunksize=8))
    seconds = time.perf_counter() - started
    return {
        "pages": len(pages),
        "with_text": texts,
        "seconds": round(seconds, 2),
        "per_s": len(pages) / seconds,
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
    step = max(1, len(feed.entries) // stories)  # spread over the feed: every source set, not the first
    done = 0
    for entry in feed.entries[::step][:stories]:
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
    return {"articles": done, "seconds": round(seconds, 2), "per_s": done / seconds}


# --- DealPulse ----------------------------------------------------------------------------------------


@dataclass
class Bench:
    """A fresh DealPulse store and settings for one phase."""

    settings: Any
    store: Any


def fresh_dealpulse(feeds: dict[str, str]) -> Bench:
    from pipeline.config import Settings
    from pipeline.records import FeedSource
    from pipeline.runtime import open_store

    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="dealpulse-bench-")),
        allow_public_addresses=False,
        allowed_networks=["127.0.0.0/8"],
        max_connections=CONNECTIONS,
        max_connections_per_host=CONNECTIONS,  # one loopback host stands for many web hosts
        max_new_stories=1000,  # the whole 710-story feed in one cycle
    )
    sources = [FeedSource(name, url, timedelta(minutes=30)) for name, url in feeds.items()]
    return Bench(settings, open_store(settings, sources))


def dealpulse(base: str, baseline: bool = False) -> dict[str, Any]:
    """The cold fetch, with the default classifier or the baseline, rules-2."""
    from pipeline.classify import RulesClassifier, default_classifier
    from pipeline.runtime import open_runtime

    bench = fresh_dealpulse({"bench": base + BENCH_FEED})
    classifier = RulesClassifier() if baseline else default_classifier()

    async def cold() -> int:
        async with open_runtime(bench.settings, bench.store, classifier=classifier) as runtime:
            report = await runtime.ingestor.run_cycle(bench.store.feeds.states())
            return report.new_articles

    with TreeMemory() as memory:
        cpu_before, started = cpu_seconds(), time.perf_counter()
        stored = asyncio.run(cold())
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
    bench.store.close()
    children = [mb for pid, mb in memory.peak_by_pid.items() if pid != os.getpid()]
    return {
        "classifier": classifier.version,
        "articles": stored,
        "seconds": round(seconds, 2),
        "per_s": stored / seconds,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "tree_peak_rss_mb": round(memory.peak_total_mb, 1),
        "largest_child_rss_mb": round(max(children, default=0.0), 1),
        "main_cpu_ms_per_article": round(cpu / stored * 1000, 2) if stored else None,
    }


def cpu_seconds() -> float:
    """CPU time of this process so far (user and system), not of its workers."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def feed_stage(bench: Bench) -> list[Any]:
    """Every feed through DealPulse's feed stage at once; each feed's state (result, validators, next
    fetch) recorded as a cycle records it (a batch per transaction). No page is fetched."""
    from pipeline.ingest import FeedRead
    from pipeline.records import FeedOutcome, FeedResult
    from pipeline.runtime import open_runtime

    now = datetime.now(UTC)
    store = bench.store

    async def one(runtime: Any, feed: Any) -> Any:
        read = await runtime.ingestor.read_feed(feed, now)
        outcome, validators = read, (None, None)
        if isinstance(read, FeedRead):
            outcome = FeedOutcome(
                feed.name, feed.url, FeedResult.OK, http_status=200, entries_seen=len(read.parsed.entries)
            )
            validators = read.validators
        await runtime.ingestor.record_outcome(feed, outcome, now, validators)
        return read

    async with open_runtime(bench.settings, store, classifier=None) as runtime:
        return list(await asyncio.gather(*(one(runtime, feed) for feed in store.feeds.states())))


def feeds(base: str, corpus: Path) -> dict[str, Any]:
    from pipeline.ingest import FeedRead

    bench = fresh_dealpulse({path: base + path for path in corpus_feeds(corpus)})
    started = time.perf_counter()
    reads = asyncio.run(feed_stage(bench))
    seconds = time.perf_counter() - started
    bench.store.close()
    parsed = [r for r in reads if isinstance(r, FeedRead)]
    return {
        "feeds": len(reads),
        "parsed": len(parsed),
        "new_stories": sum(len(r.stories) for r in parsed),
        "seconds": round(seconds, 2),
        "per_s": len(reads) / seconds,
    }


def repoll(base: str, corpus: Path) -> dict[str, Any]:
    from pipeline.records import FeedResult
    from pipeline.runtime import open_runtime

    paths = corpus_feeds(corpus)
    urls = [base + p for p in paths] + [f"{base}{p}?copy=2" for p in paths[: REPOLL_FEEDS - len(paths)]]
    bench = fresh_dealpulse({f"feed-{n}": url for n, url in enumerate(urls)})
    asyncio.run(feed_stage(bench))  # the first poll: every feed's validators stored

    async def cycle() -> Any:
        async with open_runtime(bench.settings, bench.store, classifier=None) as runtime:
            started = time.perf_counter()
            report = await runtime.ingestor.run_cycle(bench.store.feeds.states())
            return report, time.perf_counter() - started

    report, seconds = asyncio.run(cycle())
    requests = [(f.url, f.etag, f.last_modified) for f in bench.store.feeds.states()]
    bench.store.close()
    results = [o.result for o in report.outcomes]
    return {
        "feeds": len(results),
        "not_modified": results.count(FeedResult.NOT_MODIFIED),
        "seconds": round(seconds, 3),
        "floor_seconds": round(asyncio.run(bare_conditional_gets(requests)), 3),
    }


async def bare_conditional_gets(requests: list[tuple[str, str | None, str | None]]) -> float:
    """The floor under the re-poll: bare aiohttp making the same conditional requests, as many at a time as
    DealPulse, and doing nothing with the answers: what the server and the latency cost by themselves."""
    import aiohttp

    slots = asyncio.Semaphore(CONNECTIONS)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS)) as session:

        async def one(url: str, etag: str | None, last_modified: str | None) -> None:
            headers = {"If-None-Match": etag} if etag else {}
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            async with slots, session.get(url, headers=headers) as response:
                await response.read()

        started = time.perf_counter()
        await asyncio.gather(*(one(*request) for request in requests))
        return time.perf_counter() - started


# --- the peer: lemon24/reader -------------------------------------------------------------------------


def reader(base: str, corpus: Path) -> dict[str, Any]:
    import reader as reader_package

    figures: dict[str, Any] = {"version": reader_package.__version__}
    for workers in (1, CONNECTIONS):
        folder = Path(tempfile.mkdtemp(prefix="dealpulse-reader-"))
        with reader_package.make_reader(str(folder / "reader.sqlite")) as peer:
            for path in corpus_feeds(corpus):
                peer.add_feed(base + path)
            started = time.perf_counter()
            peer.update_feeds(workers=workers)
            seconds = time.perf_counter() - started
            ok = sum(1 for feed in peer.get_feeds() if feed.last_exception is None)
            figures[f"workers_{workers}"] = {
                "feeds": len(corpus_feeds(corpus)),
                "updated_without_error": ok,
                "entries": peer.get_entry_counts().total,
                "seconds": round(seconds, 2),
                "per_s": len(corpus_feeds(corpus)) / seconds,
            }
    return figures


# --- the run ------------------------------------------------------------------------------------------


def run_phase(phase: str, *args: str) -> dict[str, Any]:
    """A phase in a process of its own; its last stdout line is its JSON."""
    return run_phase_process("tests.benchmarks.pipeline_bench", "--phase", phase, *args)


def bigdb(articles: int) -> dict[str, Any] | None:
    if articles <= 0:
        return None
    out = Path(tempfile.mkdtemp(prefix="dealpulse-bigdb-json-")) / "bigdb.json"
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bigdb", "--articles", str(articles), "--json", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    figures: dict[str, Any] = json.loads(out.read_text())
    return figures


def summarise_rounds(
    ceilings: list[dict[str, Any]], colds: list[dict[str, Any]], rules_colds: list[dict[str, Any]]
) -> dict[str, Any]:
    """Each measure's median over the rounds, and the median of the rounds' ratios (each ratio taken
    between a ceiling and the cold fetches run right after it, with the default classifier and with
    rules-2)."""
    median = statistics.median

    def cold(runs: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "classifier": runs[0]["classifier"],
            "per_s": median(d["per_s"] for d in runs),
            "articles": runs[0]["articles"],
            "peak_rss_mb": max(d["peak_rss_mb"] for d in runs),
            "tree_peak_rss_mb": max(d["tree_peak_rss_mb"] for d in runs),
            "largest_child_rss_mb": max(d["largest_child_rss_mb"] for d in runs),
            "main_cpu_ms_per_article": median(d["main_cpu_ms_per_article"] for d in runs),
        }

    def vs_ceiling(runs: list[dict[str, Any]]) -> float:
        return median(d["per_s"] / c["per_s"] for c, d in zip(ceilings, runs, strict=True))

    return {
        "ceiling": {"per_s": median(c["per_s"] for c in ceilings), "pages": ceilings[0]["pages"]},
        "dealpulse": cold(colds),
        "dealpulse_rules": cold(rules_colds),
        "dealpulse_vs_ceiling": vs_ceiling(colds),
        "rules_vs_ceiling": vs_ceiling(rules_colds),
    }


@dataclass(frozen=True)
class Row:
    measure: str
    value: float
    unit: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


def table(f: dict[str, Any]) -> list[Row]:
    dp, ceil, nv, fs, rd, rp = (f[k] for k in ("dealpulse", "ceiling", "naive", "feeds", "reader", "repoll"))
    reader_one, reader_many = rd["workers_1"], rd[f"workers_{CONNECTIONS}"]
    vs_ceiling, vs_naive = f["dealpulse_vs_ceiling"], dp["per_s"] / nv["per_s"]
    rules, vs_rules = f["dealpulse_rules"], f["rules_vs_ceiling"]
    rows = [
        Row("extraction ceiling", ceil["per_s"], "pages/s", "all cores, no network"),  # medians of rounds
        Row(
            f"cold fetch, 710 articles, {dp['classifier']}",
            dp["per_s"],
            "articles/s",
            f"ceiling {ceil['per_s']:.1f}",
            vs_ceiling,
            "0.80-0.84",
            vs_ceiling >= 0.80,
        ),
        Row(
            f"cold fetch, 710 articles, {rules['classifier']}",
            rules["per_s"],
            "articles/s",
            f"ceiling {ceil['per_s']:.1f}",
            vs_rules,
            "",
        ),
        Row(
            f"{dp['classifier']}'s ratio less {rules['classifier']}'s",
            vs_ceiling - vs_rules,
            "",
            target=">= -0.05",
            met=vs_ceiling - vs_rules >= -0.05,
        ),
        Row(
            "cold fetch vs naive loop",
            dp["per_s"],
            "articles/s",
            f"naive {nv['per_s']:.2f}",
            vs_naive,
            ">= 10x",
            vs_naive >= 10,
        ),
        Row("peak RSS, cold fetch", dp["peak_rss_mb"], "MB", target="< 300", met=dp["peak_rss_mb"] < 300),
        Row(
            "peak RSS, cold fetch, process tree",
            dp["tree_peak_rss_mb"],
            "MB",
            f"largest worker {dp['largest_child_rss_mb']:.0f} MB",
            target="< 600",
            met=dp["tree_peak_rss_mb"] < 600,
        ),
        Row("main-process CPU, cold fetch", dp["main_cpu_ms_per_article"], "ms/article"),
        Row(
            "feed stage, 289 feeds",
            fs["per_s"],
            "feeds/s",
            f"reader {reader_one['per_s']:.1f} (1 worker)",
            fs["per_s"] / reader_one["per_s"],
            ">= 1",
            fs["per_s"] >= reader_one["per_s"],
        ),
        Row(
            "feed stage, 289 feeds",
            fs["per_s"],
            "feeds/s",
            f"reader {reader_many['per_s']:.1f} ({CONNECTIONS} workers)",
            fs["per_s"] / reader_many["per_s"],
            ">= 1",
            fs["per_s"] >= reader_many["per_s"],
        ),
        Row(
            f"re-poll, {rp['feeds']} feeds, {rp['not_modified']} x 304",
            rp["seconds"],
            "s",
            f"bare aiohttp {rp['floor_seconds']:.2f} s",
            rp["seconds"] / rp["floor_seconds"],
            "< 2 s",
            rp["seconds"] < 2,
        ),
    ]
    big = f.get("bigdb")
    if big:
        scan = big["baseline_full_scan_ms"]
        millions = f"{big['articles'] / 1e6:g}M articles"
        for key, label in (
            ("dedupe_guids_ms", "dedupe by GUID"),
            ("dedupe_urls_ms", "dedupe by URL"),
            ("dedupe_text_hash_ms", "dedupe by text hash"),
        ):
            rows.append(
                Row(
                    f"{label}, {millions}",
                    big[key],
                    "ms",
                    f"full scan {scan:.0f} ms",
                    scan / big[key],  # times faster than the scan
                    "< 50 ms",
                    big[key] < 50,
                )
            )
        digest = f"{big['digest_deals']:,} deals"
        for measure, key, limit_ms in (
            (f"digest query, SQL, {digest}", "digest_sql_ms", 50),
            (f"digest query + records, {digest}", "digest_query_ms", 50),
            (f"digest query + records, {big['digest_day_deals']} deals", "digest_day_query_ms", 50),
            (f"select + render {digest}", "digest_select_and_render_ms", 1000),
        ):
            rows.append(Row(measure, big[key], "ms", target=f"< {limit_ms} ms", met=big[key] < limit_ms))
    return rows


def print_table(rows: list[Row]) -> None:
    print(f"{'measure':<44}{'value':>10} {'unit':<11}{'baseline':<28}{'ratio':>8}  {'target':<10}met")
    for r in rows:
        ratio = "" if r.ratio is None else f"{r.ratio:,.{2 if r.ratio < 10 else 1 if r.ratio < 100 else 0}f}"
        met = "" if r.met is None else "yes" if r.met else "NO"
        value = f"{r.value:.1f}" if r.value >= 1 else f"{r.value:.3f}"
        print(f"{r.measure:<44}{value:>10} {r.unit:<11}{r.baseline:<28}{ratio:>8}  {r.target:<10}{met}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the ceiling and the cold fetch")
    parser.add_argument("--naive-stories", type=int, default=100)
    parser.add_argument("--bigdb-articles", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, default=Path("pipeline_bench.json"))
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    loopback_only()
    if args.phase == "serve":
        serve(args.corpus, args.latency)
        return
    if args.phase:
        work = {
            "ceiling": lambda: ceiling(args.corpus),
            "dealpulse": lambda: dealpulse(args.base),
            "dealpulse-rules": lambda: dealpulse(args.base, baseline=True),
            "naive": lambda: naive(args.base, args.naive_stories),
            "feeds": lambda: feeds(args.base, args.corpus),
            "reader": lambda: reader(args.base, args.corpus),
            "repoll": lambda: repoll(args.base, args.corpus),
        }[args.phase]
        print(json.dumps(work()))
        return
    if args.corpus is None or not (args.corpus / BENCH_FEED.lstrip("/")).exists():
        raise SystemExit("pass the shared corpus folder (it holds bench/feeds/bench-all.rss.xml)")
    corpus = str(args.corpus)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.pipeline_bench",
            corpus,
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
        figures: dict[str, Any] = {"latency_s": args.latency, "cores": os.cpu_count()}
        # the ceiling and the cold fetch alternate, so a slow spell of the machine hits both alike
        for _ in range(args.rounds):
            for phase in ("ceiling", "dealpulse", "dealpulse-rules"):
                print(f"running {phase} ...", file=sys.stderr, flush=True)
                figures.setdefault(f"{phase}_rounds", []).append(run_phase(phase, corpus, "--base", base))
        figures.update(
            summarise_rounds(
                figures["ceiling_rounds"], figures["dealpulse_rounds"], figures["dealpulse-rules_rounds"]
            )
        )
        for phase, extra in (
            ("naive", ["--naive-stories", str(args.naive_stories)]),
            ("feeds", []),
            ("reader", []),
            ("repoll", []),
        ):
            print(f"running {phase} ...", file=sys.stderr, flush=True)
            figures[phase] = run_phase(phase, corpus, "--base", base, *extra)
    finally:
        server.terminate()
        server.wait()
    print(f"running bigdb ({args.bigdb_articles:,} articles) ...", file=sys.stderr, flush=True)
    figures["bigdb"] = bigdb(args.bigdb_articles)
    rows = table(figures)
    figures["table"] = [r.__dict__ for r in rows]
    print_table(rows)
    if figures["bigdb"]:
        print(f"query plans ({figures['bigdb']['database']}):")
        for query, steps in figures["bigdb"]["plans"].items():
            print(f"  {query}: " + "; ".join(steps))
    args.json.write_text(json.dumps(figures, indent=2))
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
