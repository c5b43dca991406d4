"""The fast word-list patterns match exactly what the plain alternations match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import lexicon
from pipeline.classify.wordlist import plain_pattern, word_pattern

LEXICON = sorted(lexicon.word_lists().items(), key=lambda item: item[0].pattern)


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def rough_words(alternative: str) -> list[str]:
    """Pieces of what an alternative matches: syntax dropped, split at "|" ("rais(?:es|ed)": raises, ed)."""
    literal = re.sub(r"\(\?:|[()?*+\\]|\[[^]]*\]|\{[^}]*\}", "", alternative)
    return [w for w in literal.split("|") if w]


VOCABULARY = sorted({w for _, alts in LEXICON for a in alts for w in rough_words(a)})
SEPARATORS = [" ", "-", ", ", "x", "", ".", "\n", "'"]


@st.composite
def lexicon_text(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=12))
    text = "".join(word + sep for word, sep in pieces)
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if up else c for c, up in zip(text, flips, strict=True))


@settings(max_examples=300, deadline=None)
@given(text=lexicon_text())
def test_every_lexicon_pattern_matches_what_its_plain_form_matches(text: str) -> None:
    for pattern, alternatives in LEXICON:
        assert spans(pattern, text) == spans(plain_pattern(*alternatives), text), (pattern.pattern[:40], text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme raises $5M", ["raises"]),
        ("RAISED at the start", ["RAISED"]),
        ("raised", ["raised"]),  # at the very start: no character before it
        ("fundraised twice", []),  # inside a longer word
        ("pre-raised", []),  # after a hyphen
        ("raisesx", []),  # followed by a word character
        ("a deal with Acme, an Accord with Beta", ["deal with", "Accord with"]),
    ],
)
def test_word_pattern_matches_whole_words_in_any_case(text: str, expected: list[str]) -> None:
    pattern = word_pattern(r"rais(?:es|ed)", r"(?:deal|accord) with")
    assert [m.group(0) for m in pattern.finditer(text)] == expected


def test_leading_groups_are_spread_into_the_fast_form() -> None:
    pattern = word_pattern(r"(?:deal|accord) with", r"pacts?")
    assert pattern.pattern.startswith("[")  # the class of first letters that lets the engine skip ahead
    assert pattern.fullmatch("accord with")
    assert not pattern.fullmatch("with")


def test_alternatives_that_cannot_start_with_a_letter_keep_the_plain_form() -> None:
    for alternatives in [(r"\w+-ki", "ai"), (r"(?:new )?model", "llm"), (r"s?aas", "api")]:
        pattern = word_pattern(*alternatives)
        assert pattern.pattern == plain_pattern(*alternatives).pattern


def test_a_capturing_group_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"capturing group in word alternative 'rais\(es\|ed\)'"):
        word_pattern("rais(es|ed)")


def test_joined_patterns_match_where_any_of_their_parts_does() -> None:
    cue = lexicon.ANY_INVESTMENT_CUE
    for sentence in ["Acme raised $5M", "Beta acquires Gamma", "a Series B round", "Delta invests in Eta"]:
        assert cue.search(sentence), sentence
    assert not cue.search("Acme opened an office in Paris")
