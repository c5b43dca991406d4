"""Scoring a classifier: the figures `dealpulse eval` prints, on labelled stories made up here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluation import calibration, score, score_by_language
from pipeline.records import Classification, DealEvent


def event(kind: str, *parties: str, confidence: float = 0.9, subtype: str | None = None) -> DealEvent:
    return DealEvent(type=kind, subtype=subtype, parties=parties, roles=(), confidence=confidence)


def guess(story: str, *events: DealEvent, ai: bool = True) -> Classification:
    return Classification(story_id=story, ai_related=ai, rumor=False, events=events, classifier_version="t")


def gold(story: str, *events: dict[str, Any], language: str = "en", ai: bool = True) -> dict[str, Any]:
    return {"id": story, "title": story, "language": language, "ai_related": ai, "events": list(events)}


def test_parties_precision_counts_every_predicted_name_that_is_not_a_labelled_party() -> None:
    labelled = [gold("a", {"type": "investment", "subtype": "funding", "parties": ["Acme AI", "Sequoia"]})]
    # "Acme" is "Acme AI" by company key; "York" (a place) and "Cette" (a word) are junk
    predicted = [guess("a", event("investment", "Acme", "Sequoia", "York"), event("partnership", "Cette"))]
    report = score(labelled, predicted)
    assert (report.parties_predicted, report.parties_precision) == (4, 0.5)
    assert report.parties_recall == 1.0


def test_role_accuracy_catches_a_reversed_acquisition() -> None:
    labelled = [
        gold("a", {"type": "investment", "subtype": "acquisition", "parties": ["AMD", "Silo AI"]}),
        gold("b", {"type": "investment", "subtype": "acquisition", "parties": ["Apple", "Xnor"]}),
        gold("c", {"type": "partnership", "parties": ["Mistral AI"]}),  # one party: no roles to judge
        # partners have no roles: the labels' order of them means nothing
        gold("d", {"type": "partnership", "parties": ["Vodafone", "Microsoft"]}),
    ]
    predicted = [
        guess("a", event("investment", "Silo AI", "AMD")),  # "Silo AI acquires AMD"
        guess("b", event("investment", "Apple", "Xnor")),
        guess("c", event("partnership", "Mistral AI", "Microsoft")),
        guess("d", event("partnership", "Microsoft", "Vodafone")),
    ]
    report = score(labelled, predicted)
    assert (report.roles_total, report.role_accuracy) == (2, 0.5)


def test_calibration_bins_events_by_confidence_and_counts_the_right_ones() -> None:
    labelled = [gold("a", {"type": "launch", "parties": ["OpenAI"], "product": "GPT-5"}), gold("b")]
    predicted = [
        guess(
            "a", event("launch", "OpenAI", confidence=0.95), event("investment", "OpenAI", confidence=0.55)
        ),
        guess("b", event("launch", "Nobody", confidence=0.92)),
    ]
    bins = {(b.low, round(b.high, 1)): b for b in score(labelled, predicted).calibration}
    top, low = bins[(0.9, 1.0)], bins[(0.5, 0.6)]
    assert (top.events, top.right, top.share_right) == (2, 1, 0.5)
    assert (low.events, low.right) == (1, 0)
    assert top.mean_confidence == pytest.approx(0.935)


def test_calibration_puts_a_confidence_of_one_in_the_top_bin() -> None:
    (*_, top) = calibration([(1.0, True), (0.0, False)])
    assert (top.events, top.right) == (1, 1)


def test_scores_by_language_split_the_items() -> None:
    labelled = [gold("a", language="en"), gold("b", language="de", ai=False), gold("c", language="de")]
    predicted = [guess("a"), guess("b"), guess("c")]
    languages = score_by_language(labelled, predicted)
    assert {k: v.items for k, v in languages.items()} == {"de": 2, "en": 1}
    assert languages["de"].ai_accuracy == 0.5
    assert languages["en"].ai_accuracy == 1.0


def test_eval_command_shows_two_classifiers_side_by_side_with_languages_and_calibration(
    tmp_path: Path,
) -> None:
    items = [
        {
            "id": "x1",
            "title": "Quillmark raises $42 million Series B to build AI claims agents",
            "summary": "Quillmark, an AI startup, raised $42 million led by Sequoia.",
            "text": "",
            "language": "en",
            "ai_related": True,
            "events": [
                {
                    "type": "investment",
                    "subtype": "funding",
                    "parties": ["Quillmark", "Sequoia"],
                    "amount": 42_000_000,
                    "currency": "USD",
                }
            ],
        },
        {
            "id": "x2",
            "title": "Le marché du vin recule",
            "summary": "",
            "text": "",
            "language": "fr",
            "ai_related": False,
            "events": [],
        },
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n")
    result = CliRunner().invoke(cli, ["eval", str(path), "--compare", "rules-2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "rules-2 (baseline)" in result.output
    for figure in ("parties precision", "role accuracy", "By language", "Calibration"):
        assert figure in result.output
    report = json.loads(CliRunner().invoke(cli, ["eval", str(path), "--json", "--compare", "rules-2"]).output)
    assert set(report["languages"]) == {"en", "fr"}
    assert report["compare"]["classifier"] == "rules-2"
    assert report["classes"]["investment"]["true_positives"] == 1
    unknown = CliRunner().invoke(cli, ["eval", str(path), "--compare", "rules-0"])
    assert unknown.exit_code == 2
    assert "rules-0" in unknown.output
    # one part of the file, scored alone: the French story only
    part = json.loads(CliRunner().invoke(cli, ["eval", str(path), "--json", "--only", "x2"]).output)
    assert part["items"] == 1
    assert set(part["languages"]) == {"fr"}
    none = CliRunner().invoke(cli, ["eval", str(path), "--only", "zz"])
    assert none.exit_code == 1
    assert "no story's id starts with 'zz'" in none.output
