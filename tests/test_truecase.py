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


def test_common_words_lose_their_capitals_and_names_the_prose_capitalises_keep_them() -> None:
    prose = "Globex said on Monday that it will acquire Core Dynamics in an all-stock deal."
    assert truecased("Globex Acquires Core Dynamics in $9 Billion Stock Deal", prose, "en") == (
        "Globex acquires Core Dynamics in $9 billion stock deal"
    )


def test_a_rare_word_the_prose_never_writes_is_taken_for_a_name_and_an_inflected_common_one_is_not() -> None:
    prose = "The deal closed on Friday."
    assert truecased("Zorblax Bolsters Its Lineup With Quentaro Purchase", prose, "en") == (
        "Zorblax bolsters its lineup with Quentaro purchase"
    )


def test_the_headline_repeated_above_the_text_and_other_title_case_lines_are_no_prose() -> None:
    prose = (
        "Globex Acquires Initech in Landmark Stock Deal\nGlobex said it will buy Initech.\nMore From Globex"
    )
    assert truecased("Globex Acquires Initech in Landmark Stock Deal", prose, "en") == (
        "Globex acquires Initech in landmark stock deal"
    )


def test_a_word_the_prose_capitalises_only_where_a_sentence_starts_keeps_its_capital() -> None:
    # a company named with a common word ("Humane") may open every sentence it is in: prose cannot tell
    prose = "Humane was founded in 2019. Nobody else commented."
    assert truecased("Globex Explores Purchase of Humane for $1 Billion", prose, "en") == (
        "Globex explores purchase of Humane for $1 billion"
    )


def test_a_company_s_closing_word_after_a_name_keeps_its_capital() -> None:
    assert truecased("Quillon AI to Be Acquired by Northgate Systems", "The startup makes agents.", "en") == (
        "Quillon AI to be acquired by Northgate Systems"
    )


def test_a_closing_word_after_a_word_set_in_lower_case_is_set_in_lower_case_too() -> None:
    assert truecased("Globex Launches New Security Tools", "It shipped them today.", "en") == (
        "Globex launches new security tools"
    )


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
