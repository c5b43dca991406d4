"""Completing the rules' investment events from the rest of the story, and reading a story as about AI
from its body. Every story here is made up for the test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.classify.completion import (
    complete,
    lists_of,
    organisation_names,
    rounds_split_by_raiser,
    with_acronyms_spelled_out,
    without_descriptor,
)
from pipeline.classify.learned import read
from pipeline.classify.rules import BODY_AI_TERMS, about_ai_in_body, ai_terms, classify_story, split_story
from pipeline.records import DealEvent, Story


def story(title: str, text: str = "", language: str = "en") -> Story:
    return Story(id="s", title=title, summary="", text=text, language=language, url=None, published=None)


def funding(*parties: str, evidence: str, amount: float | None = None) -> DealEvent:
    return DealEvent(
        type="investment",
        subtype="funding",
        parties=parties,
        roles=("investee", *["investor"] * (len(parties) - 1)),
        amount=amount,
        currency="USD" if amount else None,
        evidence=evidence,
    )


def acquisition(*parties: str, evidence: str, **fields: object) -> DealEvent:
    roles = ("acquirer", "target")[-len(parties) :]
    return DealEvent(
        type="investment",
        subtype="acquisition",
        parties=parties,
        roles=roles,
        evidence=evidence,
        **fields,  # type: ignore[arg-type]
    )


def test_a_known_name_and_its_arm_are_one_organisation() -> None:
    names = organisation_names("Backers include Intel Capital, the OpenAI Startup Fund and Zephyr Partners.")
    assert "Intel Capital" in names
    assert "OpenAI Startup Fund" in names
    assert "Intel" not in names
    # a known company's named fund, its number too; a firm named like an arm stays a firm of its own
    names = organisation_names("Investors include SoftBank Vision Fund 2, Thrive Capital and Atlas Capital.")
    assert names == ["SoftBank Vision Fund 2", "Thrive Capital", "Atlas Capital"]


@pytest.mark.parametrize(
    "listing",
    [
        "The round drew investments from Harbor Lane Ventures, Intel Capital and Ostrava Partners.",
        "Quillon pulled in the money in fresh funding from Harbor Lane Ventures, Intel Capital and Ostrava"
        " Partners.",
    ],
)
def test_investors_listed_in_a_later_sentence_join_the_round(listing: str) -> None:
    told = story(
        "Quillon raises $40 million for robot hands",
        f"Quillon, a robotics startup, has raised $40 million in a Series B round. {listing} "
        "The company will hire engineers in Lyon.",
    )
    sentences = split_story(told)
    round_ = funding("Quillon", evidence=sentences[0].text, amount=40e6)
    (completed,) = complete((round_,), sentences, "en")
    assert completed.parties[0] == "Quillon"
    assert {"Harbor Lane Ventures", "Intel Capital", "Ostrava Partners"} <= set(completed.parties[1:])
    assert completed.roles == ("investee", *["investor"] * (len(completed.parties) - 1))


def test_in_a_roundup_an_investor_list_joins_the_round_told_just_before_it() -> None:
    told = story(
        "This week's rounds",
        "Quillon raised $40 million in a Series B round. The round was led by Harbor Lane Ventures. "
        "Brisk Labs raised $12 million in a seed round. The round was led by Ostrava Partners.",
    )
    sentences = split_story(told)
    first = funding("Quillon", evidence=sentences[1].text, amount=40e6)
    second = funding("Brisk Labs", evidence=sentences[3].text, amount=12e6)
    one, two = complete((first, second), sentences, "en")
    assert "Harbor Lane Ventures" in one.parties
    assert "Ostrava Partners" not in one.parties
    assert "Ostrava Partners" in two.parties
    assert "Harbor Lane Ventures" not in two.parties


def test_an_investor_list_told_before_any_round_is_of_something_else() -> None:
    told = story(
        "This week in tech",
        "Eight newspapers led by Harbor Lane Capital sued Quillon over its chatbot. "
        "Brisk Labs raised $12 million in a seed round. The round was led by Ostrava Partners.",
    )
    sentences = split_story(told)
    round_ = funding("Brisk Labs", evidence=sentences[2].text, amount=12e6)
    (completed,) = complete((round_,), sentences, "en")
    assert "Ostrava Partners" in completed.parties
    assert "Harbor Lane Capital" not in completed.parties


def test_a_split_arm_among_the_parties_is_joined_again() -> None:
    told = story("Quillon raises $40 million", "Quillon raised $40 million from Intel Capital and others.")
    sentences = split_story(told)
    split = funding("Quillon", "Intel", "Capital", evidence=sentences[0].text)
    (joined,) = complete((split,), sentences, "en")
    assert joined.parties == ("Quillon", "Intel Capital")
    assert joined.roles == ("investee", "investor")


def test_an_acquisition_without_an_amount_takes_its_headline_s() -> None:
    told = story(
        "Softwarekonzern kauft Cognivo für 955 Mio. Dollar",
        "Die Übernahme von Cognivo ist die größte des Jahres in Düsseldorf.",
        language="de",
    )
    sentences = split_story(told)
    (completed,) = complete((acquisition("Cognivo", evidence=sentences[1].text),), sentences, "de")
    assert (completed.amount, completed.currency) == (955e6, "USD")


def test_a_trillion_is_no_deal_s_amount() -> None:
    told = story("Zephyr buys Quillon AI talent, spending on data centres to reach $3 trillion")
    sentences = split_story(told)
    bought = acquisition(
        "Zephyr", "Quillon AI", evidence=sentences[0].text, amount=3e12, currency="USD", amount_usd=3e12
    )
    (completed,) = complete((bought,), sentences, "en")
    assert (completed.amount, completed.currency, completed.amount_usd) == (None, None, None)
    (kept,) = complete((replace(bought, amount=9e11, amount_usd=9e11),), sentences, "en")
    assert kept.amount == 9e11


def test_an_amount_is_not_taken_from_a_sentence_about_other_companies() -> None:
    told = story("Zephyr buys Orbital for $2 billion", "Quillon was acquired by Brisk Labs last week.")
    sentences = split_story(told)
    (completed,) = complete(
        (acquisition("Brisk Labs", "Quillon", evidence=sentences[1].text),), sentences, "en"
    )
    assert completed.amount is None


def test_a_rounded_headline_figure_gives_way_to_the_exact_one_the_story_states() -> None:
    told = story(
        "Quillon raises nearly $319M for robot hands",
        "Quillon said on Monday that it had raised a Series C round of $318.8 million. "
        "It plans to raise $400 million more next year.",
    )
    sentences = split_story(told)
    (completed,) = complete((funding("Quillon", evidence=sentences[0].text, amount=319e6),), sentences, "en")
    assert completed.amount == pytest.approx(318.8e6)
    assert completed.amount_usd == pytest.approx(318.8e6)


def test_an_exact_figure_that_does_not_round_to_the_headline_s_is_another_sum() -> None:
    told = story(
        "Quillon raises $40M for robot hands",
        "Quillon has raised $43.5 million in a Series B round, counting a loan.",
    )
    sentences = split_story(told)
    (completed,) = complete((funding("Quillon", evidence=sentences[0].text, amount=40e6),), sentences, "en")
    assert completed.amount == 40e6


def test_a_total_raised_to_date_gives_way_to_the_round_s_amount() -> None:
    told = story(
        "Quillon wants to close the gaps in surgery",
        "Earlier this month the company raised $15.5 million in a Series A round. "
        "To date, Quillon has raised $18.5 million.",
    )
    sentences = split_story(told)
    total = funding("Quillon", evidence=sentences[2].text, amount=18.5e6)
    (completed,) = complete((total,), sentences, "en")
    assert completed.amount == 15.5e6


def test_an_acquisition_priced_as_a_deal_valued_at_takes_that_price() -> None:
    told = story(
        "Zephyr buys chip maker Orbital",
        "Terms of the Orbital acquisition were not disclosed, but sources said the deal was valued at just "
        "above $600m. Orbital had raised nearly $700m from investors over the years.",
    )
    sentences = split_story(told)
    (completed,) = complete(
        (
            acquisition(
                "Zephyr",
                "Orbital",
                evidence=sentences[0].text,
                amount=700e6,
                currency="USD",
                valuation=600e6,
                valuation_currency="USD",
            ),
        ),
        sentences,
        "en",
    )
    assert (completed.amount, completed.currency) == (600e6, "USD")
    assert completed.valuation is None


def test_a_company_put_up_for_sale_to_a_buyer_gives_the_acquisition_its_price() -> None:
    told = story(
        "Pin maker Quillon explores sale to Zephyr for $1 billion", "Zephyr has bought startups before."
    )
    sentences = split_story(told)
    (completed,) = complete((acquisition("Zephyr", "Quillon", evidence=sentences[1].text),), sentences, "en")
    assert (completed.amount, completed.currency) == (1e9, "USD")


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("US-Softwarekonzern Nice", "Nice"),
        ("Düsseldorfer KI-Start-up Cognigy", "Cognigy"),
        ("Finlandaise Silo", "Silo"),
        ("Schwarz-Gruppe", "Schwarz-Gruppe"),
        ("Berliner Volksbank", "Berliner Volksbank"),
        ("Schaeffler Group", "Schaeffler Group"),
        ("Française des Jeux", "Française des Jeux"),
        ("Investor Quillon Ventures", "Quillon Ventures"),
    ],
)
def test_german_and_french_descriptors_before_a_name_are_dropped(name: str, company: str) -> None:
    assert without_descriptor(name, "de") == company
    assert without_descriptor("Investor Quillon Ventures", "en") == "Investor Quillon Ventures"


def test_a_german_round_s_investors_named_in_another_sentence_lose_their_descriptor() -> None:
    told = story(
        "Orvane erhält 30 Millionen Euro",
        "Das KI-Start-up Orvane aus München erhält in einer Series-B-Finanzierungsrunde 30 Millionen Euro. "
        "Angeführt wird die Runde vom Investor Quillon Ventures, auch Velmora Capital beteiligt sich.",
        "de",
    )
    (round_,) = read(told).proposals.events
    assert round_.parties == ("Orvane", "Quillon Ventures", "Velmora Capital")


def test_a_story_about_ai_only_below_its_lead_is_read_as_one_by_the_learned_path() -> None:
    told = story(
        "Nimbus Labs raises $45 million",
        "Nimbus Labs has raised $45 million in a Series B round led by Harbor Lane Ventures. "
        "The company was founded in Oslo in 2019. It has 80 employees. Its offices are in Oslo and Bergen. "
        "Revenue doubled last year. Nimbus Labs, an AI startup, trains machine learning models for shipping. "
        "Its artificial intelligence tools plan routes.",
    )
    assert not classify_story(told).ai_related  # the baseline reads the head only
    reading = read(told)
    assert reading.proposals.ai_related
    assert any(e.type == "investment" and e.parties[0] == "Nimbus Labs" for e in reading.proposals.events)


def test_a_body_that_mentions_ai_once_does_not_make_a_story_about_ai() -> None:
    told = story(
        "Harbor Bank raises $45 million",
        "Harbor Bank has raised $45 million in a Series B round. It was founded in Oslo in 2019. "
        "It has 80 employees. Its offices are in Oslo and Bergen. Revenue doubled last year. "
        "It uses AI to sort its mail.",
    )
    assert not read(told).proposals.ai_related


def test_a_name_that_lost_its_opening_new_gets_it_back() -> None:
    told = story(
        "The New York Times signs an AI licensing deal with Amazon",
        "The New York Times will license its content to Amazon for AI products.",
    )
    (partnership,) = [e for e in read(told).proposals.events if e.type == "partnership"]
    assert "New York Times" in {p.removeprefix("The ") for p in partnership.parties}
    assert "York Times" not in partnership.parties


def test_a_company_split_from_its_corporate_ending_gets_it_back() -> None:
    told = story(
        "Meta Platforms backs hot AI startup Databricks as strategic investor",
        "Meta Platforms has invested in Databricks, the data and AI company said on Tuesday.",
    )
    parties = {p for e in read(told).proposals.events for p in e.parties}
    assert "Meta Platforms" in parties
    assert "Platforms" not in parties


def test_a_name_that_lost_its_closing_ai_gets_it_back_where_the_story_never_writes_it_without() -> None:
    told = story(
        "Quillon AI raises $40 million to build AI agents for insurers",
        "Quillon AI, a Lisbon startup, said Northgate Capital led the round.",
    )
    (round_,) = read(told).proposals.events
    assert round_.parties[0] == "Quillon AI"
    # a company also written alone keeps its name: "Nvidia AI chips" is Nvidia's
    told = story(
        "Nvidia invests $50 million in Quillon AI",
        "Nvidia said the startup will use Nvidia AI chips. Nvidia invested before.",
    )
    (stake,) = read(told).proposals.events
    assert stake.parties[:2] == ("Nvidia", "Quillon AI")


@pytest.mark.parametrize(
    "title",
    [
        "Quillon AI to be acquired by Northgate Systems",
        "Quillon AI will be bought by Northgate Systems for $90 million",
    ],
)
def test_an_acquisition_told_in_the_passive_has_the_buyer_after_by(title: str) -> None:
    (deal,) = read(story(title, "The AI startup builds machine learning agents.")).proposals.events
    roles = dict(zip(deal.parties, deal.roles, strict=True))
    assert (roles["Northgate Systems"], roles["Quillon AI"]) == ("acquirer", "target")


@pytest.mark.parametrize(
    "body",
    [
        "The AI startup trains machine learning models. Its artificial intelligence plans routes.",
        "Die Open-KI und die Super-KI bauen KI für alle.",
        "AI-driven batteries, AI-controlled pumps and an AI chip.",
        "A bank raised money. It uses AI to sort its mail.",
        "",
    ],
)
def test_the_fast_body_scan_counts_as_the_head_s_does(body: str) -> None:
    assert about_ai_in_body(body) == (ai_terms(body) >= BODY_AI_TERMS)


def launch_of(product: str, *parties: str) -> DealEvent:
    return DealEvent("launch", None, parties, ("launcher",) * len(parties), product=product, evidence="x")


@pytest.mark.parametrize(
    ("product", "launcher", "maker"),
    [
        # named after its maker, a known company: the maker's, whatever name stood next to the cue
        ("Samsung Gauss", "AI Forum", "Samsung"),
        ("Microsoft 365 Copilot", "Azure", "Microsoft"),
        # named after a company the story's deals name
        ("Zorblax-R1", "Hugging Face", "Zorblax"),
        # a product of one word, or one whose first word is no company, keeps its launcher
        ("Gemini", "Google", "Google"),
        ("Claude 3 Opus", "Anthropic", "Anthropic"),
    ],
)
def test_a_launch_named_after_its_maker_is_the_maker_s(product: str, launcher: str, maker: str) -> None:
    text = (
        f"At the AI Forum, the company introduced {product}. Zorblax raised $5 million from Initech. "
        "Samsung, Microsoft, Google and Anthropic make AI models."
    )
    sentences = split_story(story("Launch day", text))
    deals = (
        launch_of(product, launcher),
        funding("Zorblax", "Initech", evidence="Zorblax raised $5 million"),
    )
    (completed, _) = complete(deals, sentences, "en")
    assert completed.parties == (maker,)


@pytest.mark.parametrize(
    ("title", "text", "named", "not_named"),
    [
        pytest.param(
            "Orvane partners with TRU on AI tutoring",
            "Orvane today announced a partnership with the Tallinn Research University (TRU). TRU will "
            "test the tutor in spring.",
            "Tallinn Research University",
            "TRU",
            id="defined-in-parentheses",
        ),
        pytest.param(
            "Orvane partners with KDW on AI tutoring",
            "Kestrel Data Works, which runs data centres in Estonia, will host the tutor.",
            "Kestrel Data Works",
            "KDW",
            id="written-out-once",
        ),
        pytest.param(
            "Orvane partners with VMD on AI chips",
            "Velmont Devices Inc. (VMD) and Orvane announced the deal. VMD will supply chips.",
            "VMD",
            "Velmont Devices",
            id="a-registered-name-s-acronym-stays",
        ),
    ],
)
def test_a_party_named_by_an_acronym_is_named_in_full_where_the_story_spells_it_out(
    title: str, text: str, named: str, not_named: str
) -> None:
    (partnership,) = [e for e in read(story(title, text)).proposals.events if e.type == "partnership"]
    assert named in partnership.parties
    assert not_named not in partnership.parties


def test_an_acronym_a_registered_name_defines_is_the_name_the_company_goes_by() -> None:
    from pipeline.classify.completion import acronyms_defined

    sentences = split_story(
        story(
            "VMD partners with Orvane",
            "Velmont Devices Inc. (VMD) and the Tallinn Research University (TRU).",
        )
    )
    assert acronyms_defined(sentences) == {"TRU": "Tallinn Research University"}


def test_a_name_that_lost_its_opening_article_gets_it_back_where_the_story_capitalises_it_mid_sentence() -> (
    None
):
    told = story(
        "Le Courrier noue un partenariat avec Orvane dans l'intelligence artificielle",
        "Le Courrier signe un accord pluriannuel avec la start-up d'IA Orvane. Selon Le Courrier, Orvane "
        "pourra entraîner ses modèles d'IA sur ses articles.",
        language="fr",
    )
    (partnership,) = [e for e in read(told).proposals.events if e.type == "partnership"]
    assert "Le Courrier" in partnership.parties
    assert "Courrier" not in partnership.parties


def test_an_alliance_has_the_members_its_story_lists_and_not_the_people_beside_them() -> None:
    told = story(
        "Korvel and Vardal form an alliance on industrial AI",
        "The alliance was announced in Oslo on Monday. Its founding partners are Brannmark Industries, "
        "Lysa Motors, Tessin Aero and Korvel. The partners' envoys, Anna Lindqvist, Jonas Weber and Petra "
        "Holm, signed the charter.",
    )
    (partnership,) = [e for e in read(told).proposals.events if e.type == "partnership"]
    assert {"Korvel", "Vardal", "Brannmark Industries", "Lysa Motors", "Tessin Aero"} <= set(
        partnership.parties
    )
    assert not {"Anna Lindqvist", "Jonas Weber", "Petra Holm"} & set(partnership.parties)


def test_a_roundup_s_rounds_merged_as_one_are_told_one_per_company_with_each_its_amount() -> None:
    told = story(
        "Chip startups soak up $1 billion on one Tuesday",
        "Quillon led the wave with a $500m Series B from Harbor Lane Ventures. "
        "Dutch startup Ostrava secured about $250m for edge chips. "
        "Velmora picked up $350m and a tie-up with Intel.",
    )
    sentences = split_story(told)
    merged = replace(
        funding("Quillon", "Harbor Lane Ventures", evidence=sentences[1].text, amount=500e6),
        parties=("Quillon", "Harbor Lane Ventures", "Ostrava", "Velmora"),
        roles=("investee", "investor", "investee", "investee"),
    )
    split = rounds_split_by_raiser((merged,), sentences, "en")
    assert [(e.parties, e.amount) for e in split] == [
        (("Quillon", "Harbor Lane Ventures"), 500e6),
        (("Ostrava",), 250e6),
        (("Velmora",), 350e6),
    ]
    assert split[1].evidence == sentences[2].text


def test_a_round_whose_second_raiser_tells_no_round_of_its_own_stays_one() -> None:
    told = story(
        "Quillon and Ostrava raise $40 million together",
        "Quillon and Ostrava raised $40 million. Ostrava makes the chips.",
    )
    sentences = split_story(told)
    joint = replace(
        funding("Quillon", "Ostrava", evidence=sentences[0].text, amount=40e6), roles=("investee", "investee")
    )
    assert rounds_split_by_raiser((joint,), sentences, "en") == (joint,)


def test_the_lists_of_three_or_more_names_a_text_writes_as_one() -> None:
    names = ["Air Liquide", "Dassault Aviation", "EDF", "Valeo", "Orvane", "Quillon"]
    text = "Air Liquide, Dassault Aviation, EDF et Valeo s'allient. Orvane and Quillon watch."
    assert lists_of(text, names) == [["Air Liquide", "Dassault Aviation", "EDF", "Valeo"]]
    assert lists_of("Led by Orvane, with the Quillon fund, Valeo and EDF.", names) == []
    assert lists_of("Orvane, the Quillon fund, and EDF.", ["Orvane", "Quillon", "EDF"]) == []


def test_an_investment_firm_whose_name_opens_with_a_number_is_a_name() -> None:
    told = "The round was led by 4DX Ventures, with Enza Capital, 645 Ventures and the Stanford GSB 26 Fund."
    names = organisation_names(told)
    assert names[:3] == ["4DX Ventures", "Enza Capital", "645 Ventures"]
    assert "26 Fund" not in names  # the end of a name, not one: "Stanford GSB 26 Fund"
    assert "Ventures" not in names
    # a year before a name is no part of it
    assert organisation_names("In 2023 Sequoia Capital invested in Quillon.") == [
        "Sequoia Capital",
        "Quillon",
    ]


@pytest.mark.parametrize(
    ("sentence", "language", "subject", "bystander"),
    [
        (
            "Corvina, a startup founded by former OpenAI researchers, raised $40 million from Harrow.",
            "en",
            "Corvina",
            "OpenAI",
        ),
        (
            "Corvina, une start-up fondée par des anciens d’OpenAI, a levé 40 millions de dollars auprès de"
            " Harrow.",
            "fr",
            "Corvina",
            "OpenAI",
        ),
        (
            "Velmora, the Paris-based rival of Anthropic, unveiled Velmo 2, its new AI model.",
            "en",
            "Velmora",
            "Anthropic",
        ),
    ],
)
def test_the_name_a_sentence_opens_with_is_the_subject_not_a_name_in_its_description(
    sentence: str, language: str, subject: str, bystander: str
) -> None:
    (event,) = read(story("AI company news of the week", sentence, language)).proposals.events
    assert event.parties[0] == subject
    assert bystander not in event.parties[:1]
    # the baseline reads the name nearest the verb as its subject
    (baseline,) = classify_story(story("AI company news of the week", sentence, language)).events
    assert baseline.parties[0] == bystander


def test_a_deal_told_in_the_description_or_a_list_keeps_its_subject() -> None:
    told_inside = "Velmora, now backed by Microsoft, launches an AI assistant for lawyers."
    investment = next(
        e
        for e in read(story("AI company news of the week", told_inside)).proposals.events
        if e.type == "investment"
    )
    assert investment.parties[:2] == ("Microsoft", "Velmora")
    listed = "Harrow, Quillon and Index invested $30 million in Corvina."
    (stake,) = read(story("AI company news of the week", listed)).proposals.events
    assert stake.parties[-1] == "Corvina"
    assert "Harrow" not in stake.parties[:1]


@pytest.mark.parametrize(
    "sentence",
    [
        "Orvane, an AI startup, is raising between $20 million and $30 million from Harrow Ventures.",
        "Orvane, an AI startup, is raising $20 million to $30 million from Harrow Ventures.",
        "Das KI-Start-up Orvane sammelt zwischen 20 und 30 Millionen Euro ein.",
    ],
)
def test_a_range_is_no_amount(sentence: str) -> None:
    language = "de" if "Start-up" in sentence else "en"
    (event,) = read(story("Orvane funding", sentence, language)).proposals.events
    assert (event.parties[0], event.amount, event.currency) == ("Orvane", None, None)


def test_a_company_named_twice_in_a_deal_keeps_its_first_role() -> None:
    # "Pomme buys machine learning startup that could boost Siri and Pomme News": the rules read the buyer
    # as what was bought too
    twice = acquisition("Pomme", "Pomme", evidence="Pomme buys machine learning startup for Pomme News")
    (once,) = with_acronyms_spelled_out((twice,), split_story(story(twice.evidence)))
    assert (once.parties, once.roles) == (("Pomme",), ("acquirer",))


def test_a_launch_s_product_named_as_its_party_makes_no_maker_of_its_first_word() -> None:
    # the rules name "Orca" beside "Orvane": that is the product's first word, not a company of the story
    launched = read(
        story("Orvane unveils Orca 2 AI model for lawyers", "Orvane unveiled Orca 2, a new AI model.")
    )
    (launch,) = launched.proposals.events
    assert launch.parties[0] == "Orvane"
    assert launch.product == "Orca 2"


def test_a_name_in_the_description_of_the_subject_is_no_party_when_the_headline_tells_the_deal_too() -> None:
    """The lead's deal is merged with the headline's: its subject is set right before, or the owner in
    the description joins the headline's buyer as a second one."""
    told = story(
        "Quillon acquires Orvane",
        "Quillon, the software company owned by Kestrel Holdings, acquired AI startup Orvane. The deal is "
        "subject to approval by the European Commission.",
    )
    (deal,) = read(told).proposals.events
    assert (deal.parties, deal.roles) == (("Quillon", "Orvane"), ("acquirer", "target"))
