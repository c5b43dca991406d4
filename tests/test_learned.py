"""The learned classifier: vetting the rules' proposals, weighing them with trained models, training and
cross-validating those models. Every story here is made up for the test."""

from __future__ import annotations

import json
import math
import pickle
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.classify import LEARNED_VERSION, default_classifier
from pipeline.classify.learned import (
    BoostedTrees,
    DealModels,
    LearnedClassifier,
    LinearModel,
    decide,
    event_features,
    is_rumor,
    model_from_json,
    packaged_models,
    party_features,
    read,
    with_summary_uncut,
)
from pipeline.classify.organisations import WELL_KNOWN_ORGANISATIONS
from pipeline.classify.places import is_place
from pipeline.classify.rules import RulesClassifier
from pipeline.classify.training import cross_validated, fit, fold_of_each, main, story_groups
from pipeline.classify.vetting import (
    KNOWN_KEYS,
    RULES_KNOWN_KEYS,
    investment_veto,
    is_round_in_passing,
    launch_veto,
    partnership_veto,
    party_veto,
    product_described_as_none,
    vet,
)
from pipeline.cli import cli
from pipeline.evaluation import story_from_json
from pipeline.names import company_key
from pipeline.records import DealEvent, Story


def story(title: str, summary: str = "", text: str = "", language: str = "en") -> Story:
    return Story(id="s", title=title, summary=summary, text=text, language=language, url=None, published=None)


def proposed(told: Story, kind: str) -> list[DealEvent]:
    """The events of a type or an investment subtype the learned reading proposes for a story."""
    return [e for e in read(told).proposals.events if kind in {e.type, e.subtype}]


def investment(*parties: str, amount: float | None = None, evidence: str = "") -> DealEvent:
    roles = ("investee", *["investor"] * (len(parties) - 1))
    return DealEvent(
        type="investment",
        subtype="funding",
        parties=parties,
        roles=roles,
        amount=amount,
        currency="USD" if amount else None,
        amount_usd=amount,
        evidence=evidence,
    )


# --- the models ----------------------------------------------------------------------------------------


def test_a_linear_model_is_a_logistic_function_of_its_named_features() -> None:
    model = LinearModel(bias=-1.0, weights={"a": 2.0, "b": -0.5}, threshold=0.4)
    assert model.probability({}) == pytest.approx(1 / (1 + math.e))
    assert model.probability({"a": 1.0, "b": 1.0, "unknown": 1.0}) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert LinearModel.from_json(json.loads(json.dumps(model.as_json()))) == model


def test_boosted_trees_add_the_leaves_the_features_lead_to() -> None:
    # one tree asking about "a": absent (0) goes left to 1.0, present goes right to -2.0; a second tree a leaf
    trees = BoostedTrees(
        prior=0.5,
        learning_rate=0.1,
        trees=(
            (("a", 0.5, 1, 2, 0.0), ("", 0.0, -1, -1, 1.0), ("", 0.0, -1, -1, -2.0)),
            (("", 0.0, -1, -1, 3.0),),
        ),
        threshold=0.3,
    )
    assert trees.probability({}) == pytest.approx(1 / (1 + math.exp(-(0.5 + 0.1 * 1.0 + 0.1 * 3.0))))
    assert trees.probability({"a": 1.0}) == pytest.approx(1 / (1 + math.exp(-(0.5 - 0.2 + 0.3))))
    assert model_from_json(json.loads(json.dumps(trees.as_json()))) == trees


def test_the_packaged_weights_load_are_small_and_make_the_default_classifier() -> None:
    models = packaged_models()
    assert models.version == LEARNED_VERSION == default_classifier().version
    assert 0 < models.events.threshold < 1
    assert 0 < models.parties.threshold < 1
    assert isinstance(models.events, LinearModel)
    assert isinstance(models.parties, BoostedTrees)
    values = [
        *models.events.weights.values(),
        models.parties.prior,
        *(node[i] for tree in models.parties.trees for node in tree for i in (1, 4)),
    ]
    assert len(values) > 100
    assert all(math.isfinite(v) for v in values)
    path = Path(__file__).parents[1] / "pipeline" / "classify" / "models" / f"{LEARNED_VERSION}.json"
    assert path.stat().st_size < 5_000_000


def test_the_default_classifier_goes_to_a_worker_by_name_and_one_with_other_weights_with_them() -> None:
    default = default_classifier()
    sent = pickle.dumps(default.classify)
    assert len(sent) < 1_000  # no trees in every batch of stories
    received = pickle.loads(sent).__self__
    assert isinstance(received, LearnedClassifier)
    assert received.models is packaged_models()  # the one copy a process reads
    other = LearnedClassifier(replace(packaged_models(), version="t"))
    assert pickle.loads(pickle.dumps(other)).version == "t"


def test_decide_keeps_events_above_the_threshold_with_their_probability_as_confidence() -> None:
    reading = read(story("Acme AI raises $20 million from Sequoia to build AI agents"))
    assert [e.type for e in reading.proposals.events] == ["investment"]
    keep_all = DealModels("t", LinearModel(3.0, {}, 0.5), LinearModel(3.0, {}, 0.5))
    drop_all = DealModels("t", LinearModel(-3.0, {}, 0.5), LinearModel(3.0, {}, 0.5))
    kept = decide(reading, keep_all)
    assert kept.classifier_version == "t"
    assert [e.confidence for e in kept.events] == [pytest.approx(0.953, abs=1e-3)]
    assert decide(reading, drop_all).events == ()


def test_decide_keeps_the_likeliest_party_of_a_deal_even_below_the_threshold() -> None:
    reading = read(story("Acme AI raises $20 million from Sequoia to build AI agents"))
    parties = DealModels("t", LinearModel(3.0, {}, 0.5), LinearModel(-3.0, {"position=0": 1.0}, 0.5))
    (event,) = decide(reading, parties).events
    investee = reading.proposals.events[0].parties[0]
    assert event.parties == (investee,)  # Sequoia is weighed lower and dropped; the investee stays
    assert event.roles == ("investee",)


def test_decide_gives_a_launch_its_likeliest_maker_only() -> None:
    reading = read(story("Acme AI launches Nova, an AI model for lawyers"))
    two_makers = DealEvent("launch", None, ("Acme AI", "Globex"), ("launcher", "launcher"), product="Nova")
    reading = replace(reading, proposals=replace(reading.proposals, events=(two_makers,)))
    globex_likelier = DealModels("t", LinearModel(3.0, {}, 0.5), LinearModel(1.0, {"position=1": 1.0}, 0.5))
    (event,) = decide(reading, globex_likelier).events
    assert event.parties == ("Globex",)  # both pass the threshold; a launch is one maker's


def test_decide_drops_a_deal_whose_every_party_the_story_shows_as_a_bystander() -> None:
    reading = read(
        story(
            "Four-week-old AI start-up raises $105 million",
            "Founded by former researchers at Quillon, the start-up raised $105 million from Harlow Labs.",
        )
    )
    keep_all = DealModels("t", LinearModel(3.0, {}, 0.5), LinearModel(3.0, {}, 0.5))

    def decided(*parties: str) -> tuple[DealEvent, ...]:
        roles = ("investee", *["investor"] * (len(parties) - 1))
        told = DealEvent("investment", "funding", parties, roles, amount=105e6, currency="USD")
        return decide(replace(reading, proposals=replace(reading.proposals, events=(told,))), keep_all).events

    assert decided("Quillon") == ()  # a past employer only: no deal of this story's
    (round_,) = decided("Quillon", "Harlow Labs")
    assert round_.parties == ("Harlow Labs",)


def test_decide_tells_each_deal_of_a_story_once_in_role_order() -> None:
    """Two sentences of one acquisition, one naming only the target: one event, the buyer first."""
    reading = read(story("Capgemini to buy WNS India for $3.3 billion in AI services push"))
    sentences = [
        DealEvent(
            "investment", "acquisition", ("WNS India", "Capgemini"), ("target", "acquirer"), amount=3.3e9
        ),
        DealEvent("investment", "acquisition", ("WNS",), ("target",), currency="USD"),
    ]
    reading = replace(reading, proposals=replace(reading.proposals, events=tuple(sentences)))
    keep_all = DealModels("t", LinearModel(3.0, {}, 0.5), LinearModel(3.0, {}, 0.5))
    (event,) = decide(reading, keep_all).events
    assert (event.parties, event.roles, event.amount) == (
        ("Capgemini", "WNS India"),
        ("acquirer", "target"),
        3.3e9,
    )


