"""What a digest would show, judged against labelled stories: the end-to-end quality benchmark.

    python -m tests.benchmarks.digest_quality LABELLED.jsonl [--outlets 3] [--folds 5] [--json FILE]

The labelled stories (e.g. ../shared/eval/dev.jsonl) become a news site of several outlets on loopback.
Each outlet has its own address (127.0.0.2, 127.0.0.3, ...: on the web, outlets are different hosts), an RSS
or an Atom feed, and a page per story with site chrome around its text (navigation, a related-stories box, a
footer). Copies of one story told by several outlets (grouped as cross-validation groups them) go to
different outlets. Then, for the default classifier and for rules-2, each in a fresh process with the
loopback tripwire installed: a cold fetch of every feed into a fresh SQLite database (the code `dealpulse
fetch` runs), and the digest's own choice of deals for a reader who wants everything. What it would show is
scored against the labels:
  - entries: deals in the digest's main list (at or above digest_min_confidence); "all stored" also counts
    the unconfirmed ones;
  - real: entries that are a labelled deal of one of their source stories (same type and kind of
    investment, a party in common);
  - exact: entries with exactly that deal's parties (as a set of company keys) and amount and currency;
  - duplicates: entries that are a labelled deal an earlier entry already is;
  - present: labelled deals (one per deal, however many stories tell it) that some entry is.
The labels come from the stories' text, so "exact" is as strict as the labelling rules.

The default classifier's weights were trained on the development set: scored on it as they are, they would
be judged on the stories they were fitted to. With --folds K (the default, 5; needs the `train` extra) the
stories are split as `dealpulse eval --folds` splits them, and each part is served, fetched and scored with
weights trained on the other parts; the parts' figures are summed. --folds 0 uses the packaged weights.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from tests.benchmarks.corpus_server import corpus_server, run_phase_process
from tests.support.loopback import loopback_only

Labelled = Mapping[str, Any]
OUTLET_NAMES = ("Northbridge Times", "The Ledger Wire", "Tech Dispatch", "Quayside Post", "Meridian Daily")


# --- the site ------------------------------------------------------------------------------------------


def outlet_of_each(items: Sequence[Labelled], outlets: int) -> list[int]:
    """An outlet per item: the copies of one story go to different outlets, groups start in turn."""
    from pipeline.classify.training import story_groups

    groups = story_groups(items)
    seen: dict[int, int] = {}
    starts: dict[int, int] = {}
    assignment = []
    for group in groups:
        starts.setdefault(group, len(starts))
        copy = seen.get(group, 0)
        seen[group] = copy + 1
        assignment.append((starts[group] + copy) % outlets)
    return assignment


def dated(items: Sequence[Labelled]) -> list[dict[str, Any]]:
    """The items, each undated one given the date of a dated copy of its story if there is one (a story is
    published when its deal is news; a made-up date would split one deal in two), else left undated."""
    from pipeline.classify.training import story_groups

    groups = story_groups(items)
    date_of_group: dict[int, str] = {}
    for item, group in zip(items, groups, strict=True):
        if item.get("published"):
            date_of_group.setdefault(group, str(item["published"]))
    return [
        {**item, "published": item.get("published") or date_of_group.get(group)}
        for item, group in zip(items, groups, strict=True)
    ]


def page_html(item: Labelled, site: str) -> str:
    body = [str(item.get("summary") or "")]
    text = str(item.get("text") or "")
    if text and not text.startswith(body[0][:200]):
        body.append(text)
    elif text:
        body = [text]
    paragraphs = "".join(
        f"<p>{escape(p.strip())}</p>" for block in body for p in block.split("\n") if p.strip()
    )
    published = str(item.get("published") or "")[:10]
    date_meta = (
        f'<meta property="article:published_time" content="{published}T08:00:00Z">' if published else ""
    )
    return (
        f'<!DOCTYPE html><html lang="{escape(str(item.get("language") or "en"))}">'
        '<head><meta charset="utf-8">'
        f"<title>{escape(str(item['title']))} | {escape(site)}</title>"
        f'<meta property="og:site_name" content="{escape(site)}">'
        f"{date_meta}</head><body>"
        f'<header><a href="/">{escape(site)}</a><nav><a href="/tech">Tech</a> <a href="/markets">Markets</a> '
        '<a href="/opinion">Opinion</a> <a href="/subscribe">Subscribe</a></nav></header>'
        f"<main><article><h1>{escape(str(item['title']))}</h1><p class=byline>By Staff {published}</p>"
        f"{paragraphs}</article>"
        '<aside><h2>Related</h2><ul><li><a href="/a">Markets close higher on rate hopes</a></li>'
        '<li><a href="/b">The week in gadgets</a></li><li><a href="/c">Letters to the editor</a></li></ul>'
        "</aside></main>"
        f"<footer><p>Copyright {escape(site)}. All rights reserved.</p><p>"
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p></footer></body></html>'
    )


def feed_xml(entries: list[tuple[Labelled, str]], site: str, atom: bool) -> str:
    """An RSS 2.0 or Atom feed of (item, page URL), newest first as feeds are."""

    def when(item: Labelled) -> datetime | None:
        try:
            return datetime.fromisoformat(str(item.get("published"))[:10]).replace(tzinfo=UTC)
        except ValueError:
            return None

    def rss_date(item: Labelled) -> str:
        moment = when(item)
        return f"<pubDate>{moment:%a, %d %b %Y %H:%M:%S +0000}</pubDate>" if moment else ""

    def atom_date(item: Labelled) -> str:
        moment = when(item)
        return f"<published>{moment.isoformat()}</published>" if moment else ""

    oldest = datetime(1970, 1, 1, tzinfo=UTC)
    ordered = sorted(entries, key=lambda e: when(e[0]) or oldest, reverse=True)
    if atom:
        rows = "".join(
            f'<entry><title>{escape(str(i["title"]))}</title><link href="{escape(url)}"/>'
            f"<id>{escape(url)}</id>{atom_date(i)}"
            f"<summary>{escape(str(i.get('summary') or '')[:600])}</summary></entry>"
            for i, url in ordered
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(site)}</title><id>urn:{escape(site)}</id>"
            f"<updated>{datetime(2026, 11, 24, tzinfo=UTC).isoformat()}</updated>{rows}</feed>"
        )
    rows = "".join(
        f"<item><title>{escape(str(i['title']))}</title><link>{escape(url)}</link><guid>{escape(url)}</guid>"
        f"{rss_date(i)}"
        f"<description>{escape(str(i.get('summary') or '')[:600])}</description></item>"
        for i, url in ordered
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(site)}</title><link>http://example.invalid/</link><description>News</description>"
        f"{rows}</channel></rss>"
    )


@dataclass(frozen=True)
class Site:
    feeds: dict[str, str]  # feed name -> URL
    item_of_url: dict[str, str]  # page URL -> labelled item id


@contextmanager
def serve_site(items: Sequence[Labelled], outlets: int) -> Iterator[Site]:
    """The outlets' folders written and served, each on its own loopback address, while in use."""
    root = Path(tempfile.mkdtemp(prefix="dealpulse-site-"))
    items = dated(items)
    assignment = outlet_of_each(items, outlets)
    servers = []
    for outlet in range(outlets):
        folder = root / f"outlet{outlet}"
        (folder / "story").mkdir(parents=True)
        servers.append(corpus_server(folder, host=f"127.0.0.{2 + outlet}"))
    feeds: dict[str, str] = {}
    item_of_url: dict[str, str] = {}
    for outlet, server in enumerate(servers):
        host, port = server.server_address[:2]
        site = OUTLET_NAMES[outlet % len(OUTLET_NAMES)]
        entries = []
        for number, (item, where) in enumerate(zip(items, assignment, strict=True)):
            if where != outlet:
                continue
            url = f"http://{host}:{port}/story/{number}.html"
            (root / f"outlet{outlet}" / "story" / f"{number}.html").write_text(
                page_html(item, site), encoding="utf-8"
            )
            entries.append((item, url))
            item_of_url[url] = str(item["id"])
        (root / f"outlet{outlet}" / "feed.xml").write_text(
            feed_xml(entries, site, atom=outlet % 2 == 1), encoding="utf-8"
        )
        feeds[f"outlet{outlet}"] = f"http://{host}:{port}/feed.xml"
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield Site(feeds, item_of_url)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


