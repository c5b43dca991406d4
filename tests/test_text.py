"""The small text helpers, against their plain definitions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text import collapse_spaces, counted, html_to_text

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


def test_html_to_text_leaves_out_scripts_and_styles_but_not_the_text_after_them() -> None:
    fragment = (
        "<p>Mistral AI <b>raised</b> &euro;400m.</p><script>alert('x')</script>After the script."
        "<style>p { color: red }</style><SCRIPT type='text/javascript'>var a = 1;</SCRIPT> The end."
    )
    assert html_to_text(fragment) == "Mistral AI raised €400m.After the script. The end."


@pytest.mark.parametrize(
    ("count", "words", "expected"),
    [(0, ("feed",), "0 feeds"), (1, ("feed",), "1 feed"), (2, ("story", "stories"), "2 stories")],
)
def test_counted_says_one_thing_or_many(count: int, words: tuple[str, ...], expected: str) -> None:
    assert counted(count, *words) == expected
