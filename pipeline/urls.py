"""URL identity for dedupe, and URLs made safe to log.

Canonicalisation is deliberately conservative: a parameter is dropped only when it is a known tracker.
Two different stories merged into one URL would lose a story; two URLs of one story left apart cost only a
page fetch, and the content hash still catches them.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Exact names and prefixes of parameters that only say how a reader arrived, never which story it is.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "ncid",
        "cmpid",
        "ocid",
        "smid",
        "sr_share",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "ref_src",
        "ref_url",
        "spm",
        "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_")


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
        return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)
    except ValueError:
        return False


def canonical_url(url: str) -> str:
    """The identity of a story's URL: lower-case scheme and host, no default port, no credentials,
    no fragment, no tracking parameters, remaining parameters in a stable order (their encoding untouched).

    Raises ValueError for anything that is not an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")  # .hostname is already lower-case
    if scheme not in _DEFAULT_PORTS or not host:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    port = parts.port  # raises ValueError for a bad port
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    kept = [p for p in parts.query.split("&") if p and not is_tracking_param(p.split("=", 1)[0])]
    return urlunsplit(SplitResult(scheme, netloc, parts.path or "/", "&".join(sorted(kept)), ""))


def resolve_link(base: str, link: str) -> str | None:
    """An entry's link made absolute against the feed's URL; None unless the result is http(s)."""
    absolute = urljoin(base, link.strip())
    return absolute if is_http_url(absolute) else None


def redact_url(url: str) -> str:
    """The URL without credentials or query values, for logs and error messages."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "<unparseable URL>"
    query = "&".join(f"{p.split('=', 1)[0]}=…" if "=" in p else p for p in parts.query.split("&") if p)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def title_from_url(url: str) -> str:
    """A readable stand-in title for a story known only by its address: the last words of its path
    ("/2026/11/acme-raises-5m.html" gives "Acme raises 5m"), else its host."""
    parts = urlsplit(url)
    for segment in reversed([part for part in parts.path.split("/") if part]):
        words = re.sub(r"\.[a-z0-9]{1,5}$", "", unquote(segment), flags=re.IGNORECASE)
        words = " ".join(re.split(r"[-_+\s]+", words)).strip()
        if re.search(r"[^\W\d]{3}", words):  # words, not an ID or a date
            return words[:1].upper() + words[1:]
    return parts.hostname or url
