"""Training the learned classifier's two models from labelled stories, and cross-validating them.

    python -m pipeline.classify.training LABELLED.jsonl   # writes pipeline/classify/models/learned-2.json
    dealpulse eval LABELLED.jsonl --folds 5              # cross-validated figures

Needs the `train` extra (scikit-learn): training happens when the weights are rebuilt, never at run time.
Deterministic: the same labelled file gives the same weights.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.classify.learned import (
    LEARNED_VERSION,
    BoostedTrees,
    DealModels,
    Features,
    LinearModel,
    decide,
    event_features,
    party_features,
    read,
)
from pipeline.evaluation import event_is_right, labelled_party_keys, read_jsonl, story_from_json
from pipeline.names import company_key, fold
from pipeline.records import Classification

Labelled = Mapping[str, Any]
# Inverse regularisation strength of both models: a few hundred stories give a few hundred candidates, so
# the weights are kept small; chosen among 0.03, 0.1, 0.3 and 1.0 by cross-validated AUC.
REGULARISATION = 0.3
# Below these probabilities a proposed event, or a party of one, is dropped. Chosen by cross-validation:
# events are dropped only when clearly wrong (the digest applies its own, higher, bar), while names are
# held to more, since a wrong party misleads more than a missing one.
EVENT_THRESHOLD = 0.2
PARTY_THRESHOLD = 0.3
MODELS_FOLDER = Path(__file__).parent / "models"


def candidate_rows(
    items: Sequence[Labelled],
) -> tuple[list[tuple[Features, bool]], list[tuple[Features, bool]]]:
    """(features, right) for every event the rules propose, and for every party they name."""
    events: list[tuple[Features, bool]] = []
    parties: list[tuple[Features, bool]] = []
    for item in items:
        reading = read(story_from_json(item))
        gold = item.get("events") or []
        for event in reading.proposals.events:
            events.append((event_features(reading, event), event_is_right(event, gold)))
            keys = labelled_party_keys(gold, event.type)
            for index, party in enumerate(event.parties):
                parties.append((party_features(reading, event, index), company_key(party) in keys))
    return events, parties


def fit(items: Sequence[Labelled], regularisation: float = REGULARISATION) -> DealModels:
    events, parties = candidate_rows(items)
    return DealModels(
        version=LEARNED_VERSION,
        events=replace(_fit_one(events, regularisation), threshold=EVENT_THRESHOLD),
        parties=replace(_fit_trees(parties), threshold=PARTY_THRESHOLD),
    )


# The party model's trees: a hundred of depth three, each fitted on four fifths of the names (seeded, so
# the same file gives the same trees). Chosen by cross-validated AUC over the party candidates: 0.78
# against the logistic model's 0.74; two hundred trees did no better.
TREES = {"n_estimators": 100, "learning_rate": 0.05, "max_depth": 3, "subsample": 0.8, "random_state": 0}


def _fit_trees(rows: Sequence[tuple[Features, bool]]) -> BoostedTrees:
    from sklearn.ensemble import GradientBoostingClassifier  # noqa: PLC0415 - the `train` extra only

    matrix, names, labels = _matrix(rows)
    model = GradientBoostingClassifier(**TREES)
    model.fit(matrix, labels)
    share = sum(labels) / len(labels)
    trees = []
    for (estimator,) in model.estimators_:
        tree = estimator.tree_
        trees.append(
            tuple(
                (
                    names[tree.feature[n]] if tree.children_left[n] >= 0 else "",
                    round(float(tree.threshold[n]), 6),
                    int(tree.children_left[n]),
                    int(tree.children_right[n]),
                    round(float(tree.value[n][0][0]), 6),
                )
                for n in range(tree.node_count)
            )
        )
    return BoostedTrees(
        prior=round(math.log(share / (1 - share)), 6),
        learning_rate=float(TREES["learning_rate"]),
        trees=tuple(trees),
    )


def _matrix(rows: Sequence[tuple[Features, bool]]) -> tuple[Any, list[str], list[bool]]:
    """The candidates as a sparse matrix, its columns' feature names, and the labels."""
    from sklearn.feature_extraction import DictVectorizer  # noqa: PLC0415 - the `train` extra, for training only

    labels = [label for _, label in rows]
    if len(set(labels)) < 2:
        raise ValueError("training needs both right and wrong candidates")
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([features for features, _ in rows])
    return matrix, [str(n) for n in vectorizer.get_feature_names_out()], labels


