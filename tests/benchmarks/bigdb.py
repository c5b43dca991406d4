"""A database of a million articles, and the queries that must stay fast on it.

    python -m tests.benchmarks.bigdb [--articles 1000000] [--database-url URL] [--json out.json]

Makes a fresh database (a SQLite file in a temporary folder unless --database-url is given) with the
project's schema and fills it: 50 feeds, N articles each with its feed item (texts as long as the
corpus's: 5.7 KB on average), a deal for every 20th article (the last 5,000 recorded in the last day) with
its event. Then times each of these (median of several runs)
beside a baseline, a full scan of the articles table (what a lookup without an index would cost), and prints
the plan the database chose:
  - the dedupe lookups ingest makes for a feed of 50 entries (GUIDs, canonical URLs, a text hash);
  - the digest query: the deals recorded since the last digest that the recipient has not had, and their
    sources; its SQL alone (executed and fetched), and with the records built, for the last day's 5,000
    deals and for an ordinary day (one deal every 10 minutes);
  - digest selection and rendering for 5,000 deals.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from pipeline.db.deal_records import digest_queries
from pipeline.db.engine import make_engine
from pipeline.db.ledger import Ledger, candidates_window
from pipeline.db.migrate import upgrade
from pipeline.db.models import Article, Deal, Event, Feed, FeedItem
from pipeline.db.store import Store
from pipeline.digest.render import Footer, render
from pipeline.digest.select import build_digest
from pipeline.records import Recipient
from tests.support.loopback import loopback_only

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
FEEDS = 50
BATCH = 20_000


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# Article texts as long as real ones: the corpus's 710 gold texts have a median of 2.7 KB and a mean of
# 5.7 KB. The lengths cycle through this spread (median 3.4 KB, mean 5.7 KB). On SQLite a text longer than
# a page spills into overflow pages, and reading any column stored after it (published_at, site_name: the
# digest's sources read both) walks that chain: with texts of a few bytes every lookup looked cheaper
# than it is.
TEXT_LENGTHS = (700, 1_500, 2_700, 3_400, 3_400, 6_000, 9_000, 19_000)
_FILLER = " ".join(
    f"word{n % 97} and the {n % 13}th clause of a sentence about company {n % 31}." for n in range(3_000)
)


def article_text(i: int) -> str:
    """Story i's text: its own opening words, then filler up to a realistic length."""
    length = TEXT_LENGTHS[i % len(TEXT_LENGTHS)]
    offset = (i * 7919) % (len(_FILLER) - length)
    return f"text of story {i}. " + _FILLER[offset : offset + length]


def fill(engine: Engine, articles: int, deal_every: int = 20) -> None:
    """The feeds, `articles` articles each with its feed item, and a deal (with its event) for every
    `deal_every`-th article, the last 5,000 recorded in the last day."""
    with engine.begin() as connection:
        connection.execute(
            insert(Feed),
            [
                {
                    "name": f"feed-{n}",
                    "url": f"https://feed{n}.example.com/rss",
                    "config_url": f"https://feed{n}.example.com/rss",
                    "enabled": True,
                    "in_config": True,
                    "tags": [],
                    "interval_seconds": 1800,
                    "error_count": 0,
                    "dead": False,
                    "redirect_count": 0,
                    "last_entries": 0,
                    "last_new_articles": 0,
                    "created_at": NOW,
                }
                for n in range(1, FEEDS + 1)
            ],
        )
    recent_deals = 5_000
    total_deals = articles // deal_every
    for start in range(0, articles, BATCH):
        rows, items, deals, events = [], [], [], []
        for i in range(start, min(start + BATCH, articles)):
            feed_id = i % FEEDS + 1
            published = NOW - timedelta(minutes=(articles - i) * 0.5)
            rows.append(
                {
                    "id": i + 1,
                    "url_hash": sha(f"u{i}"),
                    "canonical_url": f"https://news.example.com/{i}",
                    "url": f"https://news.example.com/{i}",
                    "feed_id": feed_id,
                    "guid": f"g{i}",
                    "title": f"Story {i}: a headline as long as a real one, about sixty characters",
                    "summary": _FILLER[i % 1_000 : i % 1_000 + 300],
                    "text": article_text(i),
                    "published_at": published,
                    "fetched_at": published,
                    "language": "en",
                    "extraction_status": "extracted",
                    "content_hash": sha(f"t{i}") if i % 2 else None,
                }
            )
            items.append(
                {
                    "feed_id": feed_id,
                    "guid_hash": sha(f"g{i}"),
                    "guid": f"g{i}",
                    "article_id": i + 1,
                    "first_seen_at": published,
                }
            )
            if i % deal_every == 0:
                deal_id = i // deal_every + 1
                recent = deal_id > total_deals - recent_deals
                recorded = NOW - timedelta(hours=12) if recent else published
                fields = {
                    "type": ("investment", "partnership", "launch")[deal_id % 3],
                    "subtype": "funding" if deal_id % 3 == 0 else None,
                    "parties": [f"Company {deal_id}", "Fund"],
                    "roles": ["investee", "investor"],
                    "amount": 1e6 * (deal_id % 500 + 1),
                    "currency": "USD",
                    "amount_usd": 1e6 * (deal_id % 500 + 1),
                    "round": None,
                    "valuation": None,
                    "valuation_currency": None,
                    "product": f"Product {deal_id}",
                    "rumor": False,
                    "evidence": f"Company {deal_id} did a deal.",
                }
                deals.append(
                    {
                        **fields,
                        "id": deal_id,
                        "key": f"k{deal_id}",
                        "headline": f"Company {deal_id} deal",
                        "sources": 1,
                        "first_reported_at": recorded,
                        "last_reported_at": recorded,
                        "updated_at": recorded,
                        "recorded_at": recorded,
                    }
                )
                events.append(
                    {
                        **fields,
                        "article_id": i + 1,
                        "deal_id": deal_id,
                        "classifier_version": "bench",
                        "confidence": 0.9,
                        "created_at": recorded,
                    }
                )
        with engine.begin() as connection:
            connection.execute(insert(Article), rows)
            connection.execute(insert(FeedItem), items)
            if deals:
                connection.execute(insert(Deal), deals)
                connection.execute(insert(Event), events)
        print(f"  {min(start + BATCH, articles):,} articles", end="\r", flush=True)
    print()


