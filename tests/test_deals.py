"""Merging one deal told by several outlets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.deals import DealSummary, DealUpdate, headline, merge, partnership_topic, revisions
from pipeline.names import company_key, same_company
from pipeline.records import DealEvent, in_role_order
from tests.support.deal_stories import acquisition, strategic

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
    return DealSummary(
        id=deal_id,
        type=event.type,
        subtype=event.subtype,
        parties=event.parties,
        roles=event.roles,
        first_reported_at=when,
        last_reported_at=when,
        amount=event.amount,
        currency=event.currency,
        amount_usd=event.amount_usd,
        rumor=event.rumor,
        product=event.product,
    )


def find_deal(event: DealEvent, when: datetime, deals: list[DealSummary]) -> DealSummary | None:
    """The deal merge() joins the event to, or None."""
    update = merge(event, when, deals)
    return next(d for d in deals if d.id == update.deal_id) if update else None


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


def test_a_headline_puts_no_party_in_a_role_the_roles_do_not_give_it() -> None:
    # a round whose investee was not found: "Esther Dyson raises" would name an investor as the raiser
    assert headline(
        "investment",
        "funding",
        ["Esther Dyson", "Veritas"],
        amount=15e6,
        currency="USD",
        roles=["investor"] * 2,
    ) == ("Esther Dyson and Veritas invest USD 15M")
    assert headline("investment", "funding", ["Veritas"], roles=["investor"]) == "Veritas invests in a round"
    # two buyers and no target: not "Apple acquires Cupertino"
    assert (
        headline("investment", "acquisition", ["Apple", "Cupertino"], roles=["acquirer", "acquirer"])
        == "Apple makes an acquisition"
    )
    assert (
        headline("investment", "acquisition", ["Apple", "Laserlike"], roles=["acquirer", "target"])
        == "Apple acquires Laserlike"
    )
    # the target found among the parties by its role, wherever it is
    assert (
        headline(
            "investment",
            "acquisition",
            ["ServiceNow", "Montreal", "Element AI"],
            roles=["acquirer", "acquirer", "target"],
        )
        == "ServiceNow acquires Element AI"
    )


def test_parties_go_in_the_order_of_their_roles() -> None:
    assert in_role_order("funding", ["Sequoia", "Hebbia", "a16z"], ["investor", "investee", "investor"]) == (
        ("Hebbia", "Sequoia", "a16z"),
        ("investee", "investor", "investor"),
    )
    assert in_role_order("acquisition", ["Element AI", "ServiceNow"], ["target", "acquirer"]) == (
        ("ServiceNow", "Element AI"),
        ("acquirer", "target"),
    )
    assert in_role_order(None, ["B", "A"], ["partner", "partner"]) == (("B", "A"), ("partner", "partner"))


def test_company_names_match_across_spellings_and_acronyms() -> None:
    assert same_company("WNS", "WNS India")
    assert same_company("Meta", "Meta Platforms")
    assert same_company("AMD", "Advanced Micro Devices")
    assert company_key("Advanced Micro Devices, Inc.") == company_key("AMD")  # one key where counted
    assert same_company("Mistral", "Mistral AI SAS")
    assert not same_company("Meta", "Metaculus")
    assert not same_company("AI", "Anthropic Inc")  # a key too short to start another


def test_an_acquisition_is_one_deal_whatever_the_amount_and_its_closing_months_later() -> None:
    announced = stored(acquisition("Capgemini", "WNS", 3.3e9))
    assert find_deal(acquisition("Capgemini", "WNS India", 3.4e9), MONDAY, [announced]) == announced
    assert find_deal(acquisition("Capgemini", "WNS"), MONDAY + timedelta(days=120), [announced]) == announced
    assert find_deal(acquisition(None, "WNS"), MONDAY, [announced]) == announced  # the target alone
    # another buyer of the same company is another deal
    assert find_deal(acquisition("Accenture", "WNS"), MONDAY, [announced]) is None


def test_a_deal_that_names_a_wrong_target_beside_the_right_one_still_meets_its_reports() -> None:
    # the classifier took a headline fragment for a second target: the real one still matches
    deal = stored(
        replace(
            acquisition("SoftBank", "Graphcore"),
            parties=("SoftBank", "Chip Ambitions", "Graphcore"),
            roles=("acquirer", "target", "target"),
        )
    )
    assert find_deal(acquisition("SoftBank", "Graphcore"), MONDAY, [deal]) == deal
    assert find_deal(acquisition(None, "Graphcore"), MONDAY, [deal]) == deal
    assert find_deal(acquisition("Arm", "Graphcore"), MONDAY, [deal]) is None  # another buyer


def test_rounds_that_name_no_raiser_are_one_deal_only_with_two_companies_in_common() -> None:
    def backers(*names: str) -> DealEvent:
        return DealEvent("investment", "funding", names, ("investor",) * len(names), amount_usd=2e8)

    deal = stored(backers("Northgate", "OpenAI", "Atlas"))
    assert find_deal(backers("Zephyr", "OpenAI"), MONDAY, [deal]) is None  # one common backer: not enough
    assert find_deal(backers("Atlas", "Northgate"), MONDAY, [deal]) == deal
    assert find_deal(investment(("Quillon", "OpenAI"), subtype="funding"), MONDAY, [deal]) == deal


def test_a_round_and_a_stake_of_compatible_amounts_are_one_deal() -> None:
    deal = stored(strategic("Amazon", "Anthropic", 4e9, "USD", 4e9))
    round_ = investment(("Anthropic",), subtype="funding")
    assert find_deal(replace(round_, amount_usd=4e9), MONDAY, [deal]) == deal
    assert find_deal(replace(round_, amount_usd=1e8), MONDAY, [deal]) is None


def test_a_rumour_and_its_confirmation_are_one_deal_with_a_revision() -> None:
    rumour = stored(investment(("SAP", "Aleph Alpha"), amount=None, rumor=True))
    update = merge(investment(("SAP", "Aleph Alpha"), amount=1e8), MONDAY + timedelta(days=6), [rumour])
    assert isinstance(update, DealUpdate)
    assert update.fields["rumor"] is False
    assert update.fields["amount"] == 1e8
    assert [r.field for r in update.revisions] == ["amount", "rumor"]


def test_a_round_reported_again_with_another_amount_is_revised_and_keeps_its_investors() -> None:
    deal = stored(investment(("Hebbia", "Index Ventures"), subtype="funding", amount=2e8))
    update = merge(
        investment(("Hebbia AI", "Andreessen Horowitz"), subtype="funding", amount=2.35e8),
        MONDAY + timedelta(days=2),
        [deal],
    )
    assert update is not None
    assert "parties" not in update.fields  # the first report's investors stand
    assert [(r.field, r.old, r.new) for r in update.revisions] == [
        ("amount", "200000000 EUR", "235000000 EUR")
    ]
    assert "first_reported_at" not in update.fields  # only what changes


def test_a_buyer_learnt_later_goes_before_the_target() -> None:
    deal = stored(acquisition(None, "Graphcore"))
    update = merge(acquisition("SoftBank", "Graphcore"), MONDAY, [deal])
    assert update is not None
    assert update.fields["parties"] == ["SoftBank", "Graphcore"]
    assert update.fields["roles"] == ["acquirer", "target"]


def test_a_launch_is_one_deal_when_one_product_name_starts_the_other() -> None:
    def launch(product: str, maker: str = "OpenAI") -> DealEvent:
        return DealEvent("launch", None, (maker,), ("launcher",), product=product)

    deal = stored(launch("Sora"))
    assert find_deal(launch("Sora: the text-to-video model"), MONDAY, [deal]) == deal
    assert find_deal(launch("GPT-5"), MONDAY, [deal]) is None
    assert find_deal(launch("Sora", maker="Google"), MONDAY, [deal]) is None
    # a report that names no product is of the maker's launch it meets
    unnamed = DealEvent("launch", None, ("OpenAI",), ("launcher",))
    assert find_deal(unnamed, MONDAY, [deal]) == deal
    assert find_deal(replace(unnamed, parties=("Google",)), MONDAY, [deal]) is None


@pytest.mark.parametrize(
    ("evidence", "topic"),
    [
        ("Microsoft and G42 will partner on AI in the Gulf, the companies said.", "on AI in the Gulf"),
        (
            "Zephyr signed a multi-year partnership with Quillmark to build data centres in Texas.",
            "to build data centres in Texas",
        ),
        ("Brisk teams up with Gale to bring its models to Europe.", "to bring its models to Europe"),
        ("Northwind partners with Lumen Labs on chip design, which starts next year.", "on chip design"),
        ("Zephyr and Quillmark join forces.", None),
        ("Quillmark partnered with Zephyr for its news content.", None),  # whose content?
        ("Brisk is a partner to ChatGPT maker OpenAI.", None),  # a noun, not an aim
        ("Gale: Partnering With Zephyr For More Personalized Language Learning", None),  # Title Case
        ("Zephyr partners with Quillmark to do many different things across all of its many units.", None),
    ],
)
def test_a_partnership_s_topic_is_what_its_evidence_says_it_is_about(
    evidence: str, topic: str | None
) -> None:
    assert partnership_topic(evidence) == topic


def test_a_partnership_headline_names_its_topic_where_the_evidence_says_one() -> None:
    evidence = "Microsoft and G42 will partner on AI in the Gulf, the companies said."
    assert headline("partnership", None, ("Microsoft", "G42"), evidence=evidence) == (
        "Microsoft and G42 partner on AI in the Gulf"
    )
    assert (
        headline("partnership", None, ("Microsoft", "G42"), evidence="They agreed.")
        == "Microsoft and G42 partner"
    )
