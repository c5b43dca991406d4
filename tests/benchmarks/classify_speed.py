"""Classification speed on full article texts, beside a baseline in the same run.

    python -m tests.benchmarks.classify_speed ../shared/corpus [--rounds 5] [--json out.json]

Stories are the corpus's gold texts (title: first line; summary: first 600 characters; text: all of it).
The baseline reads each story whole (sentence splitting and one scan of every sentence for AI terms). The
default classifier is timed beside rules-2, the rules it builds on. A classifier stops early on stories
that are not about AI, so each is also timed with every story made about AI, which it reads in full. One
process, one core; medians of the rounds, as this machine is shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.classify import CLASSIFIER_VERSION, classifier_named, default_classifier
from pipeline.classify.lexicon import AI_TERMS
from pipeline.classify.rules import split_story
from pipeline.records import Story
from tests.support.loopback import loopback_only


def load(corpus: Path) -> list[Story]:
    files = sorted((corpus / "pages" / "gold").glob("*.txt"))
    if not files:
        raise SystemExit(f"no gold texts under {corpus / 'pages' / 'gold'}: pass the shared corpus folder")
    stories = []
    for n, path in enumerate(files):
        text = path.read_text(encoding="utf-8", errors="replace")
        stories.append(Story(id=str(n), title=text.split("\n", 1)[0][:200], summary=text[:600], text=text))
    return stories


def rate(stories: list[Story], work: Callable[[Story], object], rounds: int) -> float:
    """Median stories per second over the rounds."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for story in stories:
            work(story)
        rates.append(len(stories) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="the shared corpus folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    loopback_only()  # this process talks to 127.0.0.1 and ::1 only, whatever it is given
    stories = load(args.corpus)
    classifiers = [default_classifier(), classifier_named(CLASSIFIER_VERSION)]

    def baseline(story: Story) -> object:
        return [AI_TERMS.search(s.text) for s in split_story(story)]

    # Worst case: every story made about AI ("AI: " before its title), so every sentence of every full
    # text goes through every rule. This is the figure to hold against the target.
    forced = [dataclasses.replace(s, title=f"AI: {s.title}") for s in stories]
    figures: dict[str, object] = {
        "stories": len(stories),
        "mean_chars": round(sum(len(s.text) for s in stories) / len(stories)),
        "baseline_per_s": round(rate(stories, baseline, args.rounds), 1),
    }
    print(
        f"{len(stories)} stories, {figures['mean_chars']} characters on average, one core, "
        f"median of {args.rounds} rounds"
    )
    print(f"baseline: read every sentence, one AI-term scan    {figures['baseline_per_s']:>8} stories/s")
    for classifier in classifiers:
        as_is = round(rate(stories, classifier.classify, args.rounds), 1)
        full = round(rate(forced, classifier.classify, args.rounds), 1)
        figures[classifier.version] = {"per_s": as_is, "full_path_per_s": full}
        print(f"{classifier.version:>9}, as the corpus is                {as_is:>8} stories/s")
        print(f"{classifier.version:>9}, every story read in full        {full:>8} stories/s (target >= 100)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