# --- a cold fetch and the digest's choice (in a fresh process) ------------------------------------------


def fetch_and_choose(feeds: dict[str, str], baseline: bool, weights: Path | None) -> dict[str, Any]:
    from pipeline.classify import LearnedClassifier, RulesClassifier, default_classifier
    from pipeline.classify.learned import DealModels
    from pipeline.config import Settings
    from pipeline.db.ledger import Ledger
    from pipeline.dealexport import deal_json
    from pipeline.digest.select import build_digest, wanted
    from pipeline.records import FeedSource, Recipient
    from pipeline.runtime import open_runtime, open_store

    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="dealpulse-quality-")),
        allow_public_addresses=False,
        allowed_networks=["127.0.0.0/8"],
        max_new_stories=10_000,
    )
    store = open_store(settings, [FeedSource(n, u, timedelta(minutes=30)) for n, u in feeds.items()])
    if baseline:
        classifier: Any = RulesClassifier()
    elif weights is not None:
        classifier = LearnedClassifier(DealModels.from_json(json.loads(weights.read_text(encoding="utf-8"))))
    else:
        classifier = default_classifier()

    async def cold() -> int:
        async with open_runtime(settings, store, classifier=classifier) as runtime:
            return (await runtime.ingestor.run_cycle(store.feeds.states())).new_articles

    stored = asyncio.run(cold())
    now = datetime.now(UTC) + timedelta(minutes=1)
    reader = Recipient("reader@localhost")
    chosen = [d for d in Ledger(store.engine).candidates(reader.address, now) if wanted(d, reader, now)]
    digest = build_digest(reader, now.date(), chosen, (), settings.digest_min_confidence)
    store.close()
    return {
        "classifier": classifier.version,
        "stories": stored,
        "min_confidence": settings.digest_min_confidence,
        "shown": [deal_json(d) for d in digest.deals],
        "unconfirmed": [deal_json(d) for d in digest.unconfirmed],
    }


