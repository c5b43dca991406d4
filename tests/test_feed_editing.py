"""Editing the feeds file from the command line: OPML import and export, a feed added by its site's
address (served on 127.0.0.1), a feed removed. The file keeps its comments and order; a failed edit
leaves it byte for byte as it was."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import listparser
import pytest
from pytest_httpserver import HTTPServer

from pipeline.config import load_config
from pipeline.feeds import alternate_feed_links
from pipeline.opml import OpmlError, feed_name, read_opml
from tests.support.builders import Item, rss
from tests.support.helpers import invoke

FEEDS_FILE = """\
# Our feeds: comments stay where they are.
settings:
  allow_public_addresses: false   # loopback only, as every test runs
  allowed_networks: ['127.0.0.0/8']
  request_timeout: 4

feeds:
  # --- the desk we always read ---
  - name: desk                  # the home desk
    url: https://desk.example.com/feed.xml
    tags: [press]

recipients:
  - address: ana@example.com    # gets the digest
"""


@pytest.fixture
def feeds_file(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(FEEDS_FILE)
    return path


def opml(outlines: str) -> str:
    head = '<?xml version="1.0"?>\n<opml version="2.0"><head><title>Reader</title></head>'
    return f"{head}<body>{outlines}</body></opml>"


def big_list(count: int) -> str:
    """A reader's export: feeds in folders, one listed twice, one already in the file, one bad link."""
    folders = []
    for folder in range(count // 50):
        outlines = "".join(
            f"<outline type='rss' text={quoteattr(f'Outlet {folder}-{n} AI & News')}"
            f" xmlUrl='https://outlet{folder}-{n}.example.com/feed'/>"
            for n in range(50)
        )
        folders.append(f"<outline text='Folder {folder}'>{outlines}</outline>")
    extra = (
        "<outline text='Outlet 0-0 again' xmlUrl='https://outlet0-0.example.com/feed'/>"
        "<outline text='The desk' xmlUrl='https://desk.example.com/feed.xml'/>"
        "<outline text='Script' xmlUrl='javascript:alert(1)'/>"
    )
    return opml("".join(folders) + extra)


def test_an_opml_list_of_hundreds_of_feeds_is_added_once_each_and_the_file_keeps_its_comments(
    tmp_path: Path, feeds_file: Path
) -> None:
    listing = tmp_path / "reader.opml"
    listing.write_text(big_list(300))
    code, output = invoke("--config", str(feeds_file), "feeds", "import", str(listing))
    assert code == 0, output
    assert "300 feeds added, 1 feed of the list already there" in output
    config = load_config(feeds_file)
    assert len(config.feeds) == 301
    assert len({f.name for f in config.feeds}) == 301
    assert config.feeds[0].name == "desk"
    imported = config.feed("outlet-0-0-ai-news")
    assert (imported.url, imported.tags) == ("https://outlet0-0.example.com/feed", ("Folder 0",))
    text = feeds_file.read_text()
    # every line of the file as it was, in its order, the new feeds after the last old one
    old_lines = FEEDS_FILE.splitlines()
    new_lines = text.splitlines()
    positions = [new_lines.index(line) for line in old_lines if line]
    assert positions == sorted(positions)
    assert new_lines.index("recipients:") > max(i for i, line in enumerate(new_lines) if "outlet" in line)


def test_the_export_is_opml_2_that_a_reader_and_dealpulse_read_back(tmp_path: Path, feeds_file: Path) -> None:
    listing = tmp_path / "reader.opml"
    listing.write_text(big_list(100))
    assert invoke("--config", str(feeds_file), "feeds", "import", str(listing))[0] == 0
    exported = tmp_path / "export.opml"
    code, output = invoke("--config", str(feeds_file), "feeds", "export", "--output", str(exported))
    assert code == 0, output
    parsed = listparser.parse(exported.read_bytes())
    assert parsed.version == "opml2"
    configured = load_config(feeds_file).feeds
    assert [f["url"] for f in parsed.feeds] == [f.url for f in configured]
    assert parsed.feeds[0]["tags"] == ["press"]
    # and into an empty feeds file: the same feeds
    empty = tmp_path / "empty" / "feeds.yaml"
    empty.parent.mkdir()
    empty.write_text("feeds:\n")
    assert invoke("--config", str(empty), "feeds", "import", str(exported))[0] == 0
    assert [(f.url, f.tags) for f in load_config(empty).feeds] == [(f.url, f.tags) for f in configured]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("not xml at all", "not an OPML file"),
        ("<html><body><a href='https://x.example/feed'>feed</a></body></html>", "not an OPML file"),
        (opml("<outline text='Script' xmlUrl='javascript:alert(1)'/>"), "lists no http(s) feed"),
    ],
)
def test_a_bad_opml_file_gets_a_one_line_error_and_the_feeds_file_is_untouched(
    tmp_path: Path, feeds_file: Path, content: str, error: str
) -> None:
    listing = tmp_path / "bad.opml"
    listing.write_text(content)
    code, output = invoke("--config", str(feeds_file), "feeds", "import", str(listing))
    assert code == 1
    assert error in output
    assert str(listing) in output
    assert len(output.strip().splitlines()) == 1
    assert feeds_file.read_text() == FEEDS_FILE


