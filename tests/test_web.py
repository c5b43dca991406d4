"""The web page, served on 127.0.0.1 by a real aiohttp server over the suite's database: the deals with
filters and search, a deal's page with its revisions, feeds, digests, the deals as feeds, /healthz and
/metrics (read back by prometheus-client's own parser), and the token off loopback."""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from prometheus_client.parser import text_string_to_metric_families

from pipeline.db.engine import make_engine
from pipeline.db.figures import stored_figures
from pipeline.db.store import Store
from pipeline.metrics import Metrics
from pipeline.records import FeedOutcome, FeedResult
from pipeline.web.app import WebContext, make_app
from tests.support.deal_stories import funding, store_story
from tests.support.digests import SEND, seed_deals, send_ana_s_digest


def context(store: Store, **changes: Any) -> WebContext:
    made = WebContext(store=store, metrics=Metrics(lambda: stored_figures(store.engine)), clock=lambda: SEND)
    return replace(made, **changes)


def get(web: WebContext, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    async def fetch() -> tuple[int, dict[str, str], str]:
        async with (
            TestServer(make_app(web), host="127.0.0.1") as server,
            ClientSession() as session,
            session.get(server.make_url(path), headers=headers or {}) as response,
        ):
            return response.status, dict(response.headers), await response.text()

    return asyncio.run(fetch())


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    """Four deals, one of them revised by a later report, and a digest sent."""
    seed_deals(store)
    later = SEND - timedelta(hours=1)
    store_story(
        store,
        [funding("Quillmark", "Northgate Ventures", amount=45e6, round="Series B")],
        published_at=later,
        recorded_at=later,
        outlet="daily",
        title="Quillmark's round grows",
    )
    send_ana_s_digest(store, tmp_path / "outbox")
    return store


def deal_ids(page: str) -> list[str]:
    return re.findall(r'data-deal="(\d+)"', page)


def test_the_deals_page_lists_every_deal_newest_first_and_filters_and_searches(seeded: Store) -> None:
    web = context(seeded)
    stored = seeded.deals.find()
    status, headers, page = get(web, "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert deal_ids(page) == [str(d.id) for d in stored]
    quillmark = next(d for d in stored if "Quillmark" in d.headline)
    assert deal_ids(get(web, "/?q=quillmark")[2]) == [str(quillmark.id)]  # any case
    assert deal_ids(get(web, "/?q=Northgate")[2]) == [str(quillmark.id)]  # an investor's name
    launches = [str(d.id) for d in stored if d.type == "launch"]
    assert deal_ids(get(web, "/?type=launch")[2]) == launches
    assert deal_ids(get(web, "/?company=Mistral+AI+SAS&type=partnership")[2]) == [
        str(d.id) for d in stored if d.type == "partnership"
    ]
    assert deal_ids(get(web, "/?min_usd=40000000")[2]) == [str(quillmark.id)]
    assert 'id="no-deals"' in get(web, "/?q=%25_nothing")[2]  # LIKE's wildcards are plain text
    status, _, body = get(web, "/?type=merger")
    assert status == 400
    assert "type: 'merger' is not one of" in body


def test_a_deal_s_page_shows_its_parties_evidence_sources_and_revisions(seeded: Store) -> None:
    web = context(seeded)
    quillmark = next(d for d in seeded.deals.find() if "Quillmark" in d.headline)
    status, _, page = get(web, f"/deals/{quillmark.id}")
    assert status == 200
    assert "Northgate Ventures (investor)" in page
    (change,) = seeded.deals.changes(quillmark.id)
    assert (change.field, change.article_title) == ("amount", "Quillmark's round grows")
    assert page.count("data-change") == 1
    assert f"amount {change.old} → {change.new}" in html.unescape(page)
    for source in quillmark.sources:
        assert f'href="{source.url}"' in page
    assert get(web, "/deals/999999")[0] == 404


def test_feeds_and_digests_pages_and_the_deals_as_feeds(seeded: Store) -> None:
    web = context(seeded)
    status, _, feeds = get(web, "/feeds")
    assert status == 200
    assert 'data-feed="wire"' in feeds
    assert 'data-feed="daily"' in feeds
    status, _, digests = get(web, "/digests")
    assert status == 200
    assert "ana@example.com" in digests
    assert "sent · " in digests
    status, headers, atom = get(web, "/deals.atom?type=investment")
    assert status == 200
    assert headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(atom)
    assert not parsed.bozo
    assert len(parsed.entries) == len(seeded.deals.find(event_type="investment"))
    status, headers, feed = get(web, "/deals.json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/feed+json")
    assert '"version": "https://jsonfeed.org/version/1.1"' in feed


def test_healthz_is_ok_when_all_is_well_and_503_and_says_why_when_not(seeded: Store) -> None:
    status, _, body = get(context(seeded, scheduler_running=lambda: True), "/healthz")
    assert status == 200
    assert '"status": "ok"' in body
    assert '"scheduler": "running"' in body
    status, _, body = get(context(seeded, scheduler_running=lambda: False), "/healthz")
    assert status == 503
    assert '"scheduler": "stopped"' in body
    late = context(seeded, late_after=timedelta(minutes=30), started_at=SEND - timedelta(hours=2))
    status, _, body = get(late, "/healthz")
    assert status == 503
    assert "late: nothing fetched for 7200 s" in body
    gone = Store(make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing"))  # nothing listens
    try:
        status, _, body = get(context(gone), "/healthz")
    finally:
        gone.close()
    assert status == 503
    assert '"database": "unreachable: OperationalError' in body


def test_metrics_read_back_by_prometheus_s_parser(seeded: Store) -> None:
    web = context(seeded)
    web.metrics.record_fetch(
        FeedOutcome(
            "wire", "https://wire.example.com/feed", FeedResult.OK, new_articles=3, extraction_failures=1
        ),
        1.5,
    )
    web.metrics.record_fetch(FeedOutcome("bad", "https://bad.example.com/feed", FeedResult.ERROR), 0.2)
    web.metrics.record_deliveries(["sent", "failed", "sent"])
    status, headers, body = get(web, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }
    assert samples[("dealpulse_fetches_total", (("result", "ok"),))] == 1
    assert samples[("dealpulse_fetches_total", (("result", "error"),))] == 1
    assert samples[("dealpulse_stories_stored_total", ())] == 3
    assert samples[("dealpulse_extraction_failures_total", ())] == 1
    assert samples[("dealpulse_fetch_duration_seconds_count", ())] == 2
    assert samples[("dealpulse_digest_sends_total", (("outcome", "sent"),))] == 2
    figures = stored_figures(seeded.engine)
    for kind, count in figures.deals_by_type.items():
        assert samples[("dealpulse_deals", (("type", kind),))] == count
    assert samples[("dealpulse_digests", (("status", "sent"),))] == 1
    assert sum(v for (name, _), v in samples.items() if name == "dealpulse_stories") == figures.stories


def test_off_loopback_every_request_needs_the_token(seeded: Store) -> None:
    web = context(seeded, token="s3cret-token")
    for path in ("/", "/healthz", "/metrics", "/deals.atom"):
        status, _, body = get(web, path)
        assert status == 401, path
        assert "a token is needed" in body
    assert get(web, "/", {"Authorization": "Bearer wrong"})[0] == 401
    assert get(web, "/metrics", {"Authorization": "Bearer s3cret-token"})[0] == 200
    status, headers, _ = get(web, "/?token=s3cret-token")
    assert status == 200
    assert "dealpulse_token=s3cret-token" in headers["Set-Cookie"]
    assert "HttpOnly" in headers["Set-Cookie"]