# --- scoring (pure) -------------------------------------------------------------------------------------


def gold_deals(items: Sequence[Labelled]) -> dict[tuple[str, int], int]:
    """The deal each labelled event is, by (item id, event number): events of one type whose stories tell
    the same deal (investments: the same first two parties; partnerships: two parties in common, or the
    same one, and at least half of the two together: an alliance of eight that shares four members with
    another is another deal; launches: the same product, or the same launcher without one) are one
    deal."""
    from pipeline.classify.training import connected_groups
    from pipeline.names import company_key

    events = [(str(item["id"]), n, e) for item in items for n, e in enumerate(item.get("events") or [])]

    def keys(event: Mapping[str, Any]) -> list[str]:
        return [company_key(p) for p in event.get("parties") or [] if company_key(p)]

    def same(i: int, j: int) -> bool:
        a, b = events[i][2], events[j][2]
        if a.get("type") != b.get("type"):
            return False
        ka, kb = keys(a), keys(b)
        if a["type"] == "investment":
            return a.get("subtype") == b.get("subtype") and bool(ka) and set(ka[:2]) == set(kb[:2])
        if a["type"] == "partnership":
            shared = len(set(ka) & set(kb))
            return shared >= min(2, len(ka), len(kb)) > 0 and 2 * shared >= len(set(ka) | set(kb))
        pa, pb = company_key(a.get("product") or ""), company_key(b.get("product") or "")
        return (pa == pb and bool(pa)) or (not pa and not pb and ka[:1] == kb[:1] and bool(ka))

    groups = connected_groups(len(events), same)
    return {(item_id, n): group for (item_id, n, _), group in zip(events, groups, strict=True)}


