"""Which deals go into a recipient's digest, grouped and ranked. Pure.

A deal is a candidate when DealPulse stored it since the recipient's previous digest (the ledger gives the
window) and it is not yet in any digest of theirs (the ledger enforces that too). Of the candidates:
  - with the setting digest_max_age, a deal first reported longer ago than that is left out (so a feed
    added with a year of backlog does not flood the next morning's mail); off by default: a story new to
    DealPulse is news to its reader, and the item says when it was first reported;
  - the recipient's filters: event types; `min_usd` for investments (one of unknown amount is left out
    when a minimum is set; partnerships and launches have no amount and are kept); the watch list of
    companies, compared by company key ("Mistral" matches "Mistral AI SAS").
Investments come largest US-dollar value first (unknown amounts last), then partnerships and launches,
each most-reported first, then earliest first. A deal less sure than the recipient's bar
(digest_min_confidence) is not in those lists: it goes to a short list of headlines at the end, most sure
first, or (digest_unconfirmed: hide) is not chosen at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from pipeline.names import company_key
from pipeline.records import Digest, DigestDeal, DigestWindow, FeedHealth, Recipient


def wanted(
    deal: DigestDeal, recipient: Recipient, cutoff: datetime, max_age: timedelta | None = None
) -> bool:
    if deal.type not in recipient.types:
        return False
    if max_age is not None and cutoff - deal.first_reported_at > max_age:
        return False
    minimum = recipient.min_usd
    if minimum is not None and deal.type == "investment" and (deal.amount_usd or 0) < minimum:
        return False  # of unknown amount, too: the reader asked for deals of at least this size
    if recipient.companies:
        watched = {company_key(c) for c in recipient.companies}
        return any(company_key(p) in watched for p in deal.parties)
    return True


def solid(deal: DigestDeal, min_confidence: float) -> bool:
    return deal.confidence >= min_confidence


def chosen_deals(
    window: DigestWindow,
    recipient: Recipient,
    max_age: timedelta | None,
    min_confidence: float,
    unconfirmed: str,
) -> list[tuple[DigestDeal, bool]]:
    """The deals a digest records, each with whether it is shown as unconfirmed: the new deals the
    recipient wants (with `unconfirmed` "hide", only those sure enough for the main list: the rest are never
    shown, so not recorded), and the deals shown before as unconfirmed that are sure enough now."""
    now = window.end
    chosen = []
    for deal in window.new:
        if not wanted(deal, recipient, now, max_age):
            continue
        sure = solid(deal, min_confidence)
        if sure or unconfirmed == "list":
            chosen.append((deal, not sure))
    chosen += [
        (deal, False)
        for deal in window.again
        if wanted(deal, recipient, now, max_age) and solid(deal, min_confidence)
    ]
    return chosen


def build_digest(
    recipient: Recipient,
    day: date,
    deals: Iterable[DigestDeal],
    feed_health: Iterable[FeedHealth] = (),
    min_confidence: float = 0.0,
) -> Digest:
    """A digest of these deals (already chosen), grouped and ranked; those less sure than min_confidence
    apart, as unconfirmed."""
    everything = list(deals)
    chosen = [d for d in everything if solid(d, min_confidence)]
    unconfirmed = sorted(
        (d for d in everything if not solid(d, min_confidence)), key=lambda d: (-d.confidence, d.id)
    )

    def by_reach(deal: DigestDeal) -> tuple[int, datetime, int]:
        return (-len(deal.sources), deal.first_reported_at, deal.id)

    investments = sorted(
        (d for d in chosen if d.type == "investment"),
        key=lambda d: (d.amount_usd is None, -(d.amount_usd or 0), *by_reach(d)),
    )
    return Digest(
        recipient=recipient,
        date=day,
        investments=tuple(investments),
        partnerships=tuple(sorted((d for d in chosen if d.type == "partnership"), key=by_reach)),
        launches=tuple(sorted((d for d in chosen if d.type == "launch"), key=by_reach)),
        feed_health=tuple(feed_health),
        unconfirmed=tuple(unconfirmed),
    )
