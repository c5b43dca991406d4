"""A digest as a subject line, a plain-text body and an HTML body. Pure.

Every piece of text that came from a feed or a page is untrusted: it is cleaned here (control characters and
line breaks become spaces, lengths are capped), HTML-escaped by Jinja2's autoescape in the HTML template,
and a link is only ever an http(s) URL. The HTML is laid out with tables and its CSS inlined (css-inline,
remote stylesheets off), which is what Gmail, Outlook and Apple Mail all read; it is fluid down to a 375-px
phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import css_inline
import jinja2

from pipeline.deals import headline_parties, short_money
from pipeline.records import Digest, DigestDeal, FeedHealth, RenderedDigest
from pipeline.urls import is_http_url

MAX_SUMMARY = 280
MAX_TITLE = 200
MAX_SOURCES = 8
TOP_DEALS = 5  # the biggest deals named at the top of the message, with links down to them
# Gmail clips a message whose HTML passes about 102 KB, hiding the rest behind a link: the digest stays
# under this, showing its top deals and saying how to list the others.
MAX_HTML_BYTES = 100_000
_ROLE_LABELS = {
    "investor": "Investors",
    "investee": "Raised by",
    "acquirer": "Acquirer",
    "target": "Target",
    "partner": "Also partnering",
    "launcher": "Launched by",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s{2,}")


@dataclass(frozen=True, slots=True)
class LinkView:
    label: str
    url: str | None  # None when the stored link is not http(s): shown as text, never as a link


@dataclass(frozen=True, slots=True)
class DealView:
    """One deal as the templates show it: every field already cleaned and formatted."""

    anchor: str  # the id the top of the message links to
    headline: str
    roles: str | None  # the parties the headline does not name, by role: "Investors: A, B"
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
    """ "EUR 15M (about USD 16.3M)"; a figure the story gave no currency for says so."""
    if deal.amount is None:
        return None
    own = short_money(deal.amount, deal.currency)
    if not deal.currency:
        return f"{own} (currency not stated)"
    if deal.currency == "USD" or deal.amount_usd is None:
        return own
    return f"{own} (about {short_money(deal.amount_usd, 'USD')})"


def summary(deal: DigestDeal) -> str:
    """One sentence from the evidence the deal rests on."""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", clean(deal.evidence, 2000), maxsplit=1)[0]
    return clean(sentence, MAX_SUMMARY)


def local_time(when: datetime, zone: str) -> str:
    return when.astimezone(ZoneInfo(zone)).strftime("%a %d %b, %H:%M %Z")


def roles_line(deal: DigestDeal) -> str | None:
    """The parties the headline leaves out, grouped by role ("Investors: Northgate, Atlas"), or None when
    the headline names them all: it never repeats the headline's list."""
    named = set(headline_parties(deal.type, deal.subtype, deal.parties, deal.roles))
    groups: dict[str, list[str]] = {}
    for party, role in zip(deal.parties, deal.roles, strict=False):
        if party in named:
            continue
        groups.setdefault(_ROLE_LABELS.get(role, role.capitalize()), []).append(clean(party, 80))
    return "; ".join(f"{label}: {', '.join(names)}" for label, names in groups.items()) or None


def deal_view(deal: DigestDeal, zone: str) -> DealView:
    amount = amount_line(deal) if deal.type == "investment" else None
    round_name = clean(deal.round, 40) or None
    facts = [f"Amount: {amount}" if amount else "", f"Round: {round_name}" if round_name else ""]
    return DealView(
        anchor=f"deal-{deal.id}",
        headline=clean(deal.headline),
        roles=roles_line(deal),
        amount=amount,
        round=round_name,
        facts=" | ".join(f for f in facts if f) or None,
        rumor=deal.rumor,
        summary=summary(deal),
        outlets=deal.outlets,
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


def top_deals(deals: tuple[DigestDeal, ...], limit: int = TOP_DEALS) -> list[DigestDeal]:
    """The biggest deals: investments by their US-dollar value, then by how many outlets report a deal."""
    return sorted(deals, key=lambda d: (-(d.amount_usd or 0), -d.outlets, d.id))[:limit]


def render(digest: Digest, footer: Footer) -> RenderedDigest:
    """The digest as subject, text and HTML; past MAX_HTML_BYTES, only its biggest deals, with a line on
    how many more there are and how to list them."""
    views = {d.id: deal_view(d, digest.recipient.timezone) for d in digest.deals}
    ranked = [d.id for d in top_deals(digest.deals, len(digest.deals))]
    rendered = _render(digest, footer, views, ranked, shown=None)
    size = len(rendered.html.encode())
    if size <= MAX_HTML_BYTES:
        return rendered
    attempts: dict[int, RenderedDigest] = {}

    def fits(shown: int) -> bool:
        attempts[shown] = _render(digest, footer, views, ranked, shown=shown)
        return len(attempts[shown].html.encode()) <= MAX_HTML_BYTES

    # deals are of much the same size, so the whole digest's bytes per deal say about how many fit: the
    # search starts there and renders digests of about the size that fits, never thousands of deals again
    guess = MAX_HTML_BYTES * len(ranked) // size
    # at least the biggest deal is shown, as one deal too big alone still needs its line to `deals`
    shown = most_that_fit(max(len(ranked) - 1, 1), fits, guess)
    return attempts[shown]


def most_that_fit(most: int, fits: Callable[[int], bool], guess: int) -> int:
    """The largest n in 1..most for which fits(n) holds (fits holds up to some n and no further), or 1
    when none does: searched outward from a guess by doubling steps, then by halving between the last two.
    The n returned is always one fits was asked about."""
    low, high = 0, most + 1  # fits(low) holds (0: none known to); fits(high) fails (most + 1: past the end)
    probe, step = min(max(guess, 1), most), max(1, guess // 16)
    if fits(probe):
        low = probe
        while low < most:
            probe = min(low + step, most)
            if not fits(probe):
                high = probe
                break
            low, step = probe, step * 2
    else:
        high = probe
        while high > 1:
            probe = max(high - step, 1)
            if fits(probe):
                low = probe
                break
            high, step = probe, step * 2
        if low == 0:
            return 1
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def _render(
    digest: Digest, footer: Footer, views: dict[int, DealView], ranked: list[int], shown: int | None
) -> RenderedDigest:
    """The digest with its `shown` biggest deals (`ranked` biggest first), or all of them (None)."""
    title = subject(digest)
    kept = set(ranked if shown is None else ranked[:shown])
    top = ranked[:TOP_DEALS] if len(ranked) > TOP_DEALS else []
    context = {
        "subject": title,
        "date": f"{digest.date:%A %d %B %Y}",
        "zone": digest.recipient.timezone,
        "top": [(views[i].anchor, views[i].headline) for i in top if i in kept],
        "sections": [
            (heading, [views[d.id] for d in deals if d.id in kept])
            for heading, deals in (
                ("Investments", digest.investments),
                ("Partnerships", digest.partnerships),
                ("Launches", digest.launches),
            )
        ],
        "not_shown": len(ranked) - len(kept),
        "list_command": f"dealpulse deals --since {digest.date - timedelta(days=1):%Y-%m-%d}",
        "unconfirmed": [unconfirmed_view(d) for d in digest.unconfirmed] if shown is None else [],
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


def unconfirmed_view(deal: DigestDeal) -> LinkView:
    """An unconfirmed deal as one line: its headline, linking to its first report."""
    first = deal.sources[0] if deal.sources else None
    return LinkView(label=clean(deal.headline), url=safe_link(first.url) if first else None)


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