def _fit_one(rows: Sequence[tuple[Features, bool]], regularisation: float) -> LinearModel:
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - the `train` extra only

    matrix, names, labels = _matrix(rows)
    model = LogisticRegression(C=regularisation, max_iter=2000)
    model.fit(matrix, labels)
    weights = {
        name: round(float(weight), 5)
        for name, weight in zip(names, model.coef_[0], strict=True)
        if abs(weight) >= 1e-5
    }
    return LinearModel(bias=round(float(model.intercept_[0]), 5), weights=weights)


def cross_validated(
    items: Sequence[Labelled], folds: int, regularisation: float = REGULARISATION
) -> list[Classification]:
    """Every item classified by models trained without its fold (copies of one story share a fold)."""
    if folds < 2:
        raise ValueError(f"--folds must be 2 or more, not {folds}")
    assignment = fold_of_each(items, folds)
    results: list[Classification | None] = [None] * len(items)
    for held_out in range(folds):
        train = [item for item, f in zip(items, assignment, strict=True) if f != held_out]
        models = fit(train, regularisation)
        for index, (item, f) in enumerate(zip(items, assignment, strict=True)):
            if f == held_out:
                results[index] = decide(read(story_from_json(item)), models)
    return [r for r in results if r is not None]


def fold_of_each(items: Sequence[Labelled], folds: int) -> list[int]:
    """A fold number per item: groups of copies of one story spread over the folds in turn, in file order,
    so the split is the same on every run."""
    groups = story_groups(items)
    order: dict[int, int] = {}
    for group in groups:
        order.setdefault(group, len(order))
    return [order[group] % folds for group in groups]


def story_groups(items: Sequence[Labelled]) -> list[int]:
    """A group number per item: items whose titles share most of their words, or whose labelled events name
    the same parties, are one story told twice."""
    titles = [set(re.findall(r"\w{3,}", fold(str(item.get("title") or "")))) for item in items]
    signatures = [_event_signature(item) for item in items]

    def told_twice(i: int, j: int) -> bool:
        similar = titles[i] and titles[j] and len(titles[i] & titles[j]) / len(titles[i] | titles[j]) >= 0.5
        return bool(similar or (signatures[i] and signatures[i] == signatures[j]))

    return connected_groups(len(items), told_twice)


def connected_groups(count: int, linked: Callable[[int, int], bool]) -> list[int]:
    """A group number for each of `count` things, those linked (directly or through others) sharing one:
    every pair is asked once."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(count):
        for j in range(i):
            if linked(i, j):
                parent[root(i)] = root(j)
    return [root(i) for i in range(count)]


def _event_signature(item: Labelled) -> frozenset[str]:
    return frozenset(
        f"{event.get('type')}:{company_key(party)}"
        for event in item.get("events") or []
        for party in event.get("parties") or []
    )


def read_labelled(path: Path) -> list[dict[str, Any]]:
    """The labelled stories of a JSON-lines file; ValueError naming the file and line of a bad one."""
    with path.open(encoding="utf-8") as lines:
        items = []
        for _, item in read_jsonl(lines):
            if isinstance(item, str):
                raise ValueError(f"{path}: {item}")
            items.append(item)
    return items


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.classify.training", description="Train the learned classifier's weights."
    )
    parser.add_argument("labelled", type=Path, help="labelled stories, one JSON object a line")
    parser.add_argument("--out", type=Path, default=MODELS_FOLDER / f"{LEARNED_VERSION}.json")
    args = parser.parse_args(argv)
    models = fit(read_labelled(args.labelled))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(models.as_json(), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {_size(models.events)} for events, {_size(models.parties)} for parties")
    return 0


def _size(model: LinearModel | BoostedTrees) -> str:
    if isinstance(model, BoostedTrees):
        return f"{len(model.trees)} trees of {sum(len(t) for t in model.trees)} nodes"
    return f"{len(model.weights)} weights"


if __name__ == "__main__":
    raise SystemExit(main())