def median_ms(work: Callable[[], object], runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def literal_sql(engine: Engine, statement: Any) -> str:
    return str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def plan(engine: Engine, statement: Any) -> list[str]:
    sql = literal_sql(engine, statement)
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        return [" ".join(str(c) for c in row[-1:]) for row in connection.execute(text(explain + sql))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    loopback_only()  # this process talks to 127.0.0.1 and ::1 only, whatever it is given
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='dealpulse-bigdb-')) / 'big.db'}"
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    fill(engine, args.articles)
    print(
        f"filled {args.articles:,} articles in {time.perf_counter() - started:.0f} s ({engine.dialect.name})"
    )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))  # fresh statistics, as a live database has (both dialects)
    store, ledger = Store(engine), Ledger(engine)

    n = args.articles
    guids = [f"g{i}" for i in range(n - 25, n)] + [f"new-{i}" for i in range(25)]  # half known, half new
    urls = [f"https://news.example.com/{i}" for i in range(n - 25, n)] + [
        f"https://news.example.com/new-{i}" for i in range(25)
    ]
    text_hash = sha(f"t{n - 1 if (n - 1) % 2 else n - 2}")
    by_hash = select(Article.id).where(Article.content_hash == text_hash)
    scan = select(func.count()).select_from(Article).where(Article.title == "no such title")

    def content_lookup() -> object:
        with engine.connect() as connection:
            return connection.execute(by_hash).all()

    def full_scan() -> object:
        with engine.connect() as connection:
            return connection.execute(scan).scalar()

    recipient = Recipient("bench@example.com")
    until = NOW

    window = candidates_window(recipient.address, until - timedelta(days=1), until)
    deals_query, sources_query = digest_queries(window)

    digest_sql_text = [literal_sql(engine, q) for q in (deals_query, sources_query)]

    def digest_sql() -> object:
        """The digest's two statements, executed and fetched through the driver: the database's part."""
        with engine.connect() as connection:
            return [connection.exec_driver_sql(sql).fetchall() for sql in digest_sql_text]

    def digest_query(start: datetime = until - timedelta(days=1), end: datetime = until) -> list[Any]:
        """The same, and the records built from the rows: what the digest job waits for."""
        return ledger.candidates_between(recipient.address, start, end)

    deals = digest_query()
    # an ordinary day: before the last day's 5,000 (the last 100,000 articles), one deal every 10 minutes
    day = (until - timedelta(days=36), until - timedelta(days=35))
    day_deals = len(digest_query(*day))

    def select_and_render() -> object:
        chosen = ledger.candidates(recipient.address, until)
        return render(build_digest(recipient, date(2026, 11, 26), chosen), Footer(settings_hint="hint"))

    feed_id = FEEDS
    figures = {
        "articles": n,
        "database": engine.dialect.name,
        "dedupe_guids_ms": median_ms(lambda: store.articles.known_guids(feed_id, guids)),
        "dedupe_urls_ms": median_ms(lambda: store.articles.by_url(urls)),
        "dedupe_text_hash_ms": median_ms(content_lookup),
        "baseline_full_scan_ms": median_ms(full_scan, runs=3),
        "digest_sql_ms": median_ms(digest_sql, runs=5),
        "digest_query_ms": median_ms(digest_query, runs=5),
        "digest_deals": len(deals),
        "digest_day_query_ms": median_ms(lambda: digest_query(*day)),
        "digest_day_deals": day_deals,
        "digest_select_and_render_ms": median_ms(select_and_render, runs=3),
        "plans": {
            "dedupe_guids": plan(
                engine,
                select(FeedItem.guid_hash).where(
                    FeedItem.feed_id == feed_id, FeedItem.guid_hash.in_([sha(g) for g in guids])
                ),
            ),
            "dedupe_urls": plan(
                engine,
                select(Article.url_hash, Article.id).where(Article.url_hash.in_([sha(u) for u in urls])),
            ),
            "dedupe_text_hash": plan(engine, by_hash),
            "digest_deals": plan(engine, deals_query),
            "digest_sources": plan(engine, sources_query),
        },
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
