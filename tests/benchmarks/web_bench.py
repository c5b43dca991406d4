"""The web page over 100,000 deals: each page's time, beside a bare handler on the same server.

    python -m tests.benchmarks.web_bench [--deals 100000] [--runs 20] [--database-url URL]

Fills a fresh database (a SQLite file in a temporary folder unless --database-url is given) with
bigdb's rows, one deal an article, then serves the web app on 127.0.0.1 in this process and times each
page through HTTP (median of --runs requests): the first page of deals, a deep page, a search, filters,
a deal's page, feeds, digests, the Atom feed, /healthz and /metrics. The target: each under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from sqlalchemy import text

from pipeline.db.engine import make_engine
from pipeline.db.figures import stored_figures
from pipeline.db.migrate import upgrade
from pipeline.db.store import Store
from pipeline.metrics import Metrics
from pipeline.web.app import WebContext, make_app
from tests.benchmarks.bigdb import NOW, fill
from tests.support.loopback import loopback_only

TARGET_MS = 200.0


def pages(deals: int) -> list[tuple[str, str]]:
    return [
        ("deals, first page", "/"),
        ("deals, a page 1,000 deep", "/?page=1000"),
        ("search, one match", f"/?q=Company+{deals - 7}+deal"),
        ("search, no match", "/?q=no+such+company"),
        ("filters: type and minimum", "/?type=launch&min_usd=400000000"),
        ("a deal's page", f"/deals/{deals // 2}"),
        ("feeds", "/feeds"),
        ("digests", "/digests"),
        ("Atom feed", "/deals.atom"),
        ("/healthz", "/healthz"),
        ("/metrics", "/metrics"),
    ]


async def timed(app: web.Application, paths: list[tuple[str, str]], runs: int) -> dict[str, float]:
    medians: dict[str, float] = {}
    async with TestServer(app, host="127.0.0.1") as server, ClientSession() as session:
        for name, path in [("bare aiohttp handler (baseline)", "/bare"), *paths]:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                async with session.get(server.make_url(path)) as response:
                    await response.read()
                    if response.status != 200:
                        raise SystemExit(f"{path}: HTTP {response.status}")
                times.append((time.perf_counter() - started) * 1000)
            medians[name] = statistics.median(times)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    loopback_only()  # this process talks to 127.0.0.1 and ::1 only
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='dealpulse-web-')) / 'web.db'}"
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    fill(engine, args.deals, deal_every=1)
    print(f"filled {args.deals:,} deals in {time.perf_counter() - started:.0f} s ({engine.dialect.name})")
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    store = Store(engine)
    app = make_app(
        WebContext(store=store, metrics=Metrics(lambda: stored_figures(engine)), clock=lambda: NOW)
    )

    async def bare(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get("/bare", bare)
    medians = asyncio.run(timed(app, pages(args.deals), args.runs))
    baseline = medians["bare aiohttp handler (baseline)"]
    print(f"{'page':40} {'median ms':>10} {'x baseline':>11} {'target':>8} {'met':>4}")
    for name, ms in medians.items():
        met = "" if name.startswith("bare") else ("yes" if ms < TARGET_MS else "NO")
        target = "" if name.startswith("bare") else f"< {TARGET_MS:.0f}"
        print(f"{name:40} {ms:10.1f} {ms / baseline:11.1f} {target:>8} {met:>4}")
    store.close()


if __name__ == "__main__":
    main()
