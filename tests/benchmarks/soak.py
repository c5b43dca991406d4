"""Soak: many fetch cycles over the corpus's 289 real feeds, memory measured as it goes.

    python -m tests.benchmarks.soak ../shared/corpus [--cycles 200] [--fresh-every 10] [--json out.json]

The corpus is served from 127.0.0.1 by a server started here, with ETag/Last-Modified, so most polls are 304s
as in real life; every `--fresh-every` cycles the validators are dropped and the feeds parsed in full again.
Article links point at the original sites, which this run refuses (public addresses off): those stories are
stored with their feed summaries, as a daemon without network would store them. One process, a fresh SQLite
database in a temporary folder. Prints the resident memory (RSS) at the first cycle, at each tenth of the run
and at the end, and its growth from the first cycle after warm-up to the last, beside the same measure of
this process idle for a while (the noise floor).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import resource
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import update

from pipeline.classify import default_classifier
from pipeline.config import Settings
from pipeline.db.models import Feed
from pipeline.records import FeedSource
from pipeline.runtime import open_runtime, open_store
from tests.benchmarks.corpus_server import corpus_feed_files, corpus_server, peak_rss_mb
from tests.support.loopback import loopback_only


def rss_mb() -> float:
    """Resident memory now, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = corpus_server(folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="the shared corpus folder")
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--fresh-every", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    loopback_only()  # this process talks to 127.0.0.1 and ::1 only, whatever it is given
    logging.basicConfig(level=logging.ERROR)  # feeds failing every cycle would otherwise fill the screen
    feed_files = corpus_feed_files(args.corpus)
    if not feed_files:
        raise SystemExit(f"no feeds under {args.corpus / 'feeds'}: pass the shared corpus folder")
    server, base = serve(args.corpus)
    folder = Path(tempfile.mkdtemp(prefix="dealpulse-soak-"))
    settings = Settings(
        data_dir=folder,
        allow_public_addresses=False,
        allowed_networks=["127.0.0.0/8"],
        max_connections_per_host=16,
        extraction_workers=2,
    )
    feeds = [FeedSource(p.stem, f"{base}/feeds/{p.name}", timedelta(minutes=30)) for p in feed_files]
    store = open_store(settings, feeds)
    samples: list[tuple[int, float, float]] = []  # cycle, RSS MB, seconds
    objects: dict[int, int] = {}  # cycle -> live Python objects, to tell a Python leak from allocator noise

    async def soak() -> None:
        async with open_runtime(settings, store, classifier=default_classifier()) as runtime:
            for cycle in range(1, args.cycles + 1):
                if cycle % args.fresh_every == 0:
                    with store.engine.begin() as connection:
                        connection.execute(update(Feed).values(etag=None, last_modified=None))
                started = time.perf_counter()
                await runtime.ingestor.run_cycle(store.feeds.states())
                samples.append((cycle, rss_mb(), time.perf_counter() - started))
                if cycle in (args.fresh_every + 1, args.cycles):
                    gc.collect()
                    objects[cycle] = len(gc.get_objects())
                if cycle == 1 or cycle % max(1, args.cycles // 10) == 0:
                    print(f"cycle {cycle:4d}: RSS {samples[-1][1]:7.1f} MB, {samples[-1][2]:5.2f} s")

    began = time.perf_counter()
    asyncio.run(soak())
    elapsed = time.perf_counter() - began
    connections = store.engine.pool.checkedin()
    store.close()
    server.shutdown()

    # the baseline: this same process, idle for as long, to show what the machine's noise alone does
    idle_start = rss_mb()
    time.sleep(min(5.0, elapsed / 10))
    idle_end = rss_mb()
    warm = samples[min(len(samples) - 1, args.fresh_every)]  # after the first full re-parse: caches filled
    figures = {
        "cycles": args.cycles,
        "feeds": len(feeds),
        "rss_first_mb": round(samples[0][1], 1),
        "rss_after_warmup_mb": round(warm[1], 1),
        "rss_last_mb": round(samples[-1][1], 1),
        "rss_growth_after_warmup_mb": round(samples[-1][1] - warm[1], 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "median_cycle_s": round(statistics.median(s for _, _, s in samples), 3),
        "baseline_idle_growth_mb": round(idle_end - idle_start, 1),
        "python_objects_after_warmup": objects.get(args.fresh_every + 1),
        "python_objects_last": objects.get(args.cycles),
        "database_connections_pooled": connections,
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
