"""Deal-event classification. Classifiers sit behind one small interface: the rules engine (rules-2, the
baseline) and the learned classifier over it (learned-2, the default)."""

from __future__ import annotations

from typing import Protocol

from pipeline.classify.learned import LEARNED_VERSION, LearnedClassifier
from pipeline.classify.rules import CLASSIFIER_VERSION, RulesClassifier
from pipeline.records import Classification, Story

__all__ = [
    "CLASSIFIER_VERSION",
    "LEARNED_VERSION",
    "Classifier",
    "LearnedClassifier",
    "RulesClassifier",
    "classifier_named",
    "classifier_versions",
    "default_classifier",
]


class Classifier(Protocol):
    version: str

    def classify(self, story: Story) -> Classification: ...


def default_classifier() -> Classifier:
    return LearnedClassifier()


# Every classifier that can be chosen by its version, for `eval --compare` and `--classifier`.
_BY_VERSION: dict[str, type[RulesClassifier] | type[LearnedClassifier]] = {
    LEARNED_VERSION: LearnedClassifier,
    CLASSIFIER_VERSION: RulesClassifier,
}


def classifier_versions() -> tuple[str, ...]:
    return tuple(_BY_VERSION)


def classifier_named(version: str) -> Classifier:
    """The classifier of that version; ValueError naming the known ones for any other."""
    try:
        return _BY_VERSION[version]()
    except KeyError:
        raise ValueError(f"no classifier {version!r} (known: {', '.join(_BY_VERSION)})") from None
