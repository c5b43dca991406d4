"""The end-to-end benchmark's scoring of what a digest shows against labelled stories (pure; made-up
stories)."""

from __future__ import annotations

from typing import Any

from tests.benchmarks.digest_quality import score

STORY = {
    "id": "s1",
    "events": [
        {"type": "launch", "parties": ["Orvane"], "product": "Lumen Large"},
        {"type": "launch", "parties": ["Orvane"], "product": "Le Chat"},
        {
            "type": "investment",
            "subtype": "acquisition",
            "parties": ["Quillon", "Orvane"],
            "amount": 2e9,
            "currency": "USD",
        },
    ],
}
URL = {"http://127.0.0.2/s1": "s1"}


def entry(kind: str, parties: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "subtype": fields.get("subtype"),
        "parties": parties,
        "product": fields.get("product"),
        "amount": fields.get("amount"),
        "currency": fields.get("currency"),
        "sources": [{"url": "http://127.0.0.2/s1"}],
    }


def test_one_maker_s_two_launches_are_two_deals_not_a_duplicate() -> None:
    shown = [
        entry("launch", ["Orvane"], product="Lumen Large"),
        entry("launch", ["Orvane"], product="Le Chat"),
    ]
    figures = score([STORY], URL, shown)
    assert (figures["real"], figures["duplicates"], figures["present"]) == (2, 0, 2)
    again = score([STORY], URL, [*shown, entry("launch", ["Orvane"], product="Le Chat")])
    assert again["duplicates"] == 1


def test_an_entry_is_exact_only_with_the_deal_s_parties_and_amount() -> None:
    right = entry("investment", ["Quillon", "Orvane"], subtype="acquisition", amount=2e9, currency="USD")
    wrong_amount = {**right, "amount": 1e9}
    wrong_kind = {**right, "subtype": "funding"}
    figures = score([STORY], URL, [right, wrong_amount, wrong_kind])
    assert (figures["entries"], figures["real"], figures["exact"], figures["duplicates"]) == (3, 2, 1, 1)
    assert figures["labelled_deals"] == 3


def test_two_alliances_sharing_some_members_are_two_deals() -> None:
    """A department's agreements with eight companies and a venture of seven that shares four of them
    are two deals; the same alliance told with one member fewer is one."""
    alliance = ["Orvane", "Quillon", "Velmora", "Kestrel"]
    stories = [
        {
            "id": "a",
            "events": [{"type": "partnership", "parties": ["Department", *alliance, "Nimbus", "Arden"]}],
        },
        {"id": "b", "events": [{"type": "partnership", "parties": [*alliance, "Lumio", "Corvid", "Tessel"]}]},
        {
            "id": "c",
            "events": [{"type": "partnership", "parties": [*alliance[:3], "Lumio", "Corvid", "Tessel"]}],
        },
    ]
    urls = {"http://127.0.0.2/a": "a", "http://127.0.0.2/b": "b", "http://127.0.0.2/c": "c"}
    shown = [
        {**entry("partnership", ["Department", *alliance]), "sources": [{"url": f"http://127.0.0.2/{i}"}]}
        for i in ("a", "b", "c")
    ]
    figures = score(stories, urls, shown)
    assert (figures["labelled_deals"], figures["present"], figures["duplicates"]) == (2, 2, 1)