def test_removing_a_feed_keeps_the_rest_and_an_unknown_name_changes_nothing(feeds_file: Path) -> None:
    feeds_file.write_text(
        FEEDS_FILE.replace(
            "\nrecipients:", "  - name: wire\n    url: https://wire.example.com/rss\n\nrecipients:"
        )
    )
    before = feeds_file.read_text()
    code, output = invoke("--config", str(feeds_file), "feeds", "remove", "nope")
    assert code == 2
    assert "no feed named 'nope'" in output
    assert feeds_file.read_text() == before
    assert invoke("--config", str(feeds_file), "feeds", "remove", "wire")[0] == 0
    assert feeds_file.read_text() == FEEDS_FILE


def test_removing_the_feed_before_a_group_heading_keeps_the_heading(feeds_file: Path) -> None:
    grouped = FEEDS_FILE.replace(
        "\nrecipients:",
        "\n  # --- wires ---\n  - name: wire\n    url: https://wire.example.com/rss\n\nrecipients:",
    )
    feeds_file.write_text(grouped)
    assert invoke("--config", str(feeds_file), "feeds", "remove", "desk")[0] == 0
    lines = feeds_file.read_text().splitlines()
    assert "  # --- wires ---" in lines
    assert "  # --- the desk we always read ---" in lines
    assert not [line for line in lines if "desk.example.com" in line or "the home desk" in line]
    assert [f.name for f in load_config(feeds_file).feeds] == ["wire"]


def site(httpserver: HTTPServer) -> None:
    """A site whose home page names its feed, and the feed."""
    httpserver.expect_request("/").respond_with_data(
        "<html><head><title>Lumen News</title>"
        "<link rel='stylesheet' href='/style.css'>"
        "<link rel='alternate' type='application/rss+xml' title='Lumen' href='/feeds/all.xml'>"
        "</head><body>Hello</body></html>",
        content_type="text/html",
    )
    httpserver.expect_request("/feeds/all.xml").respond_with_data(
        rss([Item("Story", httpserver.url_for("/a"), guid="a")], title="Lumen News: AI"),
        content_type="application/rss+xml",
    )


def test_a_site_s_address_leads_to_its_feed_which_is_checked_and_added(
    httpserver: HTTPServer, feeds_file: Path
) -> None:
    site(httpserver)
    code, output = invoke("--config", str(feeds_file), "feeds", "add", httpserver.url_for("/"), "--tag", "ai")
    assert code == 0, output
    added = load_config(feeds_file).feed("lumen-news-ai")
    assert (added.url, added.tags) == (httpserver.url_for("/feeds/all.xml"), ("ai",))
    # the same feed again, by its own address: refused, nothing written
    before = feeds_file.read_text()
    code, output = invoke("--config", str(feeds_file), "feeds", "add", httpserver.url_for("/feeds/all.xml"))
    assert code == 1
    assert "already, as 'lumen-news-ai'" in output
    assert feeds_file.read_text() == before


def test_an_unreachable_site_or_a_page_without_a_feed_gets_a_one_line_error(
    httpserver: HTTPServer, feeds_file: Path
) -> None:
    httpserver.expect_request("/plain").respond_with_data(
        "<html><body>No feed</body></html>", content_type="text/html"
    )
    code, output = invoke("--config", str(feeds_file), "feeds", "add", httpserver.url_for("/plain"))
    assert code == 1
    assert "the page names no feed of its own" in output
    assert len(output.strip().splitlines()) == 1
    code, output = invoke(
        "--config", str(feeds_file), "feeds", "add", "http://127.0.0.1:9/"
    )  # nothing listens
    assert code == 1
    assert "127.0.0.1:9" in output
    assert feeds_file.read_text() == FEEDS_FILE


# --- the pure parts ------------------------------------------------------------------------------------


def test_alternate_links_are_the_page_s_feeds_resolved_in_order() -> None:
    page = (
        b"<head><link rel='alternate stylesheet' type='text/css' href='/a.css'>"
        b"<link rel='Alternate' type='application/atom+xml' href='atom.xml'>"
        b"<link rel='alternate' type='application/rss+xml' href='https://cdn.example/rss'>"
        b"<link rel='alternate' type='application/rss+xml' href='javascript:x'></head>"
    )
    assert alternate_feed_links(page, "https://site.example/blog/") == [
        "https://site.example/blog/atom.xml",
        "https://cdn.example/rss",
    ]


def test_feed_names_are_slugs_made_unique() -> None:
    assert feed_name("TechCrunch — AI & Startups", "https://t.example/f", []) == "techcrunch-ai-startups"
    assert feed_name("Café Tech", "https://c.example/f", ["cafe-tech"]) == "cafe-tech-2"
    assert feed_name("", "https://news.example.org/rss", []) == "news-example-org"


def test_read_opml_names_the_file_in_its_error() -> None:
    with pytest.raises(OpmlError, match=r"^list\.opml: not an OPML file"):
        read_opml(b"\x00\x01", "list.opml")