# --- vetting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sentences", "language", "reason"),
    [
        ("CEO Sam Altman", ["CEO Sam Altman spoke."], "en", "a job title or an honorific: a person"),
        (
            "Prof David Silver",
            ["Backed by Prof David Silver."],
            "en",
            "a job title or an honorific: a person",
        ),
        ("M. Dupont", ["Selon M. Dupont, Acme lève."], "fr", "a job title or an honorific: a person"),
        (
            "Dana Whit",
            ["Its chief executive Dana Whit joined."],
            "en",
            "a person (a job title before the name)",
        ),
        ("Dana Whit", ["The deal is done, Dana Whit said on Monday."], "en", "a person (said)"),
        (
            "Dana Whit",
            ["Acme hired Dana Whit, who led research at Orvane."],
            "en",
            'a person (a job title or "who" after the name)',
        ),
        (
            "Louis Marchand",
            ["L'accord a été signé par Louis Marchand, président du directoire d'Orvane."],
            "fr",
            'a person (a job title or "who" after the name)',
        ),
        ("PRNewswire", ["PRNewswire -- Acme AI today..."], "en", "a newswire, exchange or outlet"),
        ("Top Universities Amid", ["Acme funds Top Universities Amid cuts"], "en", "a headline fragment"),
        ("Personen", ["Mit Personen aus dem Umfeld sprach Acme."], "de", "a common word"),
        # a common word with its accents: "Künstliche" is as common as "kunstliche" is rare
        ("Künstliche", ["Acme setzt auf Künstliche Intelligenz."], "de", "a common word"),
        ("Through", ["Through the deal, Acme gains chips."], "en", "a common word"),
        ("L'objectif", ["L'objectif est clair."], "fr", "an article and a common word"),
        ("KRW", ["Acme raised KRW 600 billion."], "en", "a currency, a sum or a date"),
        ("Apr", ["Apr 3 (Reuters) Acme raised money."], "en", "a currency, a sum or a date"),
        ("Capital", ["Intel Capital and Acme."], "en", "an organisation's arm without its name"),
        (
            "Separately",
            ["Acme raised money.", "Separately, Orvane sold a unit."],
            "en",
            "a word opening a sentence",
        ),
        (
            "Abu",
            ["The round drew Orvane and MGX, an Abu Dhabi-based investor."],
            "en",
            "the start of a description of another name",
        ),
        ("Milliardenbetrag", ["Acme investiert Milliardenbetrag."], "de", "a currency, a sum or a date"),
        ("Humane’s AI Pin", ["Humane’s AI Pin gets a review."], "en", "a possessive phrase"),
        ("ChatGPT-maker", ["The ChatGPT-maker raised money."], "en", "a description, not a name"),
        ("US-Konzern", ["US-Konzern kauft Düsseldorfer KI-Start-up."], "de", "a description, not a name"),
        (
            "Silicon Valley",
            ["Silicon Valley funds led the round."],
            "en",
            "a technology or a region, not a company",
        ),
        (
            "Dario",
            ["Acme raised money.", "Dario Amodei runs Acme.", "Dario said so."],
            "en",
            "a person (a given name or surname of a name the story gives in full)",
        ),
        (
            "Bezos",
            ["Acme raised money from Jeff Bezos.", "Bezos led the round."],
            "en",
            "a person (a given name or surname of a name the story gives in full)",
        ),
        ("Saudi Arabia", ["Saudi Arabia backs Acme."], "en", "a place"),
        ("Allemagne", ["L'Allemagne soutient Acme."], "fr", "a place"),
        ("San Francisco", ["A San Francisco startup raised money."], "en", "a place"),
        ("Montréal", ["La start-up de Montréal lève 10 millions."], "fr", "a place"),
        (
            "Vorstandssprecher Christian Klein",
            ["Das sagte Vorstandssprecher Christian Klein."],
            "de",
            "a job title or an honorific: a person",
        ),
    ],
)
def test_names_that_cannot_be_parties_are_vetoed_with_their_reason(
    name: str, sentences: list[str], language: str, reason: str
) -> None:
    assert party_veto(name, sentences, language) == reason


@pytest.mark.parametrize(
    ("name", "sentences"),
    [
        ("Mistral AI", ["Mistral AI said it raised money."]),
        ("Meta", ["Meta leads the round."]),  # a known organisation
        ("M Capital", ["The round was backed by M Capital."]),  # no honorific: "M." has its point
        # capitalised mid-sentence (the first sentence is the title, where every word may be capitalised)
        ("Figure", ["Robots Get Money", "The robot maker Figure raised money.", "Figure said so."]),
        ("Valor Equity Partners", ["The round was led by Valor Equity Partners."]),
        ("Acmetron", ["Acmetron said it agreed to the deal."]),  # companies say things too
        ("Orvane", ["Orvane, a Lisbon startup, raised money.", "Orvane said so."]),  # not a common word
        # a company named after a person: no title, no "who" after it
        ("Axel Brenner", ["Orvane signed a deal with Axel Brenner, parent to a dozen newspapers."]),
        # a given name followed by an organisation's ending
        ("Sierra", ["Acme backs Sierra Ventures and Sierra Labs."]),
    ],
)
def test_organisations_pass_the_vetting(name: str, sentences: list[str]) -> None:
    assert party_veto(name, sentences, "en") is None


def test_a_well_known_organisation_is_no_common_word_whatever_its_frequency() -> None:
    # "Netflix" is frequent enough in German to pass for a word opening a sentence; listed, it stays
    sentences = ["Netflix, der Streamingdienst, steigt bei dem KI-Start-up ein."]
    assert party_veto("Netflix", sentences, "de") is None
    assert party_veto("Streamflix", sentences, "de") is None  # unknown and no common word either
    assert party_veto("Heute", ["Heute, am Montag, steigt Netflix ein."], "de") is not None


def test_the_well_known_organisations_add_to_the_rules_list_without_repeating_a_company() -> None:
    keys = [company_key(name) for name in WELL_KNOWN_ORGANISATIONS]
    assert len(keys) == len(set(keys))
    assert not set(keys) & RULES_KNOWN_KEYS
    assert set(keys) <= KNOWN_KEYS


def round_party_features(title: str, text: str) -> dict[str, dict[str, float]]:
    """The party model's features of each name of the one funding round a made-up story tells."""
    reading = read(story(title, text))
    (event,) = [e for e in reading.proposals.events if e.type == "investment"]
    return {party: party_features(reading, event, i) for i, party in enumerate(event.parties)}


def test_a_given_name_first_and_the_surname_alone_elsewhere_mark_a_person() -> None:
    features = round_party_features(
        "Zephyr raises $40 million for AI robot hands",
        "Zephyr, a robotics startup, has raised $40 million from Jeff Bezos and Harbor Lane Ventures. "
        "Bezos has backed robot makers before.",
    )
    person, firm = features["Jeff Bezos"], features["Harbor Lane Ventures"]
    assert person["given_name_first=True"] == person["surname_alone=True"] == 1.0
    assert firm["given_name_first=False"] == firm["surname_alone=False"] == 1.0


def test_a_party_s_mentions_rank_against_the_deal_s_other_names() -> None:
    features = round_party_features(
        "Zephyr raises $40 million from Harbor Lane Ventures and Globex for AI robot hands",
        "Zephyr, a robotics startup, has raised $40 million from Harbor Lane Ventures and Globex. Zephyr "
        "makes hands for robots; Harbor Lane Ventures led the round, its first in Zephyr.",
    )
    ranks = {party: next(k for k in f if k.startswith("mention_rank=")) for party, f in features.items()}
    assert ranks == {
        "Zephyr": "mention_rank=0",
        "Harbor Lane Ventures": "mention_rank=1",
        "Globex": "mention_rank=2",
    }


def test_an_event_of_the_companies_a_story_is_about_ranks_above_a_bystander_s_and_is_told_more_often() -> (
    None
):
    reading = read(
        story(
            "Zephyr raises $40 million for AI robot hands",
            "Zephyr, a robotics startup, has raised $40 million from Harbor Lane Ventures. Zephyr makes "
            "hands for robots, and Zephyr will hire. Rival Globex, which Initech bought, makes arms.",
        )
    )
    news = DealEvent("investment", "funding", ("Zephyr", "Harbor Lane Ventures"), ("investee", "investor"))
    aside = DealEvent("investment", "acquisition", ("Initech", "Globex"), ("acquirer", "target"))
    reading = replace(reading, proposals=replace(reading.proposals, events=(news, aside)))
    assert event_features(reading, news)["investment.funding|party_rank=0"] == 1.0
    assert event_features(reading, aside)["investment.acquisition|party_rank=1"] == 1.0
    # the story tells its own deal again (headline, lead), the bystander's once
    assert event_features(reading, news)["investment.funding|support=2"] == 1.0
    assert event_features(reading, aside)["investment.acquisition|support=1"] == 1.0


def launch(product: str | None, evidence: str) -> DealEvent:
    return DealEvent("launch", None, ("Acme",), ("launcher",), product=product, evidence=evidence)


@pytest.mark.parametrize(
    ("event", "vetoed"),
    [
        (launch("Acme Fund", "Acme launches Acme Fund for startups."), True),
        (launch("400", "Acme will add 400 jobs."), True),
        (launch("Nova", "The money will enable us to develop and launch Nova next year."), True),
        (launch("Nova", "Acme pushes back on imminent launch rumours of Nova."), True),
        (launch("X", "Acme launched X, its assistant."), False),
        (launch("Nova", "Acme launched Nova, its new model, on Tuesday."), False),
        # with no product named, what is launched is read to the end of its clause
        (launch(None, "Acme launches $70 million artificial intelligence partnership with Globex"), True),
        (launch(None, "Acme launches a faster, cheaper artificial intelligence model for lawyers"), False),
        # the noun right after the product's name says what it is
        (launch("NovaNet", "Acme launches $50m NovaNet consortium to fund research"), True),
        (launch("NovaNet", "Acme launches NovaNet model for lawyers"), False),
        # past the rest of the product's name
        (launch("NovaBench", "Acme™ releases NovaBench™ Training v2.1 results"), True),
        (launch("Nova", "Acme releases Nova Pro v2 model for lawyers"), False),
        # a lab, an office, a board or a logo is no product; a product may bear such a word
        (launch(None, "Acme launched a new AI research lab in Paris with 100 researchers"), True),
        (launch(None, "Acme launched an AI ethics advisory board of ten outside experts"), True),
        (launch(None, "Acme unveiled a new logo as it pushes into AI"), True),
        (launch("Acme AI Hub", "Acme launched Acme AI Hub, a library of models for phones"), False),
        # a market debut is a listing
        (launch("Nasdaq", "Acme, the AI chipmaker, debuted on the Nasdaq on Friday"), True),
        (launch("Nova", "Acme debuted Nova, its AI model, on Friday"), False),
    ],
)
def test_launches_that_are_none_are_vetoed(event: DealEvent, vetoed: bool) -> None:
    assert bool(launch_veto(event)) is vetoed