def score(
    items: Sequence[Labelled], item_of_url: Mapping[str, str], entries: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    from pipeline.names import company_key

    by_id = {str(item["id"]): item for item in items}
    deal_of = gold_deals(items)
    labelled = set(deal_of.values())
    matched: set[int] = set()
    real = exact = duplicates = 0
    for entry in entries:
        keys = {company_key(p) for p in entry["parties"] if company_key(p)}
        product = company_key(entry.get("product") or "")
        best: tuple[tuple[int, bool], int, Mapping[str, Any]] | None = None
        for source in entry["sources"]:
            item_id = item_of_url.get(source["url"])
            for n, gold in enumerate((by_id[item_id].get("events") or []) if item_id else []):
                if gold.get("type") != entry["type"] or gold.get("subtype") != entry["subtype"]:
                    continue  # "X is acquired" is no real deal when X raised money
                gold_keys = {company_key(p) for p in gold.get("parties") or [] if company_key(p)}
                overlap = len(keys & gold_keys)
                # of one maker's launches, the one of the entry's product ("Le Chat", not "Mistral Large")
                gold_product = company_key(gold.get("product") or "")
                same_product = (
                    bool(product)
                    and bool(gold_product)
                    and (product in gold_product or gold_product in product)
                )
                if (overlap or not gold_keys) and (best is None or (overlap, same_product) > best[0]):
                    best = ((overlap, same_product), deal_of[(item_id, n)], gold)  # type: ignore[index]
        if best is None:
            continue
        real += 1
        _, deal, gold = best
        gold_keys = {company_key(p) for p in gold.get("parties") or [] if company_key(p)}
        amount_right = (gold.get("amount") is None and entry["amount"] is None) or (
            gold.get("amount") is not None
            and entry["amount"] is not None
            and abs(float(gold["amount"]) - entry["amount"]) <= 1e-6 * float(gold["amount"])
            and gold.get("currency") == entry["currency"]
        )
        if gold_keys == keys and (entry["type"] != "investment" or amount_right):
            exact += 1
        if deal in matched:
            duplicates += 1
        matched.add(deal)
    return {
        "entries": len(entries),
        "real": real,
        "exact": exact,
        "duplicates": duplicates,
        "labelled_deals": len(labelled),
        "present": len(matched),
    }


def summed(parts: Sequence[Mapping[str, int]]) -> dict[str, Any]:
    """The parts' counts added up, with the shares: real and exact of the entries, present of the
    labelled deals."""
    total = {key: sum(p[key] for p in parts) for key in parts[0]}
    entries, labelled = total["entries"], total["labelled_deals"]
    return {
        **total,
        "real_share": total["real"] / entries if entries else 0.0,
        "exact_share": total["exact"] / entries if entries else 0.0,
        "present_share": total["present"] / labelled if labelled else 0.0,
    }


# --- the run --------------------------------------------------------------------------------------------


def run_phase(feeds: dict[str, str], baseline: bool, weights: Path | None = None) -> dict[str, Any]:
    """A cold fetch and the digest's choice, in a process of its own."""
    options = ["--baseline"] if baseline else []
    options += ["--weights", str(weights)] if weights is not None else []
    return run_phase_process("tests.benchmarks.digest_quality", "--phase", json.dumps(feeds), *options)


def print_table(rows: list[tuple[str, dict[str, Any], dict[str, Any]]], names: tuple[str, str]) -> None:
    print(f"{'':34}{names[0]:>22}{names[1]:>22}")
    for label, mine, base in rows:
        for key, what, share in (
            ("entries", "entries", None),
            ("real", "real deals", "real_share"),
            ("exact", "exactly right", "exact_share"),
            ("duplicates", "duplicates", None),
            ("present", "labelled deals present", "present_share"),
        ):

            def cell(figures: dict[str, Any], key: str = key, share: str | None = share) -> str:
                return f"{figures[share]:.2f} ({figures[key]})" if share else str(figures[key])

            print(f"{label + ': ' + what:34}{cell(mine):>22}{cell(base):>22}")
    print(f"{'labelled deals':34}{rows[0][1]['labelled_deals']:>22}")


def run_parts(items: list[dict[str, Any]], outlets: int, folds: int) -> list[tuple[list[Any], list[Any]]]:
    """For each part: its stories, and the two runs (default classifier, rules-2) on them."""
    if folds == 0:
        with serve_site(items, outlets) as site:
            runs = [run_phase(site.feeds, baseline) for baseline in (False, True)]
        return [(items, [site, *runs])]
    from pipeline.classify.training import fit, fold_of_each

    assignment = fold_of_each(items, folds)
    parts = []
    for part in range(folds):
        served = [item for item, f in zip(items, assignment, strict=True) if f == part]
        weights = Path(tempfile.mkdtemp(prefix="dealpulse-weights-")) / "weights.json"
        trained = fit([item for item, f in zip(items, assignment, strict=True) if f != part])
        weights.write_text(json.dumps(trained.as_json()), encoding="utf-8")
        with serve_site(served, outlets) as site:
            runs = [run_phase(site.feeds, False, weights), run_phase(site.feeds, True)]
        parts.append((served, [site, *runs]))
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("labelled", type=Path, nargs="?")
    parser.add_argument("--outlets", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=Path("digest_quality.json"))
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--weights", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    loopback_only()
    if args.phase:
        print(json.dumps(fetch_and_choose(json.loads(args.phase), args.baseline, args.weights)))
        return
    if args.labelled is None or not args.labelled.is_file():
        raise SystemExit("pass a labelled JSON-lines file, e.g. ../shared/eval/dev.jsonl")
    if args.folds == 1 or args.folds < 0:
        raise SystemExit(f"--folds must be 0 (the packaged weights) or 2 or more, not {args.folds}")
    from pipeline.classify.training import read_labelled

    items = read_labelled(args.labelled)
    parts = run_parts(items, args.outlets, args.folds)
    names = (parts[0][1][1]["classifier"], parts[0][1][2]["classifier"])
    rows = []
    report: dict[str, Any] = {"items": len(items), "outlets": args.outlets, "folds": args.folds}
    for label, pick in (
        ("digest", lambda run: run["shown"]),
        ("all stored", lambda run: run["shown"] + run["unconfirmed"]),
    ):
        mine, base = (
            summed([score(served, site.item_of_url, pick(runs[which])) for served, (site, *runs) in parts])
            for which in (0, 1)
        )
        rows.append((label, mine, base))
        report[label] = {names[0]: mine, names[1]: base}
    report["parts"] = [
        {"items": [str(i["id"]) for i in served], "item_of_url": site.item_of_url, "runs": runs}
        for served, (site, *runs) in parts
    ]
    stored = [sum(runs[which]["stories"] for _, (_, *runs) in parts) for which in (0, 1)]
    how = f"{args.folds} parts, weights trained on the others" if args.folds else "the packaged weights"
    print(
        f"{len(items)} labelled stories on {args.outlets} outlets ({how}); stories stored: {stored[0]} "
        f"({names[0]}), {stored[1]} ({names[1]}); digest_min_confidence {parts[0][1][1]['min_confidence']}"
    )
    print_table(rows, names)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
