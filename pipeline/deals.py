"""Merging one deal told by many outlets: which stored deal an event belongs to, and what it changes. Pure.

A deal is identified by its type and its canonical parties (company_key: "Mistral", "Mistral AI" and
"Mistral AI SAS" are one):
  - funding: the investee (investor lists differ from outlet to outlet);
  - acquisition and strategic investment: the two parties, in order;
  - partnership: any two parties in common;
  - launch: the launcher and the product.
Reports more than WINDOW apart are different deals (a company's next round is a new deal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.classify.entities import company_key
from pipeline.records import DealEvent

WINDOW = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class DealSummary:
    """What the merge needs to know of a stored deal."""

    id: int
    type: str
    subtype: str | None
    key: str
    party_keys: frozenset[str]
    first_reported_at: datetime
    last_reported_at: datetime
    amount: float | None
    currency: str | None
    rumor: bool


@dataclass(frozen=True, slots=True)
class Revision:
    """A change a new report makes to a stored deal."""

    field: str
    old: str | None
    new: str | None


def deal_key(event: DealEvent) -> str:
    """The identity of the deal an event reports, as text (stored, indexed)."""
    keys = [company_key(p) for p in event.parties if company_key(p)]
    if event.type == "launch":
        return f"launch:{keys[0] if keys else ''}:{company_key(event.product or '')}"
    if event.type == "partnership":
        return "partnership:" + "+".join(sorted(set(keys)))
    if event.subtype == "funding":
        return f"investment:funding:{keys[0] if keys else ''}"
    return f"investment:{event.subtype}:{'>'.join(keys[:2])}"


def find_deal(
    event: DealEvent, reported_at: datetime, candidates: Sequence[DealSummary]
) -> DealSummary | None:
    """The stored deal this event reports, if any: same type and parties, within WINDOW of its reports."""
    key = deal_key(event)
    party_keys = {company_key(p) for p in event.parties if company_key(p)}
    for deal in candidates:
        if deal.type != event.type:
            continue
        if not deal.first_reported_at - WINDOW <= reported_at <= deal.last_reported_at + WINDOW:
            continue
        if event.type == "partnership":
            if len(party_keys & deal.party_keys) >= min(2, len(party_keys), len(deal.party_keys)):
                return deal
        elif deal.key == key:
            return deal
    return None


def revisions(deal: DealSummary, event: DealEvent) -> list[Revision]:
    """What this report changes: an amount that was missing or differs, a rumour now confirmed."""
    changes = []
    if event.amount is not None and (
        deal.amount is None or abs(deal.amount - event.amount) > 1e-6 * event.amount
    ):
        changes.append(
            Revision("amount", _money(deal.amount, deal.currency), _money(event.amount, event.currency))
        )
    if deal.rumor and not event.rumor:
        changes.append(Revision("rumor", "rumoured", "confirmed"))
    return changes


def headline(
    event_type: str,
    subtype: str | None,
    parties: Sequence[str],
    *,
    amount: float | None = None,
    currency: str | None = None,
    product: str | None = None,
) -> str:
    """A one-line title for a deal: "Microsoft invests EUR 15M in Mistral AI"."""
    money = f" {short_money(amount, currency)}" if amount is not None else ""
    first = parties[0] if parties else "Unknown"
    second = parties[1] if len(parties) > 1 else None
    if event_type == "launch":
        return f"{first} launches {product}" if product else f"{first} launches a product"
    if event_type == "partnership":
        names = ", ".join(parties[:-1]) + f" and {parties[-1]}" if len(parties) > 1 else first
        return f"{names} partner"
    if subtype == "acquisition":
        return (
            f"{first} acquires {second}{' for' + money if money else ''}"
            if second
            else f"{first} makes an acquisition"
        )
    if subtype == "strategic_investment":
        return f"{first} invests{money} in {second}" if second else f"{first} makes a strategic investment"
    return f"{first} raises{money or ' new funding'}"


def _money(amount: float | None, currency: str | None) -> str | None:
    return None if amount is None else f"{amount:.0f} {currency or ''}".strip()


def short_money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return ""
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= factor:
            figure = f"{amount / factor:.1f}".rstrip("0").rstrip(".")
            return f"{currency or ''} {figure}{suffix}".strip()
    return f"{currency or ''} {amount:.0f}".strip()


@dataclass(frozen=True, slots=True)
class EventChanges:
    """What a new reading of one article changed."""

    added: tuple[DealEvent, ...]
    removed: tuple[DealEvent, ...]
    changed: tuple[tuple[DealEvent, DealEvent], ...]


def compare_events(old: Sequence[DealEvent], new: Sequence[DealEvent]) -> EventChanges:
    """Events matched by deal identity; a matched pair that differs in amount, currency, parties, product
    or rumour is a change."""
    old_by_key = {deal_key(e): e for e in old}
    new_by_key = {deal_key(e): e for e in new}
    added = tuple(e for k, e in new_by_key.items() if k not in old_by_key)
    removed = tuple(e for k, e in old_by_key.items() if k not in new_by_key)
    changed = tuple(
        (old_by_key[k], e)
        for k, e in new_by_key.items()
        if k in old_by_key and _fingerprint(old_by_key[k]) != _fingerprint(e)
    )
    return EventChanges(added, removed, changed)


def _fingerprint(event: DealEvent) -> tuple[object, ...]:
    return (
        event.subtype,
        tuple(company_key(p) for p in event.parties),
        event.amount,
        event.currency,
        event.product,
        event.rumor,
        event.round,
    )