@pytest.mark.parametrize(
    ("sentences", "described"),
    [
        (["Acme today released a new AI benchmark, Nova, to test models."], True),
        (["“By releasing Nova, we help researchers.”", "Nova, a dataset of 30,000 photos, is free."], True),
        (["Acme released Nova, its new model.", "Nova, the fund's favourite, is fast."], False),
        (["Google funds research, Nova included."], False),
    ],
)
def test_a_launch_the_story_elsewhere_calls_a_dataset_or_a_benchmark_is_none(
    sentences: list[str], described: bool
) -> None:
    assert product_described_as_none("Nova", sentences) is described


def test_a_partnership_that_ended_is_vetoed() -> None:
    ended = DealEvent(
        "partnership", None, ("Acme", "Beta"), ("partner",) * 2, evidence="Acme ends partnership with Beta"
    )
    made = DealEvent(
        "partnership", None, ("Acme", "Beta"), ("partner",) * 2, evidence="Acme partners with Beta"
    )
    assert partnership_veto(ended)
    assert not partnership_veto(made)
    # a partnership a company already has is background
    held = replace(made, evidence="Acme's investment counters Globex's lead via its Beta partnership.")
    assert partnership_veto(held) == "a partnership the company already has"
    # an acquisition told as an agreement is the acquisition, not a partnership
    bought = replace(
        made, evidence="Acme said it had signed a definitive agreement to acquire Beta for $65M."
    )
    assert partnership_veto(bought) == "an acquisition told as an agreement"
    # talks that stalled are no deal, nor an investment whose talks broke down
    stalled = replace(
        made, evidence="Talks between Acme and Beta over a partnership have stalled, a memo says."
    )
    assert partnership_veto(stalled) == "talks that failed"
    failed = investment("Acme", "Beta", evidence="Negotiations for Beta to invest in Acme broke down in May.")
    assert investment_veto(failed) == "talks that failed or a deal given up"
    assert investment_veto(replace(failed, evidence="Beta invested in Acme after talks in May.")) is None


def test_an_offer_turned_down_is_no_investment_and_a_rumour() -> None:
    declined = DealEvent(
        "investment",
        "acquisition",
        ("Globex", "Acme AI"),
        ("acquirer", "target"),
        evidence="Acme AI has turned down an $800 million acquisition offer from Globex.",
    )
    assert investment_veto(declined) == "an offer turned down"
    assert not investment_veto(replace(declined, evidence="Globex acquires Acme AI for $800 million."))
    commented = "Globex agreed to buy Acme AI; Acme AI declined to comment on the offer's terms."
    assert not investment_veto(replace(declined, evidence=commented))
    told = read(
        story("Acme AI rejects Globex's $800M bid, pursues independence", "The AI chip startup said no.")
    )
    assert told.proposals.rumor
    assert not [e for e in told.proposals.events if e.type == "investment"]


def test_an_investment_left_without_parties_goes_and_gives_its_amount_to_the_story_s_other_one() -> None:
    sentences = ["Acme AI raised money from Sequoia.", "Im Zuge der Runde flossen 100 Millionen Dollar."]
    events = (investment("Acme AI", "Sequoia"), investment("Zuge", amount=100e6))
    (kept,) = vet(events, sentences, "de")
    assert kept.parties == ("Acme AI", "Sequoia")
    assert (kept.amount, kept.currency) == (100e6, "USD")


# --- training and cross-validation -----------------------------------------------------------------------


def labelled(item_id: str, title: str, *events: dict[str, Any]) -> dict[str, Any]:
    return {"id": item_id, "title": title, "summary": "", "text": "", "language": "en", "ai_related": True,
            "events": list(events)}  # fmt: skip


def funding_label(*parties: str) -> dict[str, Any]:
    return {"type": "investment", "subtype": "funding", "parties": list(parties)}


COMPANIES = ["Acme", "Borealis", "Cinder", "Dunlin", "Ember", "Fjord", "Gable", "Harrow", "Isle", "Juniper"]
PURPOSES = [
    "agents",
    "chips",
    "robots",
    "search",
    "coding",
    "drug design",
    "translation",
    "voice",
    "vision",
    "maps",
]
INVESTORS = "Sequoia,Accel,Index Ventures,Lightspeed,Greylock,Benchmark,Kleiner,Atomico,Balderton,Insight"
TROUBLES = (
    "cuts jobs,loses its chief,faces a lawsuit,moves offices,delays payroll,shuts a lab,misses targets,"
    "pauses hiring,sells a building,ends a pilot"
)


def training_items() -> list[dict[str, Any]]:
    """Rounds the labels confirm, and rounds the rules propose that the labels say are background; each
    story told once (no two titles alike, so each is its own group)."""
    items = []
    rows = zip(COMPANIES, PURPOSES, INVESTORS.split(","), TROUBLES.split(","), strict=True)
    for n, (name, purpose, investor, trouble) in enumerate(rows):
        items.append(
            labelled(
                f"r{n}",
                f"{name} Robotics raises ${20 + n} million from {investor} for AI {purpose}",
                funding_label(f"{name} Robotics", investor),
            )
        )
        items.append(labelled(f"b{n}", f"AI: {name} Labs has raised ${10 + n} million so far and {trouble}"))
    return items


def test_training_writes_weights_that_load_and_classify(tmp_path: Path) -> None:
    source = tmp_path / "labelled.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in training_items()))
    out = tmp_path / "model.json"
    assert main([str(source), "--out", str(out)]) == 0
    models = DealModels.from_json(json.loads(out.read_text()))
    assert models.version == LEARNED_VERSION
    assert models == fit(training_items())  # the same file gives the same weights
    result = decide(read(story_from_json(training_items()[0])), models)
    assert result.events
    assert result.events[0].parties[0] == "Acme Robotics"


def test_cross_validation_classifies_every_item_once_with_weights_trained_without_it() -> None:
    items = training_items()
    results = cross_validated(items, folds=3)
    assert [r.story_id for r in results] == [item["id"] for item in items]
    assert {r.classifier_version for r in results} == {LEARNED_VERSION}
    with pytest.raises(ValueError, match="--folds must be 2 or more"):
        cross_validated(items, folds=1)


def test_copies_of_one_story_share_a_fold() -> None:
    items = [
        labelled(
            "a", "Acme Robotics raises $20 million from Sequoia", funding_label("Acme Robotics", "Sequoia")
        ),
        labelled("b", "Nimbus opens an office in Lyon"),
        labelled("c", "Sequoia backs Acme Robotics in a $20 million round", funding_label("Acme", "Sequoia")),
        labelled("d", "Nimbus opens an office in Lyon, France"),
        labelled("e", "Something else entirely happens"),
    ]
    groups = story_groups(items)
    assert groups[0] == groups[2]
    assert groups[1] == groups[3]
    assert len(set(groups)) == 3
    folds = fold_of_each(items, 2)
    assert folds[0] == folds[2]
    assert folds[1] == folds[3]


def test_eval_cross_validates_the_learned_classifier_and_refuses_to_for_rules(tmp_path: Path) -> None:
    source = tmp_path / "labelled.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in training_items()))
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", str(source), "--folds", "3", "--json", "--compare", "rules-2"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["items"] == len(training_items())
    assert report["compare"]["classifier"] == "rules-2"
    refused = runner.invoke(cli, ["eval", str(source), "--folds", "3", "--classifier", "rules-2"])
    assert refused.exit_code == 1
    assert "--folds cross-validates a learned classifier; rules-2 learns nothing" in refused.output


@pytest.mark.parametrize(
    ("lead", "rumor"),
    [
        ("Acme raised $40 million. It plans to use the money to hire engineers.", False),
        ("Acme could double its staff after raising $40 million.", False),
        ("Acme is in talks to raise $40 million, people familiar with the matter said.", True),
        ("Acme is reportedly raising $40 million.", True),
        ("Acme agreed to buy Orvane for $40 million. The deal is expected to close in March.", False),
        ("Acme is expected to announce a $40 million round this week.", True),
        ("Acme nears deal to buy Orvane. Acme is nearing a deal for about $2 billion.", True),
        ("Acme confirmed it has acquired Orvane, after reports said the two were in talks.", False),
        ("Acme is in talks to buy Orvane. Acme declined to confirm the talks.", True),
    ],
)
def test_a_rumour_is_told_by_the_labelling_rules_cues_only(lead: str, rumor: bool) -> None:
    assert is_rumor(lead) is rumor


def test_places_are_countries_regions_and_tech_hubs_but_not_cities_named_like_companies() -> None:
    assert all(is_place(name) for name in ("Saudi Arabia", "Allemagne", "Abu Dhabi", "Pékin", "MÜNCHEN"))
    assert not any(is_place(name) for name in ("Nice", "Orange", "Phoenix", "Mistral AI", "York"))
    # states and provinces, in any of their spellings; their counties and districts are left out
    assert all(
        is_place(name) for name in ("Quebec", "Québec", "North Carolina", "Bayern", "Karnataka", "Wales")
    )
    assert not any(is_place(name) for name in ("Hampshire", "Luton", "Dordogne"))


