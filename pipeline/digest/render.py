"""A digest as a subject line, a plain-text body and an HTML body. Pure.

Every piece of text that came from a feed or a page is untrusted: it is cleaned here (control characters and
line breaks become spaces, lengths are capped), HTML-escaped by Jinja2's autoescape in the HTML template,
and a link is only ever an http(s) URL. The HTML is laid out with tables and its CSS inlined (css-inline,
remote stylesheets off), which is what Gmail, Outlook and Apple Mail all read; it is fluid down to a 375-px
phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import css_inline
import jinja2

from pipeline.deals import short_money
from pipeline.records import Digest, DigestDeal, FeedHealth, RenderedDigest
from pipeline.urls import is_http_url

MAX_SUMMARY = 280
MAX_TITLE = 200
MAX_SOURCES = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s{2,}")


@dataclass(frozen=True, slots=True)
class LinkView:
    label: str
    url: str | None  # None when the stored link is not http(s): shown as text, never as a link


@dataclass(frozen=True, slots=True)
class DealView:
    """One deal as the templates show it: every field already cleaned and formatted."""

    headline: str
    parties: str  # "Microsoft (investor), Mistral AI (investee)"
    amount: str | None
    round: str | None
    facts: str | None  # "Amount: EUR 15M (about USD 16.3M) | Round: Series A"
    rumor: bool
    summary: str
    outlets: int
    sources: tuple[LinkView, ...]
    first_reported: str


@dataclass(frozen=True, slots=True)
class Footer:
    """What the footer says and links to; from the settings."""

    settings_hint: str
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None


def clean(text: str | None, limit: int = MAX_TITLE) -> str:
    """One line of plain text: no control characters or line breaks, at most `limit` characters."""
    line = _SPACES.sub(" ", _CONTROL.sub(" ", text or "")).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def safe_link(url: str | None) -> str | None:
    return url if url and is_http_url(url) and not _CONTROL.search(url) else None


def amount_line(deal: DigestDeal) -> str | None:
    """ "EUR 15M (about USD 16.3M)"."""
    if deal.amount is None:
        return None
    own = short_money(deal.amount, deal.currency)
    if deal.currency == "USD" or deal.amount_usd is None:
        return own
    return f"{own} (about {short_money(deal.amount_usd, 'USD')})"


def summary(deal: DigestDeal) -> str:
    """One sentence from the evidence the deal rests on."""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", clean(deal.evidence, 2000), maxsplit=1)[0]
    return clean(sentence, MAX_SUMMARY)


def local_time(when: datetime, zone: str) -> str:
    return when.astimezone(ZoneInfo(zone)).strftime("%a %d %b, %H:%M %Z")


def deal_view(deal: DigestDeal, zone: str) -> DealView:
    parties = ", ".join(
        f"{clean(p, 80)} ({clean(r, 20)})" for p, r in zip(deal.parties, deal.roles, strict=False)
    )
    amount = amount_line(deal) if deal.type == "investment" else None
    round_name = clean(deal.round, 40) or None
    facts = [f"Amount: {amount}" if amount else "", f"Round: {round_name}" if round_name else ""]
    return DealView(
        headline=clean(deal.headline),
        parties=parties,
        amount=amount,
        round=round_name,
        facts=" | ".join(f for f in facts if f) or None,
        rumor=deal.rumor,
        summary=summary(deal),
        outlets=len({s.outlet for s in deal.sources}) or len(deal.sources),
        sources=tuple(
            LinkView(label=clean(s.outlet, 60) or clean(s.title, 60) or "source", url=safe_link(s.url))
            for s in deal.sources[:MAX_SOURCES]
        ),
        first_reported=local_time(deal.first_reported_at, zone),
    )


def subject(digest: Digest) -> str:
    """ "AI deals, Thu 26 Nov 2026: 4 investments, 2 partnerships, 5 launches"."""
    return f"AI deals, {digest.date:%a %d %b %Y}: {counts_line(digest)}"


def counts_line(digest: Digest) -> str:
    counts = [
        _count(len(digest.investments), "investment"),
        _count(len(digest.partnerships), "partnership"),
        _count(len(digest.launches), "launch"),
    ]
    shown = [c for c in counts if c]
    return ", ".join(shown) if shown else "no new deals"


def _count(n: int, noun: str) -> str | None:
    if n == 0:
        return None
    plural = noun + ("es" if noun.endswith("ch") else "s")
    return f"{n} {noun if n == 1 else plural}"


def render(digest: Digest, footer: Footer) -> RenderedDigest:
    zone = digest.recipient.timezone
    title = subject(digest)
    context = {
        "subject": title,
        "date": f"{digest.date:%A %d %B %Y}",
        "zone": zone,
        "sections": [
            (title, [deal_view(d, zone) for d in deals])
            for title, deals in (
                ("Investments", digest.investments),
                ("Partnerships", digest.partnerships),
                ("Launches", digest.launches),
            )
        ],
        "counts_line": counts_line(digest),
        "counts": {
            "investments": len(digest.investments),
            "partnerships": len(digest.partnerships),
            "launches": len(digest.launches),
        },
        "feed_health": [FeedHealth(clean(h.name, 80), clean(h.problem, 300)) for h in digest.feed_health],
        "settings_hint": clean(footer.settings_hint, 300),
        "unsubscribe_url": safe_link(footer.unsubscribe_url),
        "unsubscribe_mailto": footer.unsubscribe_mailto,
    }
    html = _environment().get_template("digest.html.j2").render(context)
    text = _environment().get_template("digest.txt.j2").render(context)
    return RenderedDigest(subject=title, text=text, html=_inliner().inline(html))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.digest", "templates"),
        # HTML is escaped; the plain-text part is not HTML (escaping would show "&amp;"): clean() made it safe
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(load_remote_stylesheets=False)
