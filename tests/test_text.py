"""The small text helpers, against their plain definitions."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.text import collapse_spaces

_ANY_SPACE = re.compile(r"\s+")
# Characters that are whitespace to one definition or another, to make sure they turn up in the examples.
_SPACES = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)


@given(st.text(alphabet=st.one_of(st.sampled_from(_SPACES), st.characters()), max_size=200))
def test_collapse_spaces_is_the_regex_definition(text: str) -> None:
    """One space for every run of what re's \\s matches, and none at the ends."""
    assert collapse_spaces(text) == _ANY_SPACE.sub(" ", text).strip()


def test_collapse_spaces_on_a_sample() -> None:
    assert collapse_spaces("  Mistral\u00a0AI \n\t raises\u2003€400m  ") == "Mistral AI raises €400m"
