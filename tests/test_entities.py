"""Organisation names and the one key shared by every spelling of a company."""

from __future__ import annotations

import pytest

from pipeline.classify.entities import find_names
from pipeline.names import company_key


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["Mistral", "Mistral AI", "Mistral AI SAS", "mistral ai"], "mistral"),
        (["Amazon", "AWS", "Amazon Web Services", "Amazon.com Inc."], "amazon"),
        (["Microsoft", "Microsoft Corp.", "Microsoft Corporation"], "microsoft"),
        (
            ["U.S. Department of Defense", "Department of Defense", "US Department of Defense"],
            "department of defense",
        ),
        (["Schwarz-Gruppe", "Schwarz Gruppe"], "schwarz"),
        (["Run:ai", "Run:AI"], "run ai"),
        (["SoftBank Group", "SoftBank"], "softbank"),
    ],
)
def test_company_key_joins_spellings(spellings: list[str], key: str) -> None:
    assert {company_key(s) for s in spellings} == {key}


def test_different_companies_keep_different_keys() -> None:
    assert len({company_key(n) for n in ("Google", "Google Cloud", "Microsoft", "Meta", "Metaculus")}) == 5


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        (
            "Hebbia raises nearly $100M Series B for AI-powered search led by Andreessen Horowitz",
            ["Hebbia", "Andreessen Horowitz"],
        ),
        (
            "its backers include the former head of Google Eric Schmidt and Xavier Niel.",
            ["Google", "Eric Schmidt", "Xavier Niel"],
        ),
        ("On the same day Mistral launched Le Chat, its new chatbot.", ["Mistral", "Le Chat"]),
        ("Regulators approve Nvidia's $800m acquisition of Run:AI", ["Nvidia", "Run:AI"]),
        (
            "Existing investors Keystone Partners and Orbit Capital also joined.",
            ["Keystone Partners", "Orbit Capital"],
        ),
        ("Many telecom firms such as Telvio now resell the assistant.", ["Telvio"]),
    ],
)
def test_find_names(sentence: str, names: list[str]) -> None:
    assert [n for _, _, n in find_names(sentence)] == names