@pytest.mark.parametrize(
    ("title", "lead", "kept"),
    [
        (
            "Quebec backs Orvane with $100 million",
            "The government of Quebec is investing $100 million in Orvane.",
            False,
        ),
        (
            "Federal government invests $12 million in AI projects",
            "The federal government will invest $12 million in six AI research projects, the ministry said.",
            False,
        ),
        (
            "Quillon to invest $10 billion in North Carolina",
            "Quillon will invest $10 billion in North Carolina for AI.",
            False,
        ),
        (
            "Government takes 10% stake in AI chipmaker Orvane",
            "The government will take a 10% stake in Orvane, the AI chipmaker.",
            True,
        ),
        ("Quillon invests $50 million in AI startup Orvane", "Quillon invested $50 million in Orvane.", True),
    ],
)
def test_public_money_and_money_spent_in_a_place_are_no_stake(title: str, lead: str, kept: bool) -> None:
    """Grants and a company's own spending are no investment by the labelling rules; a state's stake is."""
    stakes = proposed(story(title, lead), "strategic_investment")
    assert bool(stakes) == kept


@pytest.mark.parametrize(
    ("title", "lead", "kept"),
    [
        (
            "Northgate Capital raises almost $500mn to focus on AI",
            "Northgate Capital, the Toronto venture firm, raised almost $500 million to back AI companies.",
            False,
        ),
        (
            "Bluepeak Ventures raises $600 million to back AI startups",
            "The firm will invest in AI tools.",
            False,
        ),
        ("AI startup Orvane raises $60 million", "Orvane raised $60 million led by Northgate Capital.", True),
    ],
)
def test_an_investment_firm_raising_money_raises_its_own_fund(title: str, lead: str, kept: bool) -> None:
    """A VC firm's fund is no investment by the labelling rules, whether or not the story says "fund"."""
    rounds = [e for e in default_classifier().classify(story(title, lead)).events if e.type == "investment"]
    assert bool(rounds) == kept
    assert investment_veto(investment("Northgate Capital", evidence=title)) == (
        "an investment firm raising its own fund"
    )


@pytest.mark.parametrize(
    ("title", "lead", "kept"),
    [
        (
            "Orvane receives €10 million from EU programme",
            "The AI startup Orvane received €10 million from the EU's Horizon Europe programme.",
            False,
        ),
        (
            "Orvane secures $20 million in non-dilutive funding",
            "Orvane, an AI drug discovery startup, secured $20 million in non-dilutive funding from Quillon.",
            False,
        ),
        (
            "Orvane shares jump after $700 million listing",
            "Orvane, the AI software maker, raised $700 million in its listing on the Nasdaq.",
            False,
        ),
        (
            "Orvane AI raises $25 million Series A",
            "Orvane AI raised $25 million in a Series A round led by Quillon Ventures.",
            True,
        ),
    ],
)
def test_a_listing_a_grant_or_public_money_told_as_money_raised_is_no_round(
    title: str, lead: str, kept: bool
) -> None:
    rounds = proposed(story(title, lead), "investment")
    assert bool(rounds) == kept


@pytest.mark.parametrize(
    ("title", "lead", "deal"),
    [
        (
            "Quillon sells AI unit Orvane to Velmora for $2 billion",
            "Quillon agreed to sell Orvane, its AI unit, to Velmora for $2 billion.",
            ("acquisition", ("Velmora", "Orvane"), ("acquirer", "target")),
        ),
        (
            "Quillon sells its stake in AI startup Orvane to Velmora",
            "Quillon has sold its 20% stake in the AI company Orvane to Velmora for $300 million.",
            ("strategic_investment", ("Velmora", "Orvane"), ("investor", "investee")),
        ),
        (
            "AI startup Orvane was sold to Velmora",
            "AI startup Orvane was sold to Velmora for $50 million.",
            ("acquisition", ("Velmora", "Orvane"), ("acquirer", "target")),
        ),
    ],
)
def test_a_sale_told_by_its_seller_is_the_buyers_deal(
    title: str, lead: str, deal: tuple[str, tuple[str, ...], tuple[str, ...]]
) -> None:
    (event,) = proposed(story(title, lead), "investment")
    assert (event.subtype, event.parties, event.roles) == deal


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Orvane makes Nova AI assistant generally available",
            "Orvane made its Nova AI assistant generally available to all business customers on Monday.",
        ),
        ("Orvane previews Nova, its next AI model", "Orvane previewed Nova, its next AI model, on Tuesday."),
        ("Orvane's next AI model", "Orvane gave a first look at Nova, its next-generation AI model."),
    ],
)
def test_a_launch_told_as_availability_or_a_preview_is_the_makers(title: str, lead: str) -> None:
    """The labelling rules count a product made generally available, and a preview, as a launch."""
    launches = proposed(story(title, lead), "launch")
    assert [(e.parties, e.product) for e in launches][:1] == [(("Orvane",), "Nova")]


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        # (a name the finder cannot tell from the verb opening the question is left to what it knows)
        ("Steigt SAP beim KI-Startup Orvane ein?", "Die Rede ist von 100 Millionen Euro."),
        (
            "Quillon verhandelt über einen Einstieg beim Heidelberger KI-Start-up Orvane",
            "Die Rede ist von 100 Millionen Euro.",
        ),
        (
            "Quillon beteiligt sich am Heidelberger KI-Start-up Orvane",
            "Quillon beteiligt sich am Heidelberger KI-Start-up Orvane mit 50 Millionen Euro.",
        ),
    ],
)
def test_a_german_stake_names_its_company_after_bei_or_an(title: str, lead: str) -> None:
    """German puts the investor after the verb ("Steigt Quillon ... ein") and the company after "bei"."""
    (stake,) = proposed(story(title, lead, language="de"), "investment")
    assert stake.subtype == "strategic_investment"
    assert stake.in_role("investee") == ["Orvane"]
    assert stake.in_role("investor") in (["Quillon"], ["SAP"])


def test_a_round_of_the_company_or_the_startup_is_the_one_the_sentence_before_named() -> None:
    told = story(
        "Hard numbers: money for AI, chips and more",
        "Europe has one major player in generative AI: Orvane. The French startup raised a new $640 million"
        " funding round last week. Quillon, meanwhile, sells chips.",
    )
    (round_,) = proposed(told, "investment")
    assert (round_.parties, round_.amount) == (("Orvane",), 640e6)
    # the baseline reads no raiser, so no round
    assert not [e for e in RulesClassifier().classify(told).events if e.type == "investment"]


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Quillon Ventures leads $60 million round in AI startup Orvane",
            "Quillon Ventures led a $60 million funding round in Orvane, which builds AI for logistics.",
        ),
        (
            "$50M Series B for AI chip startup Orvane",
            "Quillon Ventures led a $50 million Series B in Orvane.",
        ),
        ("Quillon Ventures joins Orvane's $50 million Series B", "Orvane builds AI agents for hospitals."),
        ("Quillon Ventures invests in Orvane's $50 million Series B", "Orvane builds AI agents for banks."),
        (
            "Quillon Ventures takes part in Orvane's $60 million round",
            "Quillon Ventures took part in the $60 million round raised by AI startup Orvane.",
        ),
    ],
)
def test_a_round_told_from_its_lead_investors_side_is_the_companys(title: str, lead: str) -> None:
    """ "Quillon Ventures led a round in Orvane" is Orvane's round, not the firm's own fund; "invests in
    Orvane's Series B" is a funding round, not a corporation's stake."""
    (round_,) = [
        e for e in default_classifier().classify(story(title, lead)).events if e.type == "investment"
    ]
    assert (round_.in_role("investee"), round_.in_role("investor")) == (["Orvane"], ["Quillon Ventures"])
    assert round_.subtype == "funding"
    assert round_.amount in {60e6, 50e6}


@pytest.mark.parametrize(
    ("title", "lead", "money"),
    [
        (
            "KI-Firma Orvane sammelt 20 Millionen Franken",
            "Das Zürcher KI-Start-up Orvane hat 20 Millionen Franken von Quillon eingesammelt.",
            (20e6, "CHF"),
        ),
        (
            "Orvane: 50 Millionen Euro für KI",
            "Das Berliner KI-Start-up Orvane hat in einer Finanzierungsrunde 50 Millionen Euro von Quillon"
            " erhalten.",
            (50e6, "EUR"),
        ),
    ],
)
def test_a_german_round_told_in_the_perfect_tense_is_its_subjects(
    title: str, lead: str, money: tuple[float, str]
) -> None:
    """German puts the participle last ("hat ... eingesammelt"): the raiser opens the clause."""
    (round_,) = default_classifier().classify(story(title, lead, language="de")).events
    assert (round_.type, round_.parties, (round_.amount, round_.currency)) == (
        "investment",
        ("Orvane", "Quillon"),
        money,
    )


@pytest.mark.parametrize(
    ("language", "title", "lead", "deal"),
    [
        (
            "fr",
            "Quillon serait en passe de racheter la start-up d'IA Orvane",
            "Quillon serait en passe de racheter Orvane, la start-up française d'intelligence artificielle.",
            ("acquisition", ("Quillon", "Orvane")),
        ),
        (
            "de",
            "Quillon soll bei KI-Start-up Orvane einsteigen",
            "Quillon soll Medienberichten zufolge beim KI-Start-up Orvane einsteigen.",
            ("strategic_investment", ("Quillon", "Orvane")),
        ),
    ],
)
def test_a_rumoured_deal_told_with_an_infinitive_is_a_rumoured_deal(
    language: str, title: str, lead: str, deal: tuple[str, tuple[str, ...]]
) -> None:
    told = default_classifier().classify(story(title, lead, language=language))
    assert told.rumor
    assert [(e.subtype, e.parties) for e in told.events] == [deal]


def test_a_deal_its_buyer_walked_away_from_is_none() -> None:
    given_up = story(
        "Quillon walks away from Orvane deal",
        "Quillon walked away from its planned $1 billion acquisition of AI startup Orvane.",
    )
    assert default_classifier().classify(given_up).events == ()
    (proposed,) = read(
        replace(given_up, summary=given_up.summary.replace("walked away from", "agreed"))
    ).proposals.events
    assert proposed.subtype == "acquisition"  # the same deal, agreed, is one


