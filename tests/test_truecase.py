"""Title-case headlines read in the case of the story's prose. Every headline here is made up for the test."""

from __future__ import annotations

import pytest

from pipeline.classify import default_classifier
from pipeline.classify.learned import read
from pipeline.classify.rules import split_story
from pipeline.classify.truecase import is_title_case, truecased
from pipeline.records import Story


@pytest.mark.parametrize(
    ("headline", "title_case"),
    [
        ("Globex Acquires Initech in $9 Billion Stock Deal", True),
        ("Globex acquires Initech in $9 billion stock deal", False),
        ("Globex Buys It", False),  # too few long words to tell
    ],
)
def test_a_headline_is_title_case_when_most_of_its_longer_words_are_capitalised(
    headline: str, title_case: bool
) -> None:
    assert is_title_case(headline) is title_case


@pytest.mark.parametrize(
    ("headline", "prose", "read_as"),
    [
        pytest.param(
            "Globex Acquires Core Dynamics in $9 Billion Stock Deal",
            "Globex said on Monday that it will acquire Core Dynamics in an all-stock deal.",
            "Globex acquires Core Dynamics in $9 billion stock deal",
            id="common words lose their capitals, names the prose capitalises keep them",
        ),
        pytest.param(
            "Zorblax Bolsters Its Lineup With Quentaro Purchase",
            "The deal closed on Friday.",
            "Zorblax bolsters its lineup with Quentaro purchase",
            id="a rare word the prose never writes is a name, an inflected common one is not",
        ),
        pytest.param(
            "Globex Acquires Initech in Landmark Stock Deal",
            "Globex Acquires Initech in Landmark Stock Deal\nGlobex said it will buy Initech.\n"
            "More From Globex",
            "Globex acquires Initech in landmark stock deal",
            id="the headline repeated above the text and other title-case lines are no prose",
        ),
        pytest.param(
            # a company named with a common word ("Humane") may open every sentence it is in
            "Globex Explores Purchase of Humane for $1 Billion",
            "Humane was founded in 2019. Nobody else commented.",
            "Globex explores purchase of Humane for $1 billion",
            id="a word the prose capitalises only where a sentence starts keeps its capital",
        ),
        pytest.param(
            "Quillon AI to Be Acquired by Northgate Systems",
            "The startup makes agents.",
            "Quillon AI to be acquired by Northgate Systems",
            id="a company's closing word after a name keeps its capital",
        ),
        pytest.param(
            "Globex Launches New Security Tools",
            "It shipped them today.",
            "Globex launches new security tools",
            id="a closing word after a word set in lower case is set in lower case too",
        ),
        pytest.param(
            "Quillon Acquires AI Security Startup Orvane for $320 Million",
            "The deal closes in May.",
            "Quillon acquires AI security startup Orvane for $320 million",
            id="a closing word after a field's name ('AI') is set in lower case: no company ends there",
        ),
        pytest.param(
            "Quillon Unveils Nova 2, Its Most Powerful AI Model With 20 Million Users",
            "It shipped today.",
            "Quillon unveils Nova 2, its most powerful AI model with 20 million users",
            id="a word numbered is a product's name, unless it is an everyday word",
        ),
    ],
)
def test_a_title_case_headline_is_read_in_the_case_of_its_prose(
    headline: str, prose: str, read_as: str
) -> None:
    assert truecased(headline, prose, "en") == read_as


def test_each_clause_of_a_headline_keeps_its_first_capital() -> None:
    prose = "the company announced a new chip."
    assert truecased("Globex Unleashed: Globex Announces New Chip", prose, "en") == (
        "Globex unleashed: Globex announces new chip"
    )


@pytest.mark.parametrize(
    ("headline", "language"),
    [
        ("Globex acquires Initech in a stock deal", "en"),  # sentence case already
        ("Globex Übernimmt Initech Für Neun Milliarden", "de"),  # German capitalises nouns
    ],
)
def test_headlines_in_sentence_case_or_other_languages_are_left_as_they_are(
    headline: str, language: str
) -> None:
    assert truecased(headline, "globex and initech said so.", language) == headline


def test_the_learned_classifier_reads_no_company_in_a_headline_s_capitalised_common_words() -> None:
    story = Story(
        id="s",
        title="Globex Acquires Initech in $900 Million Stock Deal, Expanding Its Cloud Footprint",
        text="Globex, a cloud company, said on Monday it signed a $900 million all-stock deal to acquire "
        "Initech, an artificial intelligence startup. The machine learning deal is expected to close "
        "next quarter.",
        language="en",
    )
    reading = read(story)
    names = {p for e in reading.proposals.events for p in e.parties}
    assert "Stock Deal" not in names
    assert "Initech" in names
    # what the story shows as evidence is its headline as written
    assert reading.headline == split_story(story, limit=1)[0].text
    assert reading.sentences[0].text != reading.headline


def test_the_learned_classifier_reads_the_headline_a_page_s_text_repeats_in_the_case_of_prose_too() -> None:
    title = "Globex Bolsters AI Capabilities with Landmark $4.9 Billion Acquisition of Initech Systems"
    text = (
        f"{title}\nGlobex Inc. (GLX) has finalized its $4.9 billion acquisition of Initech Systems, a leap "
        "in its AI strategy. The machine learning deal closed on Monday."
    )
    told = Story(id="s", title=title, summary=text[:600], text=text, language="en")
    reading = read(told)
    names = {p for e in reading.proposals.events for p in e.parties}
    assert "Landmark" not in names
    assert "Initech Systems" in names
    # what a reader sees as the evidence is the headline as written, whichever copy the deal was read from
    shown = default_classifier().classify(told).events
    assert title in {e.evidence for e in shown}
    assert not any(e.evidence != title and e.evidence.casefold() == title.casefold() for e in shown)
