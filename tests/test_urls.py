"""Canonical URLs for dedupe, and URLs made safe to log."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.urls import canonical_url, is_http_url, is_tracking_param, redact_url, resolve_link


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.COM/a/B?x=1#comments", "https://news.example.com/a/B?x=1"),
        ("https://example.com:443/p", "https://example.com/p"),
        ("http://example.com:80/p", "http://example.com/p"),
        ("http://example.com:8080/p", "http://example.com:8080/p"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/p?utm_source=rss&utm_medium=feed&id=7", "https://example.com/p?id=7"),
        ("https://example.com/p?fbclid=abc&gclid=def&mc_cid=1&_hsenc=2", "https://example.com/p"),
        ("https://example.com/p?b=2&a=1", "https://example.com/p?a=1&b=2"),
        ("https://user:secret@example.com/p", "https://example.com/p"),
        ("https://example.com./p", "https://example.com/p"),
        # parameters that only look like trackers are kept: merging two stories would lose one
        (
            "https://example.com/p?source=reuters&session=3&ref=7",
            "https://example.com/p?ref=7&session=3&source=reuters",
        ),
        ("https://example.com/p?q=a%20b", "https://example.com/p?q=a%20b"),
        ("https://[2001:db8::1]:8443/p", "https://[2001:db8::1]:8443/p"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "javascript:alert(1)", "/relative", "http://", "http://x:99999/"]
)
def test_canonical_url_rejects_non_http(url: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is the URL itself
        canonical_url(url)
    assert not is_http_url(url)


param_names = st.sampled_from(["id", "page", "utm_source", "utm_campaign", "fbclid", "q", "gclid", "lang"])
params = st.lists(st.tuples(param_names, st.text("abc123", min_size=1, max_size=4)), max_size=5)
hosts = st.sampled_from(["example.com", "News.Example.org", "a.b.example.net"])
paths = st.lists(st.text("abcxyz-_09", min_size=1, max_size=6), max_size=3).map(lambda p: "/" + "/".join(p))


@given(host=hosts, path=paths, query=params, fragment=st.text("abc", max_size=3))
def test_canonical_url_is_idempotent_and_drops_only_trackers(
    host: str, path: str, query: list[tuple[str, str]], fragment: str
) -> None:
    url = f"https://{host}{path}?{'&'.join(f'{k}={v}' for k, v in query)}#{fragment}"
    canonical = canonical_url(url)
    assert canonical_url(canonical) == canonical
    parts = urlsplit(canonical)
    assert parts.fragment == ""
    assert parts.hostname == host.lower()
    kept = sorted(f"{k}={v}" for k, v in query if not is_tracking_param(k))
    assert sorted(p for p in parts.query.split("&") if p) == kept


@given(query=params)
def test_parameter_order_does_not_change_identity(query: list[tuple[str, str]]) -> None:
    forward = "&".join(f"{k}={v}" for k, v in query)
    backward = "&".join(f"{k}={v}" for k, v in reversed(query))
    assert canonical_url(f"https://e.com/p?{forward}") == canonical_url(f"https://e.com/p?{backward}")


def test_resolve_link() -> None:
    assert resolve_link("https://e.com/feeds/x.xml", "../a/b") == "https://e.com/a/b"
    assert resolve_link("https://e.com/feed", " https://other.com/x ") == "https://other.com/x"
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "mailto:a@b.c"):
        assert resolve_link("https://e.com/feed", bad) is None


def test_redact_url_hides_credentials_and_query_values() -> None:
    assert redact_url("https://bob:hunter2@example.com:8443/feed?token=s3cret&x") == (
        "https://example.com:8443/feed?token=…&x"
    )
    assert "hunter2" not in redact_url("https://bob:hunter2@example.com/")
