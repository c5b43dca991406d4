"""One story's deals put back together once the models have weighed them: the names each keeps, the events
that are one deal, the events that are another's side. Pure functions over made-up events."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.classify.storydeals import (
    one_company_raising,
    one_name_per_company,
    parties_kept,
    same_deal_of_one_story,
    with_acquisitions_told_once,
    with_launches_by_name,
    with_list_mates,
    with_maker_and_product_in_place,
    with_product_named,
    without_bystanders,
)
from pipeline.records import DealEvent


def test_a_company_named_in_full_and_shortly_is_one_party_under_its_first_name() -> None:
    parties = [("Cerebras Systems", "partner"), ("OpenAI", "partner"), ("Cerebras", "partner")]
    assert one_name_per_company(parties) == [("Cerebras Systems", "partner"), ("OpenAI", "partner")]
    assert one_name_per_company([("Google", "partner"), ("Googleplex Labs", "partner")]) == [
        ("Google", "partner"),
        ("Googleplex Labs", "partner"),
    ]
    # a name cut off mid-word (a summary cut short) gives way to the whole one, in its place
    assert one_name_per_company(
        [("Business Dev", "investor"), ("Business Development Bank", "investor")]
    ) == [("Business Development Bank", "investor")]
    cut = [
        ("Fidelity Investments Ca", "investor"),
        ("Intel", "investor"),
        ("Fidelity Investments Canada", "investor"),
    ]
    assert one_name_per_company(cut) == [("Fidelity Investments Canada", "investor"), ("Intel", "investor")]


def test_a_name_that_is_another_s_last_words_is_that_company_under_the_whole_name() -> None:
    told = [("The Times", "partner"), ("Amazon", "partner"), ("The New York Times", "partner")]
    assert one_name_per_company(told) == [("The New York Times", "partner"), ("Amazon", "partner")]
    assert one_name_per_company([("New York Times", "partner"), ("York Times", "partner")]) == [
        ("New York Times", "partner")
    ]
    # one word in common is not enough: the last words must be the other's whole
    assert one_name_per_company([("Times Internet", "partner"), ("New York Times", "partner")]) == [
        ("Times Internet", "partner"),
        ("New York Times", "partner"),
    ]


def test_a_deal_keeps_the_names_the_model_weighs_high_enough_and_its_likeliest_whatever_its_weight() -> None:
    round_ = DealEvent(type="investment", subtype="funding", parties=(), roles=(), evidence="")
    weighed = [
        (0.2, "Orvane", "investee"),
        (0.6, "Vardal Labs", "investor"),
        (0.5, "Kestrel", "investor"),
        (0.1, "Separately", "investor"),
    ]
    assert parties_kept(round_, weighed, 0.3) == [("Vardal Labs", "investor"), ("Kestrel", "investor")]
    partnership = DealEvent(type="partnership", subtype=None, parties=(), roles=(), evidence="")
    assert parties_kept(partnership, [(0.1, "Orvane", "partner"), (0.2, "Vardal", "partner")], 0.3) == [
        ("Vardal", "partner")
    ]
    launch = DealEvent(type="launch", subtype=None, parties=(), roles=(), evidence="")
    assert parties_kept(launch, [(0.5, "Orvane", "launcher"), (0.9, "Vardal", "launcher")], 0.3) == [
        ("Vardal", "launcher")
    ]


def test_two_rounds_of_one_story_sharing_two_investors_are_one_raised_by_the_first_company() -> None:
    told = DealEvent(
        "investment",
        "funding",
        ("Orvane", "Kestrel", "Vardal Capital"),
        ("investee", "investor", "investor"),
        amount=50e6,
        currency="USD",
        amount_usd=50e6,
    )
    # "It is led by Lumen Ventures and backed by Kestrel and Vardal Capital": a round of Lumen's, to the rules
    led = DealEvent(
        "investment",
        "funding",
        ("Lumen Ventures", "Kestrel", "Vardal Capital"),
        ("investee", "investor", "investor"),
    )
    assert same_deal_of_one_story(told, led)
    assert not same_deal_of_one_story(told, replace(led, amount=90e6, currency="USD", amount_usd=90e6))
    assert not same_deal_of_one_story(told, replace(led, parties=("Lumen Ventures", "Kestrel", "Brio")))
    assert one_company_raising(
        [("Orvane", "investee"), ("Kestrel", "investor"), ("Lumen Ventures", "investee")]
    ) == [("Orvane", "investee"), ("Kestrel", "investor"), ("Lumen Ventures", "investor")]


def test_an_acquisition_s_buyer_and_what_it_bought_told_in_two_sentences_are_one_deal() -> None:
    buyer = DealEvent("investment", "acquisition", ("Canvo",), ("acquirer",))
    bought = DealEvent("investment", "acquisition", ("Lumo.ai",), ("target",))
    assert same_deal_of_one_story(buyer, bought)
    assert not same_deal_of_one_story(buyer, replace(bought, parties=("Brio",), roles=("acquirer",)))
    priced = replace(bought, amount=1e9, currency="USD", amount_usd=1e9)
    assert not same_deal_of_one_story(replace(buyer, amount=2e8, currency="USD", amount_usd=2e8), priced)


def test_a_partnership_of_a_company_bought_and_its_buyer_is_the_acquisition_s_side_and_goes() -> None:
    bought = DealEvent("investment", "acquisition", ("Hexa",), ("acquirer",))
    talks = DealEvent("partnership", None, ("Lumo", "Hexa"), ("partner", "partner"))
    elsewhere = DealEvent("partnership", None, ("Brio", "Orvane"), ("partner", "partner"))
    assert with_acquisitions_told_once([talks, bought, elsewhere]) == [bought, elsewhere]
    # a stake and a partnership of the same two companies are two deals (the labelling rules' own example)
    stake = DealEvent("investment", "strategic_investment", ("Hexa", "Lumo"), ("investor", "investee"))
    assert with_acquisitions_told_once([stake, talks]) == [stake, talks]


def test_a_name_every_mention_shows_as_a_bystander_is_no_party_of_the_deal() -> None:
    texts = [
        "Microsoft invests in Orvane, an OpenAI rival.",
        "The deal lets Microsoft expand beyond OpenAI.",
        "Orvane competes with Anthropic, and Anthropic said nothing.",
    ]
    parties = [
        ("Microsoft", "investor"),
        ("Orvane", "investee"),
        ("OpenAI", "investor"),
        ("Anthropic", "investor"),
    ]
    # OpenAI is only ever a rival; Anthropic is one once, and named plainly once
    assert without_bystanders(parties, texts, "en") == [
        ("Microsoft", "investor"),
        ("Orvane", "investee"),
        ("Anthropic", "investor"),
    ]
    # a company named only as someone's past employer is a bystander too
    past = ["Orvane raised $10 million.", "Its founder is the former Quillon AI chief."]
    assert without_bystanders([("Orvane", "investee"), ("Quillon", "investor")], past, "en") == [
        ("Orvane", "investee")
    ]
    # in German and French too, and through a title: "the former head of", "l'ancien patron de"
    for told_before in (
        "Its founder is the former head of Quillon.",
        "Sa fondatrice est l'ancienne patronne de Quillon.",
        "Gegründet von ehemaligen Mitarbeitern von Quillon.",
    ):
        round_of_two = [("Orvane", "investee"), ("Quillon", "investor")]
        assert without_bystanders(round_of_two, [past[0], told_before], "en") == [("Orvane", "investee")]
    # through a longer title, and for every member of a list after it
    for founded_by in (
        "Gegründet von ehemaligen Forschern für künstliche Intelligenz von Quillon und Velmora.",
        "Fondée par d'anciens chercheurs en IA de Quillon et Velmora.",
    ):
        round_of_three = [("Orvane", "investee"), ("Quillon", "investor"), ("Velmora", "investor")]
        assert without_bystanders(round_of_three, [past[0], founded_by], "en") == [("Orvane", "investee")]
    # but a list after a cue ends at a word in lower case: "to take on the odds and Velmora" names no rival
    odds = ["Orvane raised $10 million to take on the odds and Velmora led it."]
    assert without_bystanders([("Orvane", "investee"), ("Velmora", "investor")], odds, "en") == [
        ("Orvane", "investee"),
        ("Velmora", "investor"),
    ]
    # and a company named only as another's partner of old ("its exclusive partner, Quillon")
    allied = ["Orvane signs with Velmora.", "Velmora's exclusive partner, Quillon, said nothing."]
    deal_of_two = [("Orvane", "partner"), ("Velmora", "partner"), ("Quillon", "partner")]
    assert without_bystanders(deal_of_two, allied, "en") == deal_of_two[:2]
    # but a former investor is still one
    again = ["Orvane raised $15 million, joined by former investor Quillon Global."]
    round_again = [("Orvane", "investee"), ("Quillon Global", "investor")]
    assert without_bystanders(round_again, again, "en") == round_again
    # and one named only as a person's affiliation ("Skype co-founder Jaan Tallinn")
    backers = ["Orvane raised $10 million.", "Backers include Quillon co-founder Ada Lind."]
    round_ = [("Orvane", "investee"), ("Quillon", "investor")]
    assert without_bystanders(round_, backers, "en") == [("Orvane", "investee")]
    # and a common word that only opens a phrase about someone else
    told = ["Global news publisher Axel Springer partners with Orvane.", "Axel Springer said so."]
    deal = [("Axel Springer", "partner"), ("Global", "partner"), ("Orvane", "partner")]
    assert without_bystanders(deal, told, "en") == [("Axel Springer", "partner"), ("Orvane", "partner")]
    # a company called by a common word, also named mid-sentence, stays
    figure = ["Figure raised $675 million.", "Investors in Figure include Orvane."]
    assert without_bystanders([("Orvane", "investor"), ("Figure", "investee")], figure, "en") == [
        ("Orvane", "investor"),
        ("Figure", "investee"),
    ]
    # and one named only as a bystander's backer, in a relative clause
    backed = ["Orvane raised $6 billion.", "Quillon, which is backed by Velmora, raised more."]
    assert without_bystanders([("Orvane", "investee"), ("Velmora", "investor")], backed, "en") == [
        ("Orvane", "investee")
    ]
    # a deal of bystanders only has no party left (and is no deal of the story's)
    assert without_bystanders([("OpenAI", "partner")], texts, "en") == []


def test_a_product_or_unit_every_mention_shows_after_a_known_company_is_no_party() -> None:
    texts = [
        "Anthropic and Amazon expand their partnership",
        "Claude 3 Haiku is now available on Amazon Bedrock, beside Meta's Llama and Meta's Llama Guard.",
        "Zephyr, the Lisbon startup, joins too; Zephyr Cloud comes later. Google Eric Schmidt spoke.",
    ]
    parties = [("Anthropic", "partner"), ("Amazon", "partner"), ("Bedrock", "partner"), ("Llama", "partner")]
    assert without_bystanders(parties, texts, "en") == parties[:2]
    # named alone once, or a person after the company's name: they stay
    assert without_bystanders([("Zephyr", "partner"), ("Eric Schmidt", "partner")], texts, "en") == [
        ("Zephyr", "partner"),
        ("Eric Schmidt", "partner"),
    ]


def test_a_name_every_mention_shows_describing_another_company_is_no_party() -> None:
    texts = [
        "Globex buys Zephyr",
        "The deal closed. The Cupertino tech giant confirmed it; Zephyr, a Lisbon startup, agreed.",
    ]
    parties = [("Globex", "acquirer"), ("Cupertino", "target"), ("Zephyr", "target")]
    assert without_bystanders(parties, texts, "en") == [("Globex", "acquirer"), ("Zephyr", "target")]
    # a known company is that company, whatever follows it
    assert without_bystanders([("Samsung", "investor")], ["The Samsung group invests."], "en") == [
        ("Samsung", "investor")
    ]


def test_the_outlet_reporting_the_news_is_no_party() -> None:
    texts = [
        "Orvane raises $40 million, according to the Daily Quill.",
        "Orvane lève 40 millions, confirmant des informations du Courrier et des Gazettes.",
        "rapportaient mercredi le Morning Post et le Evening Star. Source: The Harbour Times",
        "Zephyr led the round, the Weekly Beacon reported. Zephyr declined to comment.",
    ]
    names = ["Orvane", "Daily Quill", "Courrier", "Gazettes", "Evening Star", "The Harbour Times", "Zephyr"]
    parties = [(name, "investor") for name in names]
    assert without_bystanders(parties, texts, "en") == [("Orvane", "investor"), ("Zephyr", "investor")]
    # a list before the name is of capitalised names: "according to people close to it and Zephyr" is none
    hearsay = ["Orvane raised $40 million, according to people close to it and Zephyr."]
    assert without_bystanders([("Orvane", "investee"), ("Zephyr", "investor")], hearsay, "en") == [
        ("Orvane", "investee"),
        ("Zephyr", "investor"),
    ]
    # an outlet that is a party is named as one somewhere: it stays
    licensing = ["The Daily Quill licenses its archive to Orvane, according to the Daily Quill."]
    deal = [("Orvane", "partner"), ("The Daily Quill", "partner")]
    assert without_bystanders(deal, licensing, "en") == deal


def test_a_product_is_no_party() -> None:
    texts = [
        "Orvane partners with Velmora to host Zephyr 2 and Zephyr 3 models; a Quillon 2.5 update follows.",
        "Its family of models, known as NOVA, runs on MX300X chips. Loomi is built on Zephyr.",
    ]
    names = ["Orvane", "Velmora", "Zephyr", "Quillon", "NOVA", "MX300X"]
    parties = [(name, "partner") for name in names]
    assert without_bystanders(parties, texts, "en") == parties[:2]
    # a company with a number in its name stays ("G42"), and so does a name also named plainly
    plain = ["G42 partners with Orvane on Orvane 2."]
    assert without_bystanders([("G42", "partner"), ("Orvane", "partner")], plain, "en") == [
        ("G42", "partner"),
        ("Orvane", "partner"),
    ]


def test_a_name_describing_another_company_or_the_backer_of_a_past_round_is_no_party() -> None:
    texts = [
        "Zephyr raised $20 million from Velmora Corp. supplier Orvane and Quillon venture fund Loomi.",
        "It follows a previously undisclosed Series A round led by Harlow Partners.",
    ]
    parties = [(n, r) for n, r in [("Zephyr", "investee"), ("Velmora", "investor"), ("Orvane", "investor")]]
    parties += [("Quillon", "investor"), ("Loomi", "investor"), ("Harlow Partners", "investor")]
    assert without_bystanders(parties, texts, "en") == [
        ("Zephyr", "investee"),
        ("Orvane", "investor"),
        ("Loomi", "investor"),
    ]


def test_a_person_named_beside_the_firm_that_invested_is_no_party() -> None:
    texts = ["Investors include Orvane and Ada Lind (Lind Ventures)."]
    parties = [("Zephyr", "investee"), ("Orvane", "investor"), ("Ada Lind", "investor")]
    parties.append(("Lind Ventures", "investor"))
    assert without_bystanders(parties, texts, "en") == [parties[0], parties[1], parties[3]]
    # without the firm among the parties, the person stays
    assert without_bystanders(parties[:3], texts, "en") == parties[:3]


def test_a_launch_of_a_known_company_by_a_product_is_turned_the_right_way_round() -> None:
    launch = DealEvent(
        type="launch",
        subtype=None,
        parties=("Opus",),
        roles=("launcher",),
        product="Amazon",
        evidence="Claude 3 Opus is now available on Amazon Bedrock.",
    )
    turned = with_maker_and_product_in_place(launch)
    assert (turned.parties, turned.product) == (("Amazon",), "Opus")
    # two companies, or a product that is no known company: left as they are
    assert with_maker_and_product_in_place(replace(launch, parties=("Google",))) == replace(
        launch, parties=("Google",)
    )
    assert with_maker_and_product_in_place(replace(launch, product="Bedrock")) == replace(
        launch, product="Bedrock"
    )
    # a company of the well-known list, beyond the rules' own: "DeepSeek" launched by its model "R1"
    reversed_launch = replace(launch, parties=("R1",), product="DeepSeek", evidence="R1 by DeepSeek is out.")
    turned = with_maker_and_product_in_place(reversed_launch)
    assert (turned.parties, turned.product) == (("DeepSeek",), "R1")


@pytest.mark.parametrize(
    ("product", "named"),
    [
        ("Sora: The text-to-video model", "Sora"),
        ("Gemini - SCI & TECH", "Gemini"),
        ("Zephyr 2", "Zephyr 2"),
        ("Nova 2", "Nova 2"),  # named like a person, but numbered: a product
        ("Claude 3 Haiku", "Claude 3 Haiku"),
        ("ChatGPT-style", None),  # what the product is like, not which
        ("AI-powered", None),
        ("research preview", None),  # no name in lower case only
        ("Globex", None),  # the launch's own company
        ("OpenAI", None),  # a known company is no product
        ("Scott Guthrie", None),  # a person
        ("Googl", None),  # a known company's name cut off
        (None, None),
    ],
)
def test_a_launch_s_product_is_a_name_or_none(product: str | None, named: str | None) -> None:
    launch = DealEvent(
        type="launch", subtype=None, parties=("Globex",), roles=("launcher",), product=product, evidence="x"
    )
    assert with_product_named(launch) == replace(launch, product=named)


def test_a_party_listed_with_one_the_model_keeps_is_kept_too() -> None:
    names = ("Globex", "Initech", "Hooli", "Zephyr", "Acme")
    partnership = DealEvent(
        type="partnership",
        subtype=None,
        parties=names,
        roles=("partner",) * 5,
        evidence="Globex, Initech, Hooli et Zephyr s'allient.",
    )
    texts = ["Globex, Initech, Hooli et Zephyr s'allient.", "Acme, a rival, watched."]
    kept = with_list_mates([("Hooli", "partner")], partnership, texts)
    assert kept == [(name, "partner") for name in names[:4]]  # Acme is in no list with them
    # a list of two is no list; nothing kept, nothing brought back; a launch keeps its one maker
    assert with_list_mates([("Globex", "partner")], partnership, ["Globex and Initech sign."]) == [
        ("Globex", "partner")
    ]
    assert with_list_mates([], partnership, texts) == []
    launch = replace(partnership, type="launch", roles=("launcher",) * 5)
    assert with_list_mates([("Hooli", "launcher")], launch, texts) == [("Hooli", "launcher")]


def test_a_span_of_time_read_as_a_name_is_no_party() -> None:
    texts = [
        "Vier Wochen altes KI-Start-up sammelt 50 Millionen Euro ein.",
        "Drei Jahre Arbeit stecken darin.",
    ]
    assert without_bystanders([("Vier Wochen", "investee"), ("Harrow", "investor")], texts, "de") == [
        ("Harrow", "investor")
    ]
    assert without_bystanders([("Drei Jahre", "investee")], texts, "de") == []
    # nor is a short form of what companies do ("ML" of "MLCommons™")
    told = ["ML and MLCommons™ released new results.", "MLCommons partners with Orvane."]
    assert without_bystanders([("ML", "partner"), ("MLCommons", "partner")], told, "en") == [
        ("MLCommons", "partner")
    ]
    # a name with a number in it is a name
    assert without_bystanders([("Orvane 2", "investee")], ["Orvane 2 raised $5 million."], "en") == [
        ("Orvane 2", "investee")
    ]


def test_an_acquisition_story_s_rounds_told_in_the_past_perfect_are_the_bought_company_s_history() -> None:
    buys = DealEvent(
        "investment", "acquisition", ("Pomme",), ("acquirer",), evidence="Pomme buys machine learning startup"
    )
    history = DealEvent(
        "investment",
        "funding",
        ("Lumo",),
        ("investee",),
        amount=24e6,
        currency="USD",
        evidence="Terms were not disclosed, but Lumo had raised more than $24 million from investors.",
    )
    (bought,) = with_acquisitions_told_once([buys, history])
    assert (bought.parties, bought.roles) == (("Pomme", "Lumo"), ("acquirer", "target"))
    # a round told in the past perfect with no acquisition in the story stays: "announced it had raised"
    assert with_acquisitions_told_once([history]) == [history]
    # and one told in the present stays beside an acquisition
    told_now = replace(history, evidence="Lumo raised $24 million on Monday.")
    assert with_acquisitions_told_once([buys, told_now]) == [buys, told_now]


def test_a_maker_s_launch_told_by_what_it_is_gives_way_to_its_named_launch() -> None:
    def launch(maker: str, product: str) -> DealEvent:
        return DealEvent("launch", None, (maker,), ("launcher",), product=product)

    told = [launch("Quillon", "KI-Übersetzung"), launch("Quillon", "Lumen"), launch("Orvane", "AI model")]
    assert [e.product for e in with_launches_by_name(told)] == [None, "Lumen", "AI model"]
    # two named products of one maker are two launches ("Le Chat" and "Mistral Large")
    both = [launch("Quillon", "Lumen"), launch("Quillon", "Lumen Large")]
    assert with_launches_by_name(both) == both


def test_a_firm_named_shortly_in_the_headline_keeps_its_full_name() -> None:
    parties = [("Orvane", "investee"), ("Quillon", "investor"), ("Kestrel", "investor")]
    later = [("Quillon Ventures", "investor"), ("Kestrel Partners", "investor"), ("Orvane Labs", "investee")]
    assert one_name_per_company(parties + later) == [
        ("Orvane", "investee"),
        ("Quillon Ventures", "investor"),
        ("Kestrel Partners", "investor"),
    ]
