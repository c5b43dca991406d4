"""The rules engine on stories we wrote in the style of real headlines and leads, in three languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.classify import LEARNED_VERSION, default_classifier
from pipeline.cli import cli
from pipeline.names import company_key
from pipeline.records import Classification, DealEvent, Story

STORIES = Path(__file__).parent / "fixtures" / "stories"
classifier = default_classifier()


def classify(
    title: str, summary: str = "", text: str = "", language: str | None = None, url: str | None = None
) -> Classification:
    return classifier.classify(
        Story(id="t", title=title, summary=summary, text=text, language=language, url=url)
    )


def only(result: Classification, kind: str) -> DealEvent:
    events = [e for e in result.events if e.type == kind]
    assert len(events) == 1, result.events
    return events[0]


def keys(event: DealEvent) -> set[str]:
    return {company_key(p) for p in event.parties}


def test_the_worked_example() -> None:
    """Investment (Microsoft -> Mistral AI), the Azure partnership, and two launches."""
    title, _, body = (STORIES / "worked-example.txt").read_text().partition("\n\n")
    summary, _, text = body.partition("\n\n")
    result = classify(title, summary, text, language="en")
    assert result.ai_related
    assert not result.rumor
    investment = only(result, "investment")
    assert investment.subtype == "strategic_investment"
    assert investment.parties[:2] == ("Microsoft", "Mistral AI")
    assert investment.roles[:2] == ("investor", "investee")
    assert (investment.amount, investment.currency) == (15_000_000, "EUR")
    assert investment.amount_usd == pytest.approx(17_325_000)
    assert investment.valuation is None  # the $2 billion valuation is background, never the amount
    partnership = only(result, "partnership")
    assert {"microsoft", "mistral"} <= keys(partnership)
    launches = {e.product for e in result.events if e.type == "launch"}
    assert launches == {"Le Chat", "Mistral Large"}
    assert all(e.evidence for e in result.events)
    assert all(0 < e.confidence <= 1 for e in result.events)
    assert result.classifier_version == LEARNED_VERSION


@pytest.mark.parametrize(
    ("title", "summary", "subtype", "parties", "amount", "currency", "round_name"),
    [
        (
            "Quillmark raises $42M Series B for insurance claims AI agents",
            "The London startup's round was led by Northgate Ventures, with Harbor Capital participating.",
            "funding",
            {"quillmark", "northgate ventures"},
            42e6,
            "USD",
            "Series B",
        ),
        (
            "Vektor Labs lands €8 million seed round to build AI copilots for accountants",
            "",
            "funding",
            {"vektor"},
            8e6,
            "EUR",
            "Seed",
        ),
        (
            "Databricks acquires AI model startup Tessellate for $1.2 billion",
            "",
            "acquisition",
            {"databricks", "tessellate"},
            1.2e9,
            "USD",
            None,
        ),
        (
            "Nvidia invests $500 million in AI cloud provider Lumenhall",
            "",
            "strategic_investment",
            {"nvidia", "lumenhall"},
            5e8,
            "USD",
            None,
        ),
        (
            "AI startup Corvid valued at $3 billion in latest round of funding",
            "Corvid said it was valued at $3 billion in a $300-million round led by Peakline Capital.",
            "funding",
            {"corvid", "peakline capital"},
            3e8,
            "USD",
            None,
        ),
    ],
)
def test_investments(
    title: str,
    summary: str,
    subtype: str,
    parties: set[str],
    amount: float,
    currency: str,
    round_name: str | None,
) -> None:
    event = only(classify(title, summary), "investment")
    assert event.subtype == subtype
    assert parties <= keys(event)
    assert (event.amount, event.currency) == (amount, currency)
    assert event.round == round_name


def test_a_valuation_is_never_the_amount() -> None:
    event = only(
        classify("Orbital AI valued at $2 billion after new funding round led by Crest Partners"),
        "investment",
    )
    assert event.amount is None
    assert event.valuation == 2e9


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Amazon to invest $10 billion in Ohio data centers in AI push",
            "The spending expands its AI infrastructure.",
        ),
        (
            "Alphabet reaffirms $75 billion capital spending plan for AI",
            "The capex goes to its own data centers.",
        ),
        (
            "EU awards €1 million in prize money and GPU hours to four AI startups",
            "The grants come from a competition.",
        ),
        (
            "Venture firm Redwood announces $2 billion in fresh capital for AI bets",
            "The new fund closed on Friday.",
        ),
        (
            "AI startup Perplexa denies acquisition talks with Apple",
            "Perplexa said it has no knowledge of any talks.",
        ),
        (
            "Adobe cancels $20 billion deal to buy AI design startup Figmo",
            "The companies terminated the merger.",
        ),
        ("Payline raises $3M seed to expand payments across Africa", "The fintech will hire in Lagos."),
        (
            "Cloudra keeps its AI spending plan",
            "Cloudra said it would spend about $40 billion on AI chips, though tariffs may raise costs.",
        ),
        (
            "AI lab Vantor's $2 billion model bill raised eyebrows",
            "Investors raised concerns over the costs.",
        ),
    ],
)
def test_hard_negatives_have_no_investment(title: str, summary: str) -> None:
    assert not [e for e in classify(title, summary).events if e.type == "investment"]


def test_a_background_deal_is_not_the_story() -> None:
    result = classify(
        "Microsoft adds an AI copilot to its Edge browser",
        "Microsoft on Tuesday added an AI copilot to Edge that summarises pages.",
        "Microsoft invested $1 billion in OpenAI in 2019 and another $10 billion earlier this year.",
    )
    assert [e.type for e in result.events] == ["launch"]


def test_an_ongoing_relationship_in_passing_is_background() -> None:
    result = classify(
        "Orbis signs a cloud deal with French lab Velle, a rival of Quanta AI",
        "Orbis and Velle will bring Velle's models to Orbis Cloud.",
        "In AI, Orbis has worked mostly with Quanta AI, investing about $9 billion in the startup.",
    )
    assert [e.type for e in result.events] == ["partnership"]


def test_declining_to_say_how_much_is_not_a_declined_deal() -> None:
    result = classify(
        "Orbis and French AI lab Velle sign a cloud deal",
        "Orbis said it had made a small investment in the French firm but declined to say how much.",
    )
    event = only(result, "investment")
    assert (event.subtype, event.parties, event.amount) == ("strategic_investment", ("Orbis", "Velle"), None)
    assert not classify("AI lab Velle declined a $2 billion takeover offer from Orbis").events


def test_the_company_that_launches_is_the_one_the_product_is_named_after() -> None:
    result = classify(
        "Orbis strikes a deal with Velle, the French AI lab",
        "With the deal, the company also unveiled a model, called Velle Grand, that it says reasons well.",
    )
    launch = only(result, "launch")
    assert (launch.parties, launch.product) == (("Velle",), "Velle Grand")


@pytest.mark.parametrize(
    "title",
    [
        "Orbis acquires Quanta AI rival Velle for $1.3 billion",
        "Orbis acquires Quanta-backed AI startup Velle for $1.3 billion",
        "Orbis acquires Quanta competitor Velle for $1.3 billion in AI push",
    ],
)
def test_a_name_describing_the_target_is_not_the_target(title: str) -> None:
    event = only(classify(title), "investment")
    assert (event.subtype, event.parties) == ("acquisition", ("Orbis", "Velle"))


def test_denial_is_a_rumour_without_event() -> None:
    result = classify("Elon Musk denies xAI is raising $6 billion from investors")
    assert result.rumor
    assert result.events == ()


def test_talks_are_a_rumoured_event() -> None:
    result = classify("Cortex AI in talks to raise $500 million at $5 billion valuation, people familiar say")
    event = only(result, "investment")
    assert result.rumor
    assert event.rumor
    assert (event.amount, event.valuation) == (5e8, 5e9)


@pytest.mark.parametrize(
    ("title", "summary", "parties"),
    [
        ("Axel Example partners with OpenAI to bring news to ChatGPT", "", {"axel example", "openai"}),
        ("Silo AI and Mistral join forces on European language models", "", {"silo", "mistral"}),
        ("Anthropic's Claude models now available on Google Cloud Vertex", "", {"anthropic"}),
    ],
)
def test_partnerships(title: str, summary: str, parties: set[str]) -> None:
    assert parties <= keys(only(classify(title, summary), "partnership"))


def test_a_newsroom_post_names_its_own_company() -> None:
    result = classify(
        "Partnering with Mozilla to make Firefox safer", url="https://www.anthropic.com/news/mozilla"
    )
    assert result.ai_related
    assert {"anthropic", "mozilla"} <= keys(only(result, "partnership"))


@pytest.mark.parametrize(
    ("title", "summary", "launcher", "product"),
    [
        ("OpenAI unveils Sora, a model that turns text into video", "", "OpenAI", "Sora"),
        (
            "Meta releases Llama 4 models for developers",
            "The new models are open weights.",
            "Meta",
            "Llama 4",
        ),
        (
            "Google launches Gemini side panel in Gmail",
            "The AI assistant summarises threads.",
            "Google",
            "Gemini",
        ),
    ],
)
def test_launches(title: str, summary: str, launcher: str, product: str) -> None:
    event = only(classify(title, summary), "launch")
    assert launcher in event.parties
    assert event.product is not None
    assert event.product.startswith(product)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Introducing MedEval, a benchmark for clinical AI",
            "MedEval is a new evaluation benchmark for AI models.",
        ),
        ("Flipstore launches a payments app in fintech push", "The app lets shoppers pay with their phones."),
        (
            "Retrospective: how Microsoft launched its AI-powered Bing",
            "Two years ago Microsoft unveiled its AI search.",
        ),
        (
            "Five findings from our developer survey",
            "Over half of the engineers we asked said introducing AI into code review is risky; "
            "a third fear AI will replace them.",
        ),
        (
            "Can AI grow without burning the planet?",
            "Last month, researchers at DeepMind in London revealed an algorithm that stacks blocks "
            "with a robot arm.",
        ),
    ],
)
def test_not_launches(title: str, summary: str) -> None:
    assert not [e for e in classify(title, summary).events if e.type == "launch"]


def test_ai_relevance() -> None:
    assert classify("Startup raises $20M for generative AI video tools").ai_related
    assert not classify(
        "Rondo's AI-controlled heat batteries come to Europe", "The storage startup heats bricks."
    ).ai_related
    assert not classify(
        "Neustone raises $69M to store carbon in concrete", "The climate startup injects CO2."
    ).ai_related


def test_german_and_french_stories() -> None:
    german = classify(
        "KI-Start-up Kestrel sammelt 15 Millionen Euro ein",
        "Das Münchner Unternehmen hat eine Finanzierungsrunde abgeschlossen, angeführt von Earlybird.",
        language="de",
    )
    event = only(german, "investment")
    assert (event.amount, event.currency) == (15e6, "EUR")
    assert "kestrel" in keys(event)
    french = classify(
        "La start-up d'IA Lumière lève 1,2 milliard d'euros",
        "La jeune pousse parisienne a bouclé un tour de table mené par Bpifrance.",
        language="fr",
    )
    event = only(french, "investment")
    assert (event.amount, event.currency) == (1.2e9, "EUR")
    partnership = classify(
        "Microsoft und Vodafone vereinbaren KI-Partnerschaft",
        "Die beiden Konzerne wollen gemeinsam KI-Dienste entwickeln.",
        language="de",
    )
    assert {"microsoft", "vodafone"} <= keys(only(partnership, "partnership"))
    rumour = classify("Mistral AI s'apprêterait à lever 100 millions d'euros", language="fr")
    assert rumour.rumor


def test_classify_command_keeps_order_and_reports_bad_lines() -> None:
    lines = "\n".join(
        [
            json.dumps(
                {"id": "1", "title": "OpenAI unveils Sora, a text-to-video model", "extra": "ignored"}
            ),
            "{not json",
            json.dumps({"title": "no id"}),
            json.dumps({"id": "4", "title": "Quillmark raises $42M Series B for AI agents"}),
        ]
    )
    result = CliRunner().invoke(cli, ["classify", "-"], input=lines)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r.get("id") or r.get("line") for r in rows] == ["1", 2, 3, "4"]
    assert rows[1]["error"].startswith("line 2: not valid JSON")
    assert rows[3]["events"][0]["amount"] == 42e6
    assert set(rows[0]["events"][0]) == {
        "type",
        "subtype",
        "parties",
        "roles",
        "amount",
        "currency",
        "amount_usd",
        "round",
        "valuation",
        "valuation_currency",
        "product",
        "rumor",
        "evidence",
        "confidence",
    }


def test_eval_command(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        "\n".join(
            json.dumps(item)
            for item in [
                {
                    "id": "a",
                    "title": "Quillmark raises $42M Series B for AI agents",
                    "ai_related": True,
                    "events": [
                        {
                            "type": "investment",
                            "subtype": "funding",
                            "parties": ["Quillmark"],
                            "amount": 42000000,
                            "currency": "USD",
                        }
                    ],
                },
                {
                    "id": "b",
                    "title": "OpenAI unveils Sora, a text-to-video model",
                    "ai_related": True,
                    "events": [],
                },
                {
                    "id": "c",
                    "title": "Neustone raises $69M to store carbon",
                    "ai_related": False,
                    "events": [],
                },
            ]
        )
    )
    result = CliRunner().invoke(cli, ["eval", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["classes"]["investment"]["f1"] == 1.0
    assert report["classes"]["launch"]["false_positives"] == 1  # b is labelled without a launch
    assert report["amounts_exact"] == 1.0
    assert report["ai_accuracy"] == 1.0
    assert [m["id"] for m in report["mistakes"]] == ["b"]


def test_the_investee_is_never_among_its_investors() -> None:
    event = only(
        classify(
            "Quillmark raises $42M Series B for AI claims agents",
            "Investors in Quillmark's round include Northgate Ventures and Harbor Capital.",
        ),
        "investment",
    )
    assert event.parties[0] == "Quillmark"
    assert [company_key(p) for p in event.parties].count("quillmark") == 1
    assert {"northgate ventures", "harbor capital"} <= keys(event)


@pytest.mark.parametrize("limit", [1, 2, 6, 30])
def test_a_limited_split_is_the_start_of_the_full_one(limit: int) -> None:
    """The classifier decides on the head of a story and splits the rest only when it reads on: the head
    must be exactly the first sentences of the whole split, the summary's repeats dropped alike."""
    from pipeline.classify.rules import split_story

    sentences = [f"Sentence number {n} says Mistral AI did thing {n}." for n in range(40)]
    story = Story(
        id="s",
        title="Mistral AI raises money - Example News",
        summary=" ".join(sentences[:3]),
        text=" ".join(sentences),
    )
    full = split_story(story)
    assert len(full) == 30  # the title and 29 sentences: the summary's three are not counted twice
    assert split_story(story, limit=limit) == full[:limit]