@pytest.mark.parametrize(
    ("evidence", "vetoed"),
    [
        ("Quillon's 10% stake in Orvane is now worth about $20 billion.", True),
        ("Quillon's stake in Orvane now worth $20 billion", True),
        ("Quillon said its investment in Orvane reduced its quarterly profit by $1.5 billion.", True),
        ("Quillon wrote down the value of its $2 billion investment in Orvane by half.", True),
        ("Orvane, which is backed by Quillon, launched an AI agent on Tuesday.", True),
        ("Orvane, the AI startup backed by Quillon, launched an AI agent.", True),
        ("Orvane, désormais soutenu par Quillon, lance une IA conversationnelle.", False),  # newly backed
        ("Quillon invests $2 billion in Orvane, taking a 10% stake.", False),
        ("Quillon's $2 billion investment in Orvane gives it a seat on the board.", False),
    ],
)
def test_a_stake_already_held_valued_or_described_is_no_new_stake(evidence: str, vetoed: bool) -> None:
    stake = DealEvent(
        "investment",
        "strategic_investment",
        ("Quillon", "Orvane"),
        ("investor", "investee"),
        evidence=evidence,
    )
    assert bool(investment_veto(stake)) is vetoed


@pytest.mark.parametrize(
    ("title", "lead", "deals"),
    [
        (
            "Quillon announces $18B AI investment in Australia",
            "Quillon announced an ~$18B investment to expand AI and cloud infrastructure in Australia.",
            [],
        ),
        (
            "Quillon announces $4 billion investment in AI startup Orvane",
            "Quillon announced a $4 billion investment in Orvane, the AI startup.",
            [("strategic_investment", ("Quillon", "Orvane"))],
        ),
        (
            "AI startup Orvane announces $30M Series A",
            "Orvane announced a $30 million Series A led by Quillon Ventures.",
            [("funding", ("Orvane", "Quillon Ventures"))],
        ),
    ],
)
def test_an_announced_investment_is_no_round_of_the_announcer(
    title: str, lead: str, deals: list[tuple[str, tuple[str, ...]]]
) -> None:
    events = default_classifier().classify(story(title, lead)).events
    assert [(e.subtype, e.parties) for e in events] == deals


@pytest.mark.parametrize(
    ("evidence", "vetoed"),
    [
        ("Terms were not disclosed, although Quillon confirmed it did not acquire Orvane's assets.", True),
        ("Quillon has not invested in Orvane, a spokesperson said.", True),
        ("Quillon not only acquired Orvane but also hired its founders.", False),
        ("Quillon acquired Orvane, which had not raised money before.", False),
    ],
)
def test_a_deal_its_sentence_says_was_not_made_is_none(evidence: str, vetoed: bool) -> None:
    deal = DealEvent(
        "investment", "acquisition", ("Quillon", "Orvane"), ("acquirer", "target"), evidence=evidence
    )
    assert bool(investment_veto(deal)) is vetoed


def test_plans_for_acquisitions_are_no_acquisition() -> None:
    planned = story(
        "Quillon to spend $5 billion on AI acquisitions",
        "Quillon has set aside $5 billion for acquisitions of AI startups over the next two years.",
    )
    assert proposed(planned, "investment") == []


def test_a_person_snapped_up_is_an_executive_hired_not_a_company_bought() -> None:
    hired = story(
        "Orvane hires former Quillon AI chief as CTO",
        "Orvane has snapped up Jane Miller, the former head of Quillon's AI research unit, as its chief"
        " technology officer.",
    )
    assert proposed(hired, "investment") == []
    assert any(e.subtype == "acquisition" for e in RulesClassifier().classify(hired).events)
    bought = story("Orvane snaps up AI startup Quillon", "Orvane has snapped up Quillon, an AI research lab.")
    assert [e.subtype for e in read(bought).proposals.events] == ["acquisition"]


def test_a_stake_by_a_place_or_a_government_or_in_a_place_is_vetoed() -> None:
    stake = DealEvent(
        "investment",
        "strategic_investment",
        ("Quebec", "Orvane"),
        ("investor", "investee"),
        evidence="Quebec backs Orvane, the Montreal AI institute, with $100 million.",
    )
    assert investment_veto(stake) == "public money: a grant or a programme"
    ministry = replace(stake, parties=("Ministry of Digital Affairs", "Orvane"))
    assert investment_veto(ministry) == "public money: a grant or a programme"
    assert investment_veto(replace(stake, evidence="Quebec takes a 10% stake in Orvane.")) is None
    spent = replace(
        stake, parties=("Quillon", "North Carolina"), evidence="Quillon will invest $10B in North Carolina."
    )
    assert investment_veto(spent) == "money spent in a place"
    # a round's investors: the rules list the places around them, which the parties' vetting drops
    round_ = replace(
        stake, subtype="funding", parties=("Orvane", "San Francisco"), roles=("investee", "investor")
    )
    assert investment_veto(round_) is None
    assert investment_veto(replace(stake, parties=("Quillon", "Orvane"))) is None


def test_a_summary_cut_mid_sentence_gives_way_to_the_text_that_tells_it_whole() -> None:
    lead = "AI startup Orvane raised $40 million in a Series A round to build AI agents."
    told = (
        " The round was led by Quillon Capital and drew investors from three continents, including Harlow"
        " Partners and the National Bank of Canada, it said."
    )
    cut = lead + told[: told.index("anada")]  # a feed's summary, cut near a length
    story = Story("s1", "AI startup Orvane raises $40 million", cut, lead + told)
    assert with_summary_uncut(story).summary == lead
    (round_,) = default_classifier().classify(story).events
    assert round_.parties[0] == "Orvane"
    assert "National Bank of Canada" in round_.parties
    assert "National Bank of C" not in round_.parties
    # a summary that ends a sentence, or whose end the text does not tell, stays as it is
    for whole in (replace(story, summary=lead + told), replace(story, text=lead)):
        assert with_summary_uncut(whole) == whole


def test_a_stake_cue_that_finds_no_company_invested_in_leaves_the_sentence_to_its_round() -> None:
    # "steigt" (a stake cue, as in "steigt ein") here only says the company rises to the top
    lead = (
        "Veltaro aus Köln hat eine Finanzierungsrunde über 80 Millionen Euro abgeschlossen und steigt damit"
        " zur wertvollsten KI-Firma Deutschlands auf."
    )
    german = story("Kölner KI-Start-up Veltaro wächst", lead, language="de")
    (round_,) = read(german).proposals.events
    assert (round_.subtype, round_.parties[0], round_.amount, round_.currency) == (
        "funding",
        "Veltaro",
        80_000_000,
        "EUR",
    )
    # the baseline reads such a sentence as before: the stake cue alone, and no company invested in
    assert RulesClassifier().classify(german).events == ()


def test_an_investment_told_beside_an_ai_term_in_the_lead_is_about_ai() -> None:
    # the lead names AI once, in the sentence telling the deal: the company's work is AI
    lead = (
        "(Wire) -- Basel-based Corvina, a chemicals company that uses artificial intelligence to design"
        " catalysts, has raised $60 million in a Series B round led by Harrow Capital."
        " The company will open a laboratory in Lyon next year."
    )
    about_ai = story("Harrow Leads $60 Million Round for Swiss Chemicals Firm", lead)
    result = default_classifier().classify(about_ai)
    assert result.ai_related
    assert [(e.subtype, e.parties[0]) for e in result.events] == [("funding", "Corvina")]
    # the baseline reads the head for AI terms only, and finds one too few
    assert not RulesClassifier().classify(about_ai).ai_related
    # an AI term away from any deal says nothing
    apart = story(
        "Harrow Leads $60 Million Round for Swiss Chemicals Firm",
        "Basel-based Corvina has raised $60 million in a Series B round led by Harrow Capital."
        " Separately, its chief executive spoke about artificial intelligence at a conference.",
    )
    assert not default_classifier().classify(apart).ai_related


def test_a_deal_of_a_company_the_lead_calls_an_ai_company_is_about_ai() -> None:
    called = story(
        "Orvane raises $50 million", "Orvane, an AI startup based in Lyon, will hire 40 engineers."
    )
    assert default_classifier().classify(called).ai_related
    assert not RulesClassifier().classify(called).ai_related  # the baseline needs two AI terms in the lead
    # a company that only uses AI is no AI company
    uses = story("Stripe raises $6.5 billion", "Stripe, the payments company, uses AI to spot fraud.")
    assert not default_classifier().classify(uses).ai_related


