"""Stories with known deal events, stored as ingest would store them (no classifier involved), so the
digest tests start from exact deals."""

from __future__ import annotations

import itertools
from datetime import datetime

from pipeline.db.store import Store
from pipeline.records import Classification, DealEvent
from tests.support.helpers import new_article, source

_numbers = itertools.count(1)
SURE = 0.9  # above the digest's default bar, as a classifier's well-supported event is


def funding(
    investee: str,
    *investors: str,
    amount: float | None = None,
    currency: str = "USD",
    usd: float | None = None,
    round: str | None = None,
    rumor: bool = False,
    evidence: str = "",
    confidence: float = SURE,
) -> DealEvent:
    return DealEvent(
        type="investment",
        subtype="funding",
        confidence=confidence,
        parties=(investee, *investors),
        roles=("investee", *["investor"] * len(investors)),
        amount=amount,
        currency=currency if amount else None,
        amount_usd=usd if usd is not None else (amount if currency == "USD" else None),
        round=round,
        rumor=rumor,
        evidence=evidence or f"{investee} raised new money from {', '.join(investors) or 'investors'}.",
    )


def strategic(
    investor: str, investee: str, amount: float, currency: str, usd: float, evidence: str = ""
) -> DealEvent:
    return DealEvent(
        confidence=SURE,
        type="investment",
        subtype="strategic_investment",
        parties=(investor, investee),
        roles=("investor", "investee"),
        amount=amount,
        currency=currency,
        amount_usd=usd,
        evidence=evidence or f"{investor} is investing in {investee}.",
    )


def acquisition(acquirer: str | None, target: str, amount: float | None = None) -> DealEvent:
    """An acquisition in USD; without an acquirer when the report names only the target."""
    named = [(acquirer, "acquirer")] if acquirer else []
    named.append((target, "target"))
    return DealEvent(
        confidence=SURE,
        type="investment",
        subtype="acquisition",
        parties=tuple(p for p, _ in named),
        roles=tuple(r for _, r in named),
        amount=amount,
        currency="USD" if amount else None,
        amount_usd=amount,
    )


def partnership(*partners: str, evidence: str = "", confidence: float = SURE) -> DealEvent:
    return DealEvent(
        confidence=confidence,
        type="partnership",
        subtype=None,
        parties=partners,
        roles=("partner",) * len(partners),
        evidence=evidence or f"{' and '.join(partners)} announced a partnership.",
    )


def launch(launcher: str, product: str, evidence: str = "", confidence: float = SURE) -> DealEvent:
    return DealEvent(
        confidence=confidence,
        type="launch",
        subtype=None,
        parties=(launcher,),
        roles=("launcher",),
        product=product,
        evidence=evidence or f"{launcher} launched {product}.",
    )


def store_story(
    store: Store,
    events: list[DealEvent],
    *,
    published_at: datetime,
    recorded_at: datetime,
    title: str = "A story",
    url: str | None = None,
    outlet: str = "wire",
) -> int:
    """One article from the feed named `outlet` reporting these events; returns the article id."""
    store.feeds.sync([source(outlet, f"https://{outlet}.example.com/feed")], recorded_at)
    feed_id = next(s.id for s in store.feeds.states() if s.name == outlet)
    n = next(_numbers)
    url = url or f"https://{outlet}.example.com/story/{n}"
    stored = store.articles.store(
        new_article(feed_id, url, guid=f"{outlet}-{n}", title=title, text=f"{n}", published_at=published_at)
    )
    store.deals.save_classification(
        stored.article_id,
        published_at,
        Classification(str(stored.article_id), True, False, tuple(events), "test"),
        recorded_at,
    )
    return stored.article_id
