"""Deal-event classification. Classifiers sit behind one small interface, so another backend (a trained
model, say) can be added beside the rules engine without touching the pipeline."""

from __future__ import annotations

from typing import Protocol

from pipeline.classify.rules import CLASSIFIER_VERSION, RulesClassifier
from pipeline.records import Classification, Story

__all__ = ["CLASSIFIER_VERSION", "Classifier", "RulesClassifier", "default_classifier"]


class Classifier(Protocol):
    version: str

    def classify(self, story: Story) -> Classification: ...


def default_classifier() -> Classifier:
    return RulesClassifier()