def test_a_french_partnership_told_by_s_associe_is_one() -> None:
    french = story(
        "Velmora s'associe à Orvane dans l'IA",
        "La start-up française d'intelligence artificielle Velmora s'associe à Orvane pour déployer ses"
        " modèles d'IA en Europe.",
        language="fr",
    )
    (partnership,) = default_classifier().classify(french).events
    assert (partnership.type, set(partnership.parties)) == ("partnership", {"Velmora", "Orvane"})
    assert RulesClassifier().classify(french).events == ()  # the baseline as it was measured


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Orvane wins $480 million Quillon contract for AI platform",
            "Quillon awarded Orvane a $480 million contract for its AI targeting platform.",
        ),
        (
            "Quillon awards Orvane and Velmora AI contracts",
            "Quillon has awarded contracts to Orvane and Velmora.",
        ),
        (
            "Quillon to integrate Orvane's AI models into its office software",
            "Quillon will integrate Orvane's AI models into its office software, the companies said.",
        ),
        (
            "Orvane, Quillon to co-develop AI chips",
            "Orvane and Quillon will co-develop AI chips for data centres.",
        ),
        (
            "Quillon selects Orvane as AI provider for its staff",
            "Quillon has selected Orvane to provide AI assistants to its 50,000 employees.",
        ),
        ("Quillon taps Orvane to power its AI search", "Quillon has tapped Orvane to power its AI search."),
        (
            "Quillon taps Orvane for AI customer service",
            "Quillon has chosen Orvane to run AI customer service for its 40 million customers.",
        ),
        (
            "Quillon picks Orvane's AI for its call centres",
            "Quillon has picked Orvane's AI platform for them.",
        ),
        ("Quillon adds Orvane's AI models to its cloud", "Quillon added Orvane's models to its marketplace."),
        (
            "Quillon to use Orvane's AI chips in new data centres",
            "Quillon will use Orvane's AI chips under a multi-year supply deal.",
        ),
        (
            "Quillon will use Orvane's AI in its call centres",
            "Quillon will deploy Orvane's AI agents across its call centres under a three-year deal.",
        ),
        (
            "Quillon licenses Orvane's archive to train AI",
            "Quillon licenses Orvane's news archive for its AI.",
        ),
    ],
)
def test_a_contract_an_integration_or_a_deployment_is_a_partnership(title: str, lead: str) -> None:
    """Rule 4 counts (government) contracts, integration, licensing and enterprise deployments between
    named organisations as partnerships; the baseline has no cue for them."""
    partnerships = proposed(story(title, lead), "partnership")
    assert partnerships
    assert {"Quillon", "Orvane"} <= set(partnerships[0].parties)
    assert not any(e.type == "partnership" for e in RulesClassifier().classify(story(title, lead)).events)


def test_an_everyday_stake_verb_tells_a_stake_only_with_money_after_it() -> None:
    put_in_place = story(
        "Orvane releases an AI fairness benchmark",
        "Orvane released an AI benchmark on Monday. “Mitigations put in place by Quillon and others need"
        " checking,” Orvane wrote.",
    )
    assert [e.type for e in read(put_in_place).proposals.events if e.type == "investment"] == []
    put_money = story(
        "Quillon puts $50 million into AI startup Orvane", "Quillon puts $50 million into Orvane."
    )
    (stake,) = read(put_money).proposals.events
    assert (stake.subtype, stake.parties, stake.amount) == (
        "strategic_investment",
        ("Quillon", "Orvane"),
        50e6,
    )
    # the baseline takes "put" alone as a stake
    assert any(e.type == "investment" for e in RulesClassifier().classify(put_in_place).events)


@pytest.mark.parametrize(
    ("title", "lead", "bought"),
    [
        (
            "Orvane's AI agent can take over your browser",
            "Orvane's AI agent can take over your browser to book trips.",
            False,
        ),
        (
            "Orvane's AI cuts customer acquisition costs",
            "Orvane's AI agents cut customer acquisition costs by 30%.",
            False,
        ),
        (
            "Quillon buys machine learning startup",
            "Quillon buys machine learning startup to boost its AI.",
            True,
        ),
        ("AI lab Orvane was acquired", "AI lab Orvane was acquired for $116 million, Quillon said.", True),
        (
            "Quillon buys one of the best AI image generators",
            "Quillon is buying one of the best AI image generators.",
            True,
        ),
        # goods, not a company: a count of things, or a maker's products
        (
            "Orvane buys 18,000 Quillon chips",
            "Orvane will buy 18,000 Quillon chips for its AI data centres.",
            False,
        ),
        (
            "Orvane buys Quillon GPUs worth $1 billion",
            "Orvane bought Quillon GPUs for its AI cluster.",
            False,
        ),
        (
            "Orvane buys AI chip developer Quillon",
            "Orvane buys AI chip developer Quillon for $700 million.",
            True,
        ),
        ("Orvane acquires 100% of Quillon AI", "Orvane acquired 100% of Quillon AI for $665 million.", True),
        # a bid or an offer for a company is its acquisition, rumoured or made
        (
            "Quillon weighs bid for Orvane",
            "Quillon is weighing a bid for AI startup Orvane, people said.",
            True,
        ),
        (
            "Quillon makes $3 billion offer for Orvane",
            "Quillon made a $3 billion offer for AI lab Orvane.",
            True,
        ),
        # German puts the verb last: the buyer opens the clause, what is bought stands right before the verb
        (
            "Quillon soll Orvane übernehmen",
            "Der Konzern Quillon soll das KI-Start-up Orvane übernehmen, wie das Handelsblatt berichtet.",
            True,
        ),
        # a take-private: what is bought stands inside the cue
        (
            "Quillon to take Orvane private in $2 billion deal",
            "Private equity firm Quillon will take AI software maker Orvane private in a deal valued at $2 "
            "billion.",
            True,
        ),
        # goods with no maker before them: the seller named after "from" is none bought
        (
            "Orvane to train its AI models on Quillon's cloud",
            "Orvane will train its AI models on Quillon's cloud and will also buy chips from Kestrel.",
            False,
        ),
        ("Orvane buys AI chip startup Quillon", "Orvane buys AI chip startup Quillon for $90 million.", True),
        # people, not a company: a hire
        (
            "Orvane buys Quillon talent for its AI platform",
            "Orvane buys Quillon talent to build its AI.",
            False,
        ),
        ("Orvane buys Quillon's team", "Orvane buys Quillon's team of AI researchers.", False),
    ],
)
def test_an_acquisition_cue_tells_one_only_where_something_was_bought(
    title: str, lead: str, bought: bool
) -> None:
    acquisitions = proposed(story(title, lead, language="de" if "KI-" in lead else "en"), "acquisition")
    assert bool(acquisitions) == bought
    if bought and "Orvane" in title and "Quillon" in title:  # the buyer, named first in these headlines
        assert acquisitions[0].parties[0] == min(("Quillon", "Orvane"), key=title.index)


def test_a_story_told_long_after_the_fact_has_no_events() -> None:
    told = story(
        "Orvane launches Lumen, a generative AI model for designers",
        "On March 21, 2023, Orvane unveiled Lumen, a family of generative AI models for creative work, and "
        "tied its pitch to one promise: legal safety.",
    )
    assert read(told).proposals.events == ()
    fresh = replace(told, published=datetime(2023, 3, 21, 18, tzinfo=UTC))
    assert [e.product for e in proposed(fresh, "launch")] == ["Lumen"]


def test_a_name_that_only_describes_a_partner_is_no_partner() -> None:
    """ "Velmora rival Orvane" names Orvane; Velmora only describes it. Words that join two names still
    make both partners."""
    told = story(
        "Quillon allies with Velmora rival Orvane",
        "Quillon has struck a partnership with Orvane, the French AI startup, to offer Orvane's models.",
    )
    (partnership,) = [e for e in default_classifier().classify(told).events if e.type == "partnership"]
    assert set(partnership.parties) == {"Quillon", "Orvane"}
    joined = story("Quillon and its partner Orvane team up on AI agents for banks")
    assert {"Quillon", "Orvane"} <= set(proposed(joined, "partnership")[0].parties)


@pytest.mark.parametrize(
    ("title", "lead", "maker", "product"),
    [
        (
            "Quillon stellt KI-Assistenten Lumen vor",
            "Der Softwarekonzern Quillon hat am Dienstag seinen neuen KI-Assistenten Lumen vorgestellt.",
            "Quillon",
            "Lumen",
        ),
        (
            "Neues KI-Modell von Quillon",
            "Quillon hat ein neues KI-Modell namens Lumen veröffentlicht, das Texte und Bilder versteht.",
            "Quillon",
            "Lumen",
        ),
        ("Quillon bringt sein KI-Modell Lumen 2 auf den Markt", "", "Quillon", "Lumen 2"),
        # in the past tense, the subject after the verb: "der Konzern" is the company the story is about
        (
            "Quillon zeigt ein Handy ohne Apps",
            "Quillon arbeitet an einem neuen Konzept. Am Montag stellte der Konzern gemeinsam mit seinen "
            "Partnern Velmora und Kestrel.ai sein KI-Smartphone Lumen vor.",
            "Quillon",
            "Lumen",
        ),
        (
            "Neues aus der Branche",
            "Am Montag stellte Quillon seinen neuen KI-Assistenten Lumen vor.",
            "Quillon",
            "Lumen",
        ),
    ],
)
def test_a_german_launch_told_with_its_verb_split_or_last_names_maker_and_product(
    title: str, lead: str, maker: str, product: str
) -> None:
    """Read as English, "Quillon hat ... Lumen veröffentlicht, das Texte ..." made Lumen the maker of
    "Texte"; German puts the product between the verb's parts, or before the verb that ends the clause."""
    launches = [
        e
        for e in default_classifier().classify(story(title, lead, language="de")).events
        if e.type == "launch"
    ]
    assert [(e.parties, e.product) for e in launches] == [((maker,), product)]


@pytest.mark.parametrize(
    ("title", "lead", "language"),
    [
        ("New AI model from Orvane beats rivals on coding", "Orvane released Lumen, a new AI model.", "en"),
        ("Neues KI-Modell von Orvane", "Orvane hat ein neues KI-Modell namens Lumen veröffentlicht.", "de"),
    ],
)
def test_a_name_after_from_or_by_is_the_launch_s_maker_not_its_product(
    title: str, lead: str, language: str
) -> None:
    launches = [
        e
        for e in default_classifier().classify(story(title, lead, language=language)).events
        if e.type == "launch"
    ]
    assert [(e.parties, e.product) for e in launches] == [(("Orvane",), "Lumen")]


