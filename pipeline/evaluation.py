"""Scoring a classifier against labelled stories (the format of shared/eval/dev.jsonl). Pure."""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pipeline.names import company_key
from pipeline.records import Classification, DealEvent, Story

EVENT_TYPES = ("investment", "partnership", "launch")


@dataclass(frozen=True, slots=True)
class ClassScore:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Predicted events whose confidence lies in [low, high), and how many of them were right."""

    low: float
    high: float
    events: int
    right: int
    mean_confidence: float

    @property
    def share_right(self) -> float:
        return self.right / self.events if self.events else 0.0


CALIBRATION_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0000001)


@dataclass(frozen=True, slots=True)
class Report:
    items: int
    classes: dict[str, ClassScore]
    ai_accuracy: float
    amounts_exact: float
    amounts_total: int
    parties_recall: float
    parties_total: int
    parties_precision: float = 1.0
    parties_predicted: int = 0
    role_accuracy: float = 1.0
    roles_total: int = 0
    rumor_accuracy: float = 1.0
    calibration: list[CalibrationBin] = field(default_factory=list)
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        for name, score in self.classes.items():
            result["classes"][name].update(precision=score.precision, recall=score.recall, f1=score.f1)
        return result


def story_from_json(item: Mapping[str, Any]) -> Story:
    """A Story from a JSON object with id, title, summary, text and optionally url, published, language."""
    if not isinstance(item.get("id"), str | int) or not isinstance(item.get("title", ""), str):
        raise ValueError("needs an 'id' and a text 'title'")
    published = item.get("published")
    return Story(
        id=str(item["id"]),
        title=str(item.get("title") or ""),
        summary=str(item.get("summary") or ""),
        text=str(item.get("text") or ""),
        language=item.get("language") or None,
        url=item.get("url") or None,
        published=_date(published),
    )


def _date(value: object) -> datetime | None:
    """An ISO date or datetime, or a partial one ("2023-06"); None for anything else."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    for candidate in (text, f"{text}-01", f"{text}-01-01"):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def classification_json(result: Classification) -> dict[str, Any]:
    return {
        "id": result.story_id,
        "ai_related": result.ai_related,
        "rumor": result.rumor,
        "events": [event_json(e) for e in result.events],
    }


def event_json(event: DealEvent) -> dict[str, Any]:
    return event.fields()


def score(labelled: Sequence[Mapping[str, Any]], predicted: Sequence[Classification]) -> Report:
    """Item-level precision/recall/F1 per class, AI and rumour accuracy, amount exact-match, parties recall
    and precision, role accuracy and the calibration of the events' confidence."""
    counts = {name: [0, 0, 0] for name in EVENT_TYPES}
    ai_right = rumor_right = amounts_hit = amounts_total = parties_hit = parties_total = 0
    named = named_right = roles_right = roles_total = 0
    judged: list[tuple[float, bool]] = []
    mistakes = []
    for gold, guess in zip(labelled, predicted, strict=True):
        gold_events = gold.get("events") or []
        wrong = []
        for name in EVENT_TYPES:
            want = any(e.get("type") == name for e in gold_events)
            got = any(e.type == name for e in guess.events)
            counts[name][0] += want and got
            counts[name][1] += got and not want
            counts[name][2] += want and not got
            if want != got:
                wrong.append(f"{name}: {'missed' if want else 'spurious'}")
        ai_right += bool(gold.get("ai_related")) == guess.ai_related
        rumor_right += bool(gold.get("rumor")) == guess.rumor
        if bool(gold.get("ai_related")) != guess.ai_related:
            wrong.append(f"ai_related: {'missed' if gold.get('ai_related') else 'spurious'}")
        for event in gold_events:
            if event.get("type") == "investment" and event.get("amount") is not None:
                amounts_total += 1
                amounts_hit += any(_same_amount(event, e) for e in guess.events if e.type == "investment")
            predicted_keys = {
                company_key(p) for e in guess.events if e.type == event.get("type") for p in e.parties
            }
            for party in event.get("parties") or []:
                parties_total += 1
                parties_hit += company_key(party) in predicted_keys
            right, total = _role_order(event, guess.events)
            roles_right, roles_total = roles_right + right, roles_total + total
        for predicted_event in guess.events:
            labelled_keys = labelled_party_keys(gold_events, predicted_event.type)
            named += len(predicted_event.parties)
            named_right += sum(company_key(p) in labelled_keys for p in predicted_event.parties)
            judged.append((predicted_event.confidence, event_is_right(predicted_event, gold_events)))
        if wrong:
            mistakes.append({"id": gold.get("id"), "title": gold.get("title"), "wrong": wrong})
    return Report(
        items=len(labelled),
        classes={name: ClassScore(*values) for name, values in counts.items()},
        ai_accuracy=ai_right / len(labelled) if labelled else 1.0,
        amounts_exact=amounts_hit / amounts_total if amounts_total else 1.0,
        amounts_total=amounts_total,
        parties_recall=parties_hit / parties_total if parties_total else 1.0,
        parties_total=parties_total,
        parties_precision=named_right / named if named else 1.0,
        parties_predicted=named,
        role_accuracy=roles_right / roles_total if roles_total else 1.0,
        roles_total=roles_total,
        rumor_accuracy=rumor_right / len(labelled) if labelled else 1.0,
        calibration=calibration(judged),
        mistakes=mistakes,
    )


