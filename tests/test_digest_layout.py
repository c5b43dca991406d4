"""The digest HTML in a real headless Chromium (Debian's `chromium`, which .ci/run installs) at a 375-px
phone width and a 1024-px desktop width: nothing overflows sideways, every deal is on screen."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.digest.render import render
from pipeline.digest.select import build_digest
from pipeline.records import SourceLink
from tests.support.digests import ANA, golden_digest, hostile_deal

pytestmark = pytest.mark.slow

# The digest goes into an iframe exactly `width` px wide (a headless window cannot be narrower than 500 px);
# this page measures the layout inside it once it has loaded and writes the figures into the DOM, which
# `chromium --dump-dom` prints.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="digest" style="border:0;display:block" width="{width}" height="900" srcdoc="{srcdoc}"></iframe>
<script>
document.getElementById('digest').addEventListener('load', (event) => {{
  const frame = event.target.contentWindow;
  const doc = frame.document;
  const width = frame.innerWidth;
  const box = (e) => {{
    const r = e.getBoundingClientRect();
    return {{left: r.left, right: r.right, width: r.width, height: r.height}};
  }};
  const shown = (e) => frame.getComputedStyle(e).display !== 'none'
    && frame.getComputedStyle(e).visibility !== 'hidden';
  const boxes = (selector) => [...doc.querySelectorAll(selector)]
    .map((e) => ({{...box(e), shown: shown(e)}}));
  const deals = boxes('[data-deal]');
  const unconfirmed = boxes('[data-unconfirmed]');
  const top = boxes('.top a');
  const overflowing = [...doc.body.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > width + 0.5)
    .map((e) => e.tagName + '.' + (e.className || '') + ': ' + (e.textContent || '').slice(0, 40));
  const report = document.createElement('pre');
  report.id = 'layout-report';
  const scrollWidth = doc.documentElement.scrollWidth;
  report.textContent = JSON.stringify({{width, scrollWidth, deals, unconfirmed, top, overflowing}});
  document.body.appendChild(report);
}});
</script></body></html>
"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    return found


def measure(page: Path, width: int) -> dict[str, Any]:
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",  # tests may run as root in a container
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--window-size={max(width, 800)},1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="layout-report">(.*?)</pre>', result.stdout, re.DOTALL)
    assert found, f"no layout report from chromium (exit {result.returncode}): {result.stderr[-2000:]}"
    report: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return report


def stress_digest() -> str:
    """The golden digest plus what breaks layouts: an unbroken 120-character word, a hostile item, a long
    list of sources; sure enough for the main list, with the top list above them, and two unconfirmed
    deals below, one of them with an unbroken word in its headline."""
    digest, footer = golden_digest()
    long_word = replace(
        digest.launches[0],  # type: ignore[attr-defined]
        id=77,
        headline="Acme launches " + "Supercalifragilistic" * 6,
        sources=tuple(
            SourceLink(f"t{i}", f"https://outlet{i}.example.com/" + "x" * 200, f"Outlet{i}" * 5)
            for i in range(8)
        ),
    )
    sure = [replace(d, confidence=0.9) for d in [*digest.deals, long_word, hostile_deal()]]  # type: ignore[attr-defined]
    unsure = [
        replace(long_word, id=78, confidence=0.3),
        replace(sure[0], id=79, confidence=0.5, headline="Quillmark may raise again"),
    ]
    chosen = build_digest(ANA, date(2026, 11, 26), [*sure, *unsure], digest.feed_health, 0.8)  # type: ignore[attr-defined]
    return render(chosen, footer).html


@pytest.mark.parametrize("width", [375, 1024])
def test_digest_fits_the_screen_and_shows_every_deal(tmp_path: Path, width: int) -> None:
    page = tmp_path / "digest.html"
    page.write_text(FRAME.format(width=width, srcdoc=html.escape(stress_digest())), encoding="utf-8")
    report = measure(page, width)
    assert report["width"] == width
    assert report["scrollWidth"] <= width, report["overflowing"]
    assert report["overflowing"] == []
    assert len(report["deals"]) == 6
    assert len(report["top"]) == 5
    assert len(report["unconfirmed"]) == 2
    for deal in report["deals"]:
        assert deal["shown"]
        assert deal["height"] > 20
        assert 0 <= deal["left"] < deal["right"] <= width
    for line in [*report["unconfirmed"], *report["top"]]:
        assert line["shown"]
        assert line["height"] > 10
        assert 0 <= line["left"] < line["right"] <= width
    if width == 1024:  # the sheet keeps to a readable 640 px, centred
        assert all(abs(d["width"] - 640) <= 1 for d in report["deals"])
        assert all(abs(d["left"] - (width - 640) / 2) <= 1 for d in report["deals"])