def test_a_german_stake_takes_its_amount_from_a_lead_that_describes_the_investor() -> None:
    """ "Der Autobauer Velmora" is Velmora: the lead's sum is the stake's, told under the headline."""
    told = story(
        "Velmora steigt bei KI-Start-up Orvane ein",
        "Der Autobauer Velmora beteiligt sich mit 50 Millionen Euro an dem KI-Unternehmen Orvane.",
        language="de",
    )
    (stake,) = proposed(told, "strategic_investment")
    assert (stake.parties, stake.amount, stake.currency) == (("Velmora", "Orvane"), 50e6, "EUR")


@pytest.mark.parametrize(
    ("title", "lead", "language", "kind", "money"),
    [
        (
            "Quillon invests in AI startup Orvane",
            "Quillon said it was investing in the 2 billion euro ($2.1 billion), 10-month-old AI business.",
            "en",
            "strategic_investment",
            (None, None),
        ),
        (
            "Quillon buys the $4 billion AI startup Orvane",
            "Quillon agreed to buy Orvane.",
            "en",
            "acquisition",
            (None, None),
        ),
        (
            "Orvane raises $50 million to grow the business",
            "Orvane, an AI startup, raised $50 million.",
            "en",
            "funding",
            (50e6, "USD"),
        ),
        # a sum followed by where it goes is no worth ("100 millions d'euros dans la start-up"), and the
        # headline's sum takes the currency the lead gives it
        (
            "Quillon investit 100 millions dans Orvane",
            "Le groupe Quillon va investir 100 millions d'euros dans la start-up d'IA Orvane.",
            "fr",
            "strategic_investment",
            (100e6, "EUR"),
        ),
    ],
)
def test_a_sum_written_before_a_company_is_what_it_is_worth_not_the_deal_s_amount(
    title: str, lead: str, language: str, kind: str, money: tuple[float | None, str | None]
) -> None:
    (deal,) = proposed(story(title, lead, language=language), kind)
    assert (deal.amount, deal.currency) == money


def test_a_roundup_s_rounds_keep_their_own_investors() -> None:
    """The sentence telling Orvane's round names its investors, not Quillon's: read as an investor
    sentence, it made Orvane and Northgate Ventures investors in Quillon."""
    told = story(
        "AI funding roundup: Orvane, Quillon and Velmora raise money",
        "Orvane, which builds AI agents for banks, raised $40 million in a Series B led by Northgate "
        "Ventures. Quillon, an AI chip startup, closed a $25 million Series A from Redwood Capital. Velmora "
        "raised $10 million in seed funding to build AI tools for lawyers.",
    )
    rounds = {e.parties[0]: e.parties[1:] for e in proposed(told, "funding")}
    assert rounds == {
        "Orvane": ("Northgate Ventures",),
        "Quillon": ("Redwood Capital",),
        "Velmora": (),
    }


def test_a_sentence_telling_two_rounds_gives_each_only_its_own_investors() -> None:
    told = story(
        "AI funding roundup: Orvane, Kestrel raise money",
        "AI startup Orvane raised $200 million led by Quillon Ventures, while AI chipmaker Kestrel raised "
        "$80 million from Velmora Capital.",
    )
    rounds = {e.parties[0]: e.parties[1:] for e in proposed(told, "funding")}
    assert rounds == {"Orvane": ("Quillon Ventures",), "Kestrel": ("Velmora Capital",)}


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Orvane, which raised $100 million last month, launches AI agent for lawyers",
            "Orvane, the legal AI startup that raised $100 million from Quillon Ventures last month, on "
            "Tuesday launched Lexa, an AI agent that drafts contracts.",
        ),
        (
            "Orvane names new CEO after $2 billion funding round",
            "AI startup Orvane has named Jane Doe chief executive, weeks after closing a $2 billion funding "
            "round led by Quillon.",
        ),
        (
            "Orvane lays off 10% of staff despite $1 billion raise",
            "AI startup Orvane is cutting 10% of its workforce, less than a year after it raised $1 billion "
            "from Quillon.",
        ),
    ],
)
def test_a_round_told_in_passing_beside_other_news_is_no_investment(title: str, lead: str) -> None:
    assert proposed(story(title, lead), "investment") == []


@pytest.mark.parametrize(
    "evidence",
    [
        "Orvane raises $50 million after a year of fast growth",
        "Following its seed round last year, Orvane raised $40 million in a Series A led by Quillon",
        "Orvane, an AI startup, closed a $20 million round after talks with Quillon",
    ],
)
def test_a_round_that_is_the_sentence_s_news_is_not_in_passing(evidence: str) -> None:
    assert not is_round_in_passing(evidence)


def test_an_acquisition_of_the_company_is_of_the_company_the_story_is_about() -> None:
    told = story(
        "Orvane shares jump after Quillon agrees takeover",
        "Shares of Orvane, the AI software maker, rose 30% after Quillon agreed to take over the company for "
        "$5 billion. Orvane makes AI tools for insurers.",
    )
    (deal,) = proposed(told, "acquisition")
    assert (deal.in_role("acquirer"), deal.in_role("target"), deal.amount) == (["Quillon"], ["Orvane"], 5e9)


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Quillon (NASDAQ: QLN) to acquire AI firm Orvane for $800 million",
            "Quillon Inc. (NASDAQ: QLN) announced a definitive agreement to acquire Orvane, an AI startup.",
        ),
        (
            "Exclusive-Quillon nears deal to buy AI startup Orvane -sources",
            "Quillon is nearing a deal to buy Orvane, an artificial intelligence startup, sources said.",
        ),
    ],
)
def test_a_ticker_or_a_wire_s_tag_is_no_part_of_a_buyer_s_name(title: str, lead: str) -> None:
    (deal,) = [e for e in default_classifier().classify(story(title, lead)).events if e.type == "investment"]
    assert (deal.in_role("acquirer"), deal.in_role("target")) == (["Quillon"], ["Orvane"])


def test_a_round_s_story_naming_earlier_backers_does_not_make_them_investors() -> None:
    told = story(
        "Orvane raises $40 million Series B for AI agents",
        "Orvane raised $40 million in a Series B led by Northgate Ventures. Other investors listed on the "
        "company's website include Redwood Capital and Velmora Partners.",
    )
    (round_,) = proposed(told, "funding")
    assert round_.parties == ("Orvane", "Northgate Ventures")
    # unless they took part
    joined = story(
        "Orvane raises $40 million Series B for AI agents",
        "Orvane raised $40 million in a Series B led by Northgate Ventures, with participation from previous "
        "investors Redwood Capital and Velmora Partners.",
    )
    (round_,) = proposed(joined, "funding")
    assert set(round_.parties) == {"Orvane", "Northgate Ventures", "Redwood Capital", "Velmora Partners"}


def test_a_person_makes_no_launch_the_company_the_story_names_does() -> None:
    told = story(
        "Elon Musk launches new Grok AI chatbot to compete with ChatGPT",
        "Elon Musk's xAI on Saturday launched Grok, an AI chatbot, to some users of X.",
    )
    launches = [e for e in default_classifier().classify(told).events if e.type == "launch"]
    assert [(e.parties, e.product) for e in launches] == [(("xAI",), "Grok")]


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Elon Musk", True),
        ("Satya Nadella", True),
        ("Meta Platforms", False),  # a known company's first word
        ("Georgia Tech", False),  # a common word after the given name
        ("Jasper Chat", False),
        ("Tesla Motors", False),
    ],
)
def test_a_launch_s_maker_named_as_a_person_is_dropped(name: str, person: bool) -> None:
    launch = DealEvent(
        type="launch",
        subtype=None,
        parties=(name,),
        roles=("launcher",),
        product="Lumen",
        evidence=f"{name} launches Lumen, an AI assistant",
    )
    (kept,) = vet((launch,), [launch.evidence], "en")
    assert kept.parties == (() if person else (name,))


def test_a_company_tapped_for_money_is_no_partner() -> None:
    told = story(
        "Orvane taps Quillon for $1 billion to build AI data centres",
        "Orvane has tapped Quillon for $1 billion in funding to build AI data centres.",
    )
    assert proposed(told, "partnership") == []


def test_a_valuation_after_raising_is_told_with_the_round_s_amount() -> None:
    """ "is now valued at $2 billion after raising $150 million": the round is the news (not background
    "after raising"), and its amount is the sum raised, not none because a valuation came first."""
    told = story(
        "Orvane valued at $2 billion after new funding",
        "Orvane, an AI startup, is now valued at $2 billion after raising $150 million from Quillon Ventures "
        "and Velmora Capital.",
    )
    (round_,) = proposed(told, "funding")
    assert (round_.parties[0], round_.amount, round_.valuation) == ("Orvane", 150e6, 2e9)
    ranged = story("Orvane raises between $20 million and $30 million", "AI startup Orvane is raising.")
    assert [e.amount for e in proposed(ranged, "funding")] == [None]


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Quillon to merge with AI firm Orvane",
            "Quillon will merge with Orvane, an AI company, in a $3 billion deal.",
        ),
        (
            "Quillon and Orvane agree $3 billion AI merger",
            "The merger of Quillon and AI startup Orvane is worth $3 billion.",
        ),
    ],
)
def test_a_merger_is_an_acquisition(title: str, lead: str) -> None:
    (deal,) = proposed(story(title, lead), "acquisition")
    assert {"Quillon", "Orvane"} <= set(deal.parties)