def score_by_language(
    labelled: Sequence[Mapping[str, Any]], predicted: Sequence[Classification]
) -> dict[str, Report]:
    """The same report for each language's items ("?" where an item names none)."""
    groups: dict[str, tuple[list[Mapping[str, Any]], list[Classification]]] = {}
    for gold, guess in zip(labelled, predicted, strict=True):
        items, guesses = groups.setdefault(str(gold.get("language") or "?"), ([], []))
        items.append(gold)
        guesses.append(guess)
    return {language: score(*groups[language]) for language in sorted(groups)}


def calibration(judged: Iterable[tuple[float, bool]]) -> list[CalibrationBin]:
    """Events binned by confidence, with the share right in each: a calibrated 0.9 is right 9 times in 10."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in CALIBRATION_EDGES[1:]]
    for confidence, right in judged:
        index = bisect.bisect_right(CALIBRATION_EDGES, confidence) - 1
        bins[min(max(index, 0), len(bins) - 1)].append((confidence, right))
    return [
        CalibrationBin(
            low=CALIBRATION_EDGES[index],
            high=min(CALIBRATION_EDGES[index + 1], 1.0),
            events=len(members),
            right=sum(right for _, right in members),
            mean_confidence=sum(c for c, _ in members) / len(members) if members else 0.0,
        )
        for index, members in enumerate(bins)
    ]


def labelled_party_keys(gold_events: Sequence[Mapping[str, Any]], event_type: str) -> set[str]:
    return {
        company_key(p) for e in gold_events if e.get("type") == event_type for p in e.get("parties") or []
    }


def event_is_right(event: DealEvent, gold_events: Sequence[Mapping[str, Any]]) -> bool:
    """A predicted event is right when a labelled event of its type shares a party with it (or, when the
    labelled event names none, by its type alone)."""
    keys = {company_key(p) for p in event.parties}
    for gold in gold_events:
        if gold.get("type") != event.type:
            continue
        parties = gold.get("parties") or []
        if not parties or keys & {company_key(p) for p in parties}:
            return True
    return False


def _role_order(gold: Mapping[str, Any], events: Sequence[DealEvent]) -> tuple[int, int]:
    """(right, judged) for the roles of one labelled investment of two or more parties: their order is
    their roles (investee before investors, acquirer before target, investor before investee). A
    partnership's partners have no roles (the labelling rules give their order no meaning). Judged only
    where a predicted event of the type names its first two parties; right when it names them in that
    order."""
    parties = [company_key(p) for p in gold.get("parties") or []]
    if gold.get("type") != "investment" or len(parties) < 2 or parties[0] == parties[1]:
        return 0, 0
    for event in events:
        if event.type != gold.get("type"):
            continue
        keys = [company_key(p) for p in event.parties]
        if parties[0] in keys and parties[1] in keys:
            return int(keys.index(parties[0]) < keys.index(parties[1])), 1
    return 0, 0


def _same_amount(gold: Mapping[str, Any], event: DealEvent) -> bool:
    if event.amount is None:
        return False
    return (
        math.isclose(float(gold["amount"]), event.amount, rel_tol=1e-6)
        and gold.get("currency") == event.currency
    )


def read_jsonl(lines: Iterable[str]) -> Iterable[tuple[int, dict[str, Any] | str]]:
    """(line number, object) for each non-blank line, or (line number, error message)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"line {number}: not valid JSON: {exc.msg} at column {exc.colno}"
            continue
        if not isinstance(value, dict):
            yield number, f"line {number}: expected a JSON object"
            continue
        yield number, value
