"""Merging one deal told by several outlets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.deals import DealSummary, deal_key, find_deal, headline, revisions
from pipeline.records import DealEvent

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def investment(
    parties: tuple[str, ...],
    subtype: str = "strategic_investment",
    amount: float | None = None,
    rumor: bool = False,
) -> DealEvent:
    roles = (
        ("investor", "investee")
        if subtype != "funding"
        else ("investee",) + ("investor",) * (len(parties) - 1)
    )
    return DealEvent(
        type="investment",
        subtype=subtype,
        parties=parties,
        roles=roles,
        amount=amount,
        currency="EUR" if amount else None,
        rumor=rumor,
    )


def stored(event: DealEvent, deal_id: int = 1, when: datetime = MONDAY) -> DealSummary:
    from pipeline.classify.entities import company_key

    return DealSummary(
        id=deal_id,
        type=event.type,
        subtype=event.subtype,
        key=deal_key(event),
        party_keys=frozenset(company_key(p) for p in event.parties),
        first_reported_at=when,
        last_reported_at=when,
        amount=event.amount,
        currency=event.currency,
        rumor=event.rumor,
    )


def test_name_variants_are_one_deal() -> None:
    first = investment(("Microsoft", "Mistral AI"))
    deal = stored(first)
    for variant in (("Microsoft Corp.", "Mistral"), ("Microsoft", "Mistral AI SAS")):
        assert find_deal(investment(variant), MONDAY + timedelta(hours=5), [deal]) == deal


def test_funding_rounds_merge_on_the_investee_whatever_the_investors() -> None:
    deal = stored(investment(("Hebbia", "Andreessen Horowitz"), subtype="funding", amount=1e8))
    later = investment(("Hebbia", "Index Ventures", "Peak XV"), subtype="funding", amount=1e8)
    assert find_deal(later, MONDAY + timedelta(days=1), [deal]) == deal


def test_different_deals_stay_apart() -> None:
    deal = stored(investment(("Microsoft", "Mistral AI")))
    assert find_deal(investment(("Amazon", "Anthropic")), MONDAY, [deal]) is None
    assert find_deal(investment(("Microsoft", "Mistral AI"), subtype="acquisition"), MONDAY, [deal]) is None
    # the same parties months later: a new deal
    assert find_deal(investment(("Microsoft", "Mistral AI")), MONDAY + timedelta(days=90), [deal]) is None


def test_partnerships_merge_on_two_shared_parties() -> None:
    partnership = DealEvent(
        type="partnership",
        subtype=None,
        parties=("Microsoft", "Mistral AI", "OpenAI"),
        roles=("partner",) * 3,
    )
    deal = stored(partnership)
    other = DealEvent(
        type="partnership", subtype=None, parties=("Mistral", "Microsoft"), roles=("partner",) * 2
    )
    assert find_deal(other, MONDAY, [deal]) == deal
    unrelated = DealEvent(
        type="partnership", subtype=None, parties=("Mistral", "Google Cloud"), roles=("partner",) * 2
    )
    assert find_deal(unrelated, MONDAY, [deal]) is None


def test_revisions_amount_and_confirmation() -> None:
    deal = stored(investment(("SAP", "Aleph Alpha"), amount=None, rumor=True))
    confirmed = investment(("SAP", "Aleph Alpha"), amount=1e8, rumor=False)
    changes = revisions(deal, confirmed)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("amount", None, "100000000 EUR"),
        ("rumor", "rumoured", "confirmed"),
    ]
    assert revisions(stored(confirmed), confirmed) == []


def test_headlines() -> None:
    assert headline(
        "investment", "strategic_investment", ["Microsoft", "Mistral AI"], amount=15e6, currency="EUR"
    ) == ("Microsoft invests EUR 15M in Mistral AI")
    assert (
        headline("investment", "funding", ["Hebbia"], amount=1e8, currency="USD") == "Hebbia raises USD 100M"
    )
    assert headline("investment", "acquisition", ["Nvidia", "Run:ai"], amount=7e8, currency="USD") == (
        "Nvidia acquires Run:ai for USD 700M"
    )
    assert (
        headline("investment", "funding", ["xAI"], amount=1.05e10, currency="USD") == "xAI raises USD 10.5B"
    )
    assert headline("launch", None, ["OpenAI"], product="Sora") == "OpenAI launches Sora"
    assert headline("partnership", None, ["Axel Springer", "OpenAI"]) == ("Axel Springer and OpenAI partner")