def test_a_capitalised_word_is_a_product_s_name_not_what_no_product_is() -> None:
    """ "office" tells an office opened, no product; "Office" is a product's name."""
    told = story(
        "Quillon rolls out Lumen AI agents to all Office users",
        "Quillon is rolling out its Lumen agents to all users of its Office suite starting today.",
    )
    assert [e.parties for e in proposed(told, "launch")][:1] == [("Quillon",)]
    opened = story(
        "Quillon opens a new AI office in Paris", "Quillon launched an office in Paris for its AI lab."
    )
    assert proposed(opened, "launch") == []


def test_a_launch_told_by_its_possessed_product_is_the_owner_s() -> None:
    """ "Quillon's Lumen AI is now generally available": the possessive phrase was vetted away as a name,
    and the launch with it."""
    told = story(
        "Quillon's Lumen AI is now generally available",
        "Quillon's Lumen AI assistant is now generally available to all business customers.",
    )
    launches = [e for e in default_classifier().classify(told).events if e.type == "launch"]
    assert [(e.parties, e.product) for e in launches] == [(("Quillon",), "Lumen")]


def test_a_launch_cue_telling_what_was_said_is_no_launch() -> None:
    """ "Quillon revealed it will pump 15 million euros into Orvane": a stake said, no product shown."""
    told = story(
        "Quillon allies with AI startup Orvane",
        "Quillon now has a partnership with Orvane. On Monday, Quillon revealed it will pump 15 million "
        "euros into the fast-growing AI vendor in the form of cloud computing.",
    )
    assert proposed(told, "launch") == []
    shown = story("Quillon reveals Lumen, its AI assistant", "Quillon revealed Lumen, an AI assistant.")
    assert [e.product for e in proposed(shown, "launch")] == ["Lumen"]


@pytest.mark.parametrize(
    ("title", "lead", "partners"),
    [
        (
            "Orvane inks licensing deal with Quillon News",
            "AI company Orvane has struck a content licensing deal with publisher Quillon News, allowing it "
            "to train its models on articles.",
            {"Orvane", "Quillon News"},
        ),
        (
            "Quillon News licenses its archive to Orvane",
            "(Reuters) - Quillon News has reached a deal with Orvane to license its archive for "
            "training AI models, according to Reuters.",
            {"Orvane", "Quillon News"},
        ),
    ],
)
def test_an_outlet_licensing_its_content_is_a_partner_an_outlet_reporting_it_is_not(
    title: str, lead: str, partners: set[str]
) -> None:
    (deal,) = proposed(story(title, lead), "partnership")
    assert set(deal.parties) == partners


def test_a_round_in_talks_is_raised_by_the_company_talking_and_raising_funds_is_no_fund_of_its_own() -> None:
    told = story(
        "Orvane said to be valued at $30 billion in new funding talks",
        "AI startup Orvane is in talks with Quillon to raise funds at a $30 billion valuation, people "
        "familiar said.",
    )
    (round_,) = proposed(told, "funding")
    assert (round_.parties, round_.roles) == (("Orvane", "Quillon"), ("investee", "investor"))
    assert (round_.amount, round_.valuation, round_.rumor) == (None, 30e9, True)


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Quillon dismisses speculation over Orvane stake",
            "Quillon dismissed speculation that it would buy a stake in AI startup Orvane, calling the "
            "reports fiction.",
        ),
        (
            "Quillon 'not interested' in buying Orvane",
            "Quillon is not interested in buying AI chip designer Orvane, a spokesperson said.",
        ),
    ],
)
def test_a_deal_dismissed_is_a_denial_no_event_and_a_rumour(title: str, lead: str) -> None:
    reading = read(story(title, lead))
    assert (reading.proposals.events, reading.proposals.rumor) == ((), True)


def test_a_deal_below_the_lead_dated_to_an_earlier_year_is_background() -> None:
    """Below the lead, a round told with a year before the story's is one the story recalls; in the lead
    (or with no date on the story) it is read as news."""
    body = (
        "AI startup Orvane raised $250 million from Quillon Ventures. The round values it at $2 billion. "
        "Orvane sells AI agents to banks. It has 200 staff. Investors have piled into AI this year. Many "
        "rounds were large. Kestrel, an AI lab, raised $400 million from Velmora Capital at the end of 2022."
    )
    told = replace(story("Orvane raises $250 million", body), published=datetime(2023, 5, 2, tzinfo=UTC))
    assert [e.parties[0] for e in proposed(told, "funding")] == ["Orvane"]
    undated = story("Orvane raises $250 million", body)
    assert [e.parties[0] for e in proposed(undated, "funding")] == ["Orvane", "Kestrel"]


def test_a_roundup_s_second_round_told_after_a_company_s_corp_is_its_own() -> None:
    """ "Corp." ends a sentence where the next opens as one ("Separately, ..."), and a sentence telling that
    another company "got new capital from" its backers names that company's investors, not this round's."""
    told = story(
        "AI startups Orvane, Kestrel get funds",
        "AI startup Orvane said Monday it raised about $100 million from investors including Quillon Corp. "
        "Separately, AI lab Kestrel said it raised $130 million at a valuation of about $2 billion. Kestrel, "
        "which works with banks, got new capital from existing backer Velmora Capital as well as new "
        "investors Northgate Partners and Redwood Ventures.",
    )
    rounds = {e.parties[0]: (e.parties[1:], e.amount) for e in proposed(told, "funding")}
    assert rounds == {
        "Orvane": (("Quillon",), 100e6),
        "Kestrel": (("Velmora Capital", "Northgate Partners", "Redwood Ventures"), 130e6),
    }


def test_a_round_s_figure_stated_after_a_common_opening_word_is_the_round_s_own() -> None:
    """ "Plus tôt ce mois-ci, la société a levé": no company named "Plus" raised another round, so its
    figure stays the round's, not the total to date."""
    told = story(
        "Orvane veut amener l'IA à la chirurgie",
        "Orvane, une startup basée à Lyon, vise à amener l'IA à la chirurgie. Plus tôt ce mois-ci, la "
        "société a annoncé qu'elle avait levé 15,5 millions de dollars lors d'un tour de série A. À ce jour, "
        "Orvane a levé 18,5 millions de dollars.",
        language="fr",
    )
    assert [e.amount for e in proposed(told, "funding")] == [15.5e6]


@pytest.mark.parametrize(
    ("title", "lead", "language"),
    [
        (
            "Orvane expands into healthcare",
            "AI startup Orvane said on Monday it is entering healthcare. The company has partnered with "
            "Quillon Health to bring its AI models to hospitals.",
            "en",
        ),
        (
            "Orvane s'étend en Europe",
            "La start-up d'IA Orvane accélère. L'entreprise a signé un partenariat avec Quillon Health pour "
            "distribuer ses modèles d'IA.",
            "fr",
        ),
    ],
)
def test_a_partnership_of_the_company_is_one_of_the_company_the_story_is_about(
    title: str, lead: str, language: str
) -> None:
    (partnership,) = proposed(story(title, lead, language=language), "partnership")
    assert set(partnership.parties) == {"Orvane", "Quillon Health"}


@pytest.mark.parametrize(
    ("lead", "investors"),
    [
        (
            "AI startup Orvane closed a $5 million seed round. Quillon led the round, which brings Orvane's "
            "total funding to $7 million.",
            ("Quillon",),
        ),
        (
            "AI startup Orvane closed a $5 million seed round. Quillon Ventures and Velmora Capital invested "
            "in the round.",
            ("Quillon Ventures", "Velmora Capital"),
        ),
    ],
)
def test_an_investor_told_in_the_active_is_an_investor(lead: str, investors: tuple[str, ...]) -> None:
    (round_,) = proposed(story("Orvane raises $5 million seed round", lead), "funding")
    assert (round_.parties, round_.amount) == (("Orvane", *investors), 5e6)


def test_a_name_after_a_product_noun_and_a_verb_is_not_the_product() -> None:
    """ "Orvane's new AI model beats GPT-4": GPT-4 is what the model beats, not Orvane's launch; the
    lead names the product."""
    told = story(
        "Orvane's new AI model beats GPT-4 on benchmarks",
        "AI startup Orvane released a new AI model, Lumen, that it says beats GPT-4 on coding benchmarks.",
    )
    assert [(e.parties, e.product) for e in default_classifier().classify(told).events] == [
        (("Orvane",), "Lumen")
    ]


def test_two_companies_that_will_build_something_together_are_partners() -> None:
    told = story(
        "Orvane and Quillon to build AI data center",
        "AI startup Orvane and Quillon will build a $2 billion AI data center together in Texas.",
    )
    (partnership,) = proposed(told, "partnership")
    assert set(partnership.parties) == {"Orvane", "Quillon"}
    assert proposed(told, "launch") == []


@pytest.mark.parametrize(
    ("title", "lead", "investors", "amount"),
    [
        # a sum read as both amount and valuation is the valuation; the lead's own sum is the amount
        (
            "Quillon's investment in Orvane values it at $2B",
            "Quillon's $300 million investment in AI startup Orvane values the company at $2 billion.",
            ("Quillon",),
            300e6,
        ),
        (
            "Quillon pours $1 billion into Orvane",
            "Quillon is pouring $1 billion into AI startup Orvane.",
            ("Quillon",),
            1e9,
        ),
        # every name listed before the cue invests
        (
            "Quillon, Velmora invest in Orvane",
            "Quillon and Velmora invested $60 million in AI startup Orvane.",
            ("Quillon", "Velmora"),
            60e6,
        ),
    ],
)
def test_a_stake_s_investors_and_amount(
    title: str, lead: str, investors: tuple[str, ...], amount: float
) -> None:
    (stake,) = proposed(story(title, lead), "strategic_investment")
    assert (tuple(stake.in_role("investor")), stake.in_role("investee"), stake.amount) == (
        investors,
        ["Orvane"],
        amount,
    )
