"""The web page as a user meets it: `dealpulse serve` and the daemon with `web_listen`, as real processes
on 127.0.0.1, and the pages in a real headless Chromium (Debian's, driven by Playwright) at a phone's
375 px and a desktop's 1280 px: nothing overflows sideways, search and filters work, no console errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer

from pipeline.db.store import Store
from tests.support.builders import Item, article_html, rss, unique_paragraphs
from tests.support.deal_stories import launch, store_story
from tests.support.digests import SEND, seed_deals
from tests.support.helpers import write_config
from tests.support.processes import running, stop, wait_for
from tests.support.smtp import free_port

pytestmark = pytest.mark.slow


def with_settings(config: Path, *lines: str) -> Path:
    config.write_text(
        config.read_text().replace("settings:\n", "settings:\n" + "".join(f"  {line}\n" for line in lines))
    )
    return config


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


@pytest.fixture
def served(tmp_path: Path, database_url: str, store: Store) -> Iterator[tuple[str, int]]:
    """`dealpulse serve` over more than a page of deals: its base URL and the number of deals."""
    seed_deals(store)
    for n in range(60):
        store_story(store, [launch(f"Maker {n:02d}", f"Widget {n:02d}")], published_at=SEND, recorded_at=SEND)
    total = len(store.deals.find())
    port = free_port()
    config = write_config(tmp_path, database_url, {})
    with running(config, "serve", "--listen", f"127.0.0.1:{port}") as server:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: get(f"{base}/healthz")[0] == 200, timeout=30)
        yield base, total
        assert stop(server, signal.SIGTERM, timeout=30) is not None
        assert server.returncode == 0


def test_serve_answers_until_sigterm_and_refuses_an_open_address_without_a_token(
    tmp_path: Path, database_url: str, store: Store
) -> None:
    seed_deals(store)
    config = write_config(tmp_path, database_url, {})
    port = free_port()
    with running(config, "serve", "--listen", f"127.0.0.1:{port}") as server:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/healthz")[0] == 200, timeout=30)
        status, body = get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert body.count("data-deal=") == len(store.deals.find())
        stop(server, signal.SIGTERM, timeout=30)
        assert server.returncode == 0
    with running(config, "serve", "--listen", "0.0.0.0:1") as refused:  # nothing is bound: it stops first
        _, stderr = refused.communicate(timeout=30)
    assert refused.returncode == 2
    assert "is not a loopback address: set DEALPULSE_WEB_TOKEN" in stderr


def test_the_daemon_serves_health_and_metrics_of_its_own_work(
    tmp_path: Path, database_url: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a").respond_with_data(
        article_html("A", unique_paragraphs("a")), content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([Item("Story A", httpserver.url_for("/a"), guid="a")])
    )
    port = free_port()
    config = with_settings(
        write_config(tmp_path, database_url, {"desk": httpserver.url_for("/feed.xml")}),
        f"web_listen: 127.0.0.1:{port}",
    )
    with running(config, "run") as daemon:
        base = f"http://127.0.0.1:{port}"

        def fetched() -> bool:
            status, body = get(f"{base}/metrics")
            return status == 200 and 'dealpulse_fetches_total{result="ok"} 1.0' in body

        wait_for(fetched, timeout=60)
        status, health = get(f"{base}/healthz")
        assert status == 200
        assert json.loads(health)["scheduler"] == "running"
        samples = {
            s.name: s.value
            for f in text_string_to_metric_families(get(f"{base}/metrics")[1])
            for s in f.samples
            if not s.labels
        }
        assert samples["dealpulse_stories_stored_total"] == 1
        stderr = stop(daemon, signal.SIGTERM, timeout=60)
    assert daemon.returncode == 0, stderr
    assert f"web page on http://127.0.0.1:{port}/" in stderr
    assert get(f"{base}/healthz")[0] == 0  # gone with the daemon


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    return found


@pytest.mark.parametrize("width", [375, 1280])
def test_the_pages_hold_their_layout_and_search_and_filters_work_in_chromium(
    served: tuple[str, int], width: int
) -> None:
    from playwright.sync_api import sync_playwright

    base, total = served
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

            def layout() -> dict[str, Any]:
                return page.evaluate(
                    """() => ({
                        width: window.innerWidth,
                        scrollWidth: document.documentElement.scrollWidth,
                        overflowing: [...document.body.querySelectorAll('*')]
                          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                          .map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 40)),
                        deals: document.querySelectorAll('[data-deal]').length,
                    })"""
                )

            page.goto(base + "/")
            first = layout()
            assert first["overflowing"] == [], first
            assert first["scrollWidth"] <= first["width"]
            assert first["deals"] == 50  # one page; the rest one click away
            page.click("a[rel=next]")
            assert layout()["deals"] == total - 50
            # search, then a type filter, as a reader would
            page.goto(base + "/")
            page.fill("input[name=q]", "quillmark")
            page.press("input[name=q]", "Enter")
            page.wait_for_load_state()
            assert layout()["deals"] == 1
            assert "Quillmark" in page.inner_text("[data-deal] .headline")
            page.fill("input[name=q]", "")
            page.select_option("select[name=type]", "partnership")
            page.click("button[type=submit]")
            page.wait_for_load_state()
            assert layout()["deals"] == 1
            page.click("[data-deal] .headline a")
            page.wait_for_load_state()
            assert page.inner_text("h1") == page.title().removesuffix(" · DealPulse")
            for path in ("", "/feeds", "/digests"):
                if path:
                    page.goto(base + path)
                shown = layout()
                assert shown["overflowing"] == [], (path, shown)
        finally:
            browser.close()
    assert problems == []
