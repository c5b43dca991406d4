"""Scoring a classifier against labelled stories (the format of shared/eval/dev.jsonl). Pure."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pipeline.classify.entities import company_key
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
class Report:
    items: int
    classes: dict[str, ClassScore]
    ai_accuracy: float
    amounts_exact: float
    amounts_total: int
    parties_recall: float
    parties_total: int
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
    return {
        "type": event.type,
        "subtype": event.subtype,
        "parties": list(event.parties),
        "roles": list(event.roles),
        "amount": event.amount,
        "currency": event.currency,
        "amount_usd": event.amount_usd,
        "round": event.round,
        "valuation": event.valuation,
        "product": event.product,
        "rumor": event.rumor,
        "evidence": event.evidence,
        "confidence": event.confidence,
    }


def score(labelled: Sequence[Mapping[str, Any]], predicted: Sequence[Classification]) -> Report:
    """Item-level precision/recall/F1 per class, AI accuracy, amount exact-match and parties recall."""
    counts = {name: [0, 0, 0] for name in EVENT_TYPES}
    ai_right = amounts_hit = amounts_total = parties_hit = parties_total = 0
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
        mistakes=mistakes,
    )


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
