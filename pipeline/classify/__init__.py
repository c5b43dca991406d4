"""Deal-event classification. Classifiers sit behind one small interface, so another backend (a trained
model, say) can be added beside the rules engine without touching the pipeline."""

from __future__ import annotations

from typing import Protocol

from pipeline.classify.rules import CLASSIFIER_VERSION, RulesClassifier
from pipeline.records import Classification, Story

__all__ = [
    "CLASSIFIER_VERSION",
    "Classifier",
    "RulesClassifier",
    "classifier_named",
    "classifier_versions",
    "default_classifier",
]


class Classifier(Protocol):
    version: str

    def classify(self, story: Story) -> Classification: ...


def default_classifier() -> Classifier:
    return RulesClassifier()


# Every classifier that can be chosen by its version, for `eval --compare` and `--classifier`.
_BY_VERSION: dict[str, type[RulesClassifier]] = {CLASSIFIER_VERSION: RulesClassifier}


def classifier_versions() -> tuple[str, ...]:
    return tuple(_BY_VERSION)


def classifier_named(version: str) -> Classifier:
    """The classifier of that version; ValueError naming the known ones for any other."""
    try:
        return _BY_VERSION[version]()
    except KeyError:
        raise ValueError(f"no classifier {version!r} (known: {', '.join(_BY_VERSION)})") from None
