"""The digest: when it is due, what it holds, how it reads, and that it goes out exactly once."""

from __future__ import annotations

import email
import email.policy
import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import Settings
from pipeline.db.deal_records import outlet_name
from pipeline.db.ledger import Ledger
from pipeline.db.store import Store
from pipeline.deals import deal_confidence, headline
from pipeline.digest.render import (
    MAX_HTML_BYTES,
    Footer,
    amount_line,
    clean,
    most_that_fit,
    render,
    roles_line,
    safe_link,
)
from pipeline.digest.schedule import due_date, next_send, retry_delay, send_instant
from pipeline.digest.select import build_digest, chosen_deals, wanted
from pipeline.digest.service import DigestPolicy, DigestService, transport_for
from pipeline.digest.transport import STALE_TEMPORARY_SECONDS, DeliveryError, clear_stale_temporaries
from pipeline.records import DigestDeal, DigestWindow, Recipient, SourceLink
from tests.support.deal_stories import launch, store_story, strategic
from tests.support.digests import ANA, SEND, golden_digest, hostile_deal, seed_deals

FIXTURES = Path(__file__).parent / "fixtures"
GRACE = timedelta(hours=12)


# --- schedule: pure ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "send_at", "expected_utc"),
    [
        ("Europe/Berlin", date(2026, 3, 28), time(7, 0), datetime(2026, 3, 28, 6, 0, tzinfo=UTC)),  # CET
        ("Europe/Berlin", date(2026, 3, 29), time(7, 0), datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),  # CEST
        ("Europe/Berlin", date(2026, 10, 25), time(7, 0), datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),  # CET
        # 02:30 does not exist on 29 March in Berlin: it is taken as 03:30 CEST
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # 02:30 happens twice on 25 October: the first one (CEST) counts
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("America/New_York", date(2026, 3, 7), time(7, 0), datetime(2026, 3, 7, 12, 0, tzinfo=UTC)),
        ("America/New_York", date(2026, 3, 8), time(7, 0), datetime(2026, 3, 8, 11, 0, tzinfo=UTC)),
        ("America/New_York", date(2026, 11, 1), time(7, 0), datetime(2026, 11, 1, 12, 0, tzinfo=UTC)),
        ("Asia/Kolkata", date(2026, 11, 26), time(8, 0), datetime(2026, 11, 26, 2, 30, tzinfo=UTC)),
    ],
)
def test_send_time_is_local_across_dst_changes(
    zone: str, day: date, send_at: time, expected_utc: datetime
) -> None:
    assert send_instant(day, send_at, zone) == expected_utc


def test_a_digest_is_due_from_send_time_until_the_grace_runs_out() -> None:
    send = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert due_date(ANA, send - timedelta(seconds=1), GRACE, None) is None
    assert due_date(ANA, send, GRACE, None) == date(2026, 11, 26)
    assert due_date(ANA, send + GRACE, GRACE, None) == date(2026, 11, 26)  # started late: still today's
    assert due_date(ANA, send + GRACE + timedelta(seconds=1), GRACE, None) is None  # too late: skipped


def test_a_recorded_date_is_never_due_again() -> None:
    send = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    assert due_date(ANA, send + timedelta(minutes=5), GRACE, date(2026, 11, 26)) is None
    assert due_date(ANA, send + timedelta(days=1), GRACE, date(2026, 11, 26)) == date(2026, 11, 27)


def test_grace_reaches_back_over_midnight() -> None:
    late = Recipient("owl@example.com", timezone="UTC", send_at=time(23, 0))
    after_midnight = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    assert due_date(late, after_midnight, GRACE, None) == date(2026, 11, 26)
    assert due_date(late, after_midnight, GRACE, date(2026, 11, 26)) is None


def test_dst_day_digest_is_due_at_the_new_local_time() -> None:
    spring = datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 07:00 CEST, an hour earlier in UTC than the day before
    assert due_date(ANA, spring - timedelta(minutes=1), GRACE, date(2026, 3, 28)) is None
    assert due_date(ANA, spring, GRACE, date(2026, 3, 28)) == date(2026, 3, 29)
    assert next_send(ANA, datetime(2026, 3, 28, 6, 1, tzinfo=UTC)) == spring


def test_retries_back_off_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_delay(10_000) == timedelta(hours=1)


def test_test_mode_shortens_the_lease_and_the_first_retry_but_not_below_the_smtp_deadline() -> None:
    service = DigestPolicy.of(Settings(smtp_timeout=1))
    trial = DigestPolicy.of(Settings(smtp_timeout=1, test_mode=True))
    assert service.lease == timedelta(seconds=15)
    assert trial.lease == timedelta(seconds=10.5)  # still longer than 10 steps of 1 s
    assert (service.retry_first, trial.retry_first) == (timedelta(minutes=1), timedelta(seconds=1))
    assert retry_delay(3, trial.retry_first) == timedelta(seconds=8)


# --- selection: pure -----------------------------------------------------------------------------------

CUTOFF = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def deal(
    n: int,
    kind: str = "investment",
    *,
    usd: float | None = None,
    parties: tuple[str, ...] = ("Acme",),
    age: timedelta = timedelta(hours=3),
    sources: int = 1,
) -> DigestDeal:
    return DigestDeal(
        id=n,
        type=kind,
        subtype="funding" if kind == "investment" else None,
        headline=f"deal {n}",
        parties=parties,
        roles=("investee",) * len(parties),
        amount=usd,
        currency="USD" if usd else None,
        amount_usd=usd,
        round=None,
        product=None,
        rumor=False,
        evidence="e.",
        first_reported_at=CUTOFF - age,
        sources=tuple(SourceLink(f"t{i}", f"https://o{i}.example.com/", f"o{i}") for i in range(sources)),
    )


def test_filters_by_type_amount_and_watch_list() -> None:
    picky = Recipient("p@example.com", types=("investment",), min_usd=10e6, companies=("Mistral",))
    assert wanted(deal(1, usd=20e6, parties=("Mistral AI SAS",)), picky, CUTOFF)
    assert not wanted(deal(2, usd=5e6, parties=("Mistral AI",)), picky, CUTOFF)  # too small
    assert not wanted(deal(3, usd=None, parties=("Mistral AI",)), picky, CUTOFF)  # amount unknown
    assert not wanted(deal(4, usd=20e6, parties=("Cohere",)), picky, CUTOFF)  # not watched
    assert not wanted(deal(5, "launch", parties=("Mistral",)), picky, CUTOFF)  # type not wanted
    everyone = Recipient("e@example.com", min_usd=10e6)
    assert wanted(deal(6, "partnership"), everyone, CUTOFF)  # a minimum applies to investments only


def test_old_news_is_left_out_only_when_a_max_age_is_set() -> None:
    reader = Recipient("r@example.com")
    assert wanted(deal(1, age=timedelta(days=400)), reader, CUTOFF)
    assert wanted(deal(2, age=timedelta(days=2)), reader, CUTOFF, max_age=timedelta(days=3))
    assert not wanted(deal(3, age=timedelta(days=4)), reader, CUTOFF, max_age=timedelta(days=3))


def test_investments_rank_by_usd_then_the_rest_by_reach() -> None:
    digest = build_digest(
        ANA,
        date(2026, 11, 26),
        [
            deal(1, usd=5e6),
            deal(2, usd=None),
            deal(3, usd=900e6),
            deal(4, "launch", sources=1),
            deal(5, "launch", sources=4),
            deal(6, "partnership"),
        ],
    )
    assert [d.id for d in digest.investments] == [3, 1, 2]
    assert [d.id for d in digest.launches] == [5, 4]
    assert [d.id for d in digest.partnerships] == [6]


# --- rendering: golden files ---------------------------------------------------------------------------


def test_golden_text_and_html(request: pytest.FixtureRequest) -> None:
    digest, footer = golden_digest()
    rendered = render(digest, footer)  # type: ignore[arg-type]
    assert rendered.subject == "AI deals, Thu 26 Nov 2026: 2 investments, 1 partnership, 1 launch"
    for suffix, actual in (("txt", rendered.text), ("html", rendered.html)):
        path = FIXTURES / f"digest-golden.{suffix}"
        if request.config.getoption("--update-golden"):
            path.write_text(actual, encoding="utf-8")
        assert actual == path.read_text(encoding="utf-8"), (
            f"{path.name} differs; review, then --update-golden"
        )


def test_html_has_its_css_inlined_and_every_deal() -> None:
    digest, footer = golden_digest()
    html = render(digest, footer).html  # type: ignore[arg-type]
    assert re.search(r'class="deal" data-deal="" id="deal-\d+" style="padding', html)  # inlined from <style>
    assert html.count("data-deal") == 4
    assert "a?id=1&amp;x=2" in html


def test_hostile_text_is_escaped_and_bad_links_are_dropped() -> None:
    digest = build_digest(ANA, date(2026, 11, 26), [hostile_deal()])
    rendered = render(digest, Footer(settings_hint="hint"))
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<img" not in rendered.html
    assert "javascript:" not in rendered.html
    assert "data:text" not in rendered.html
    assert "X-Injected" not in rendered.html.split("<body")[1].split("href")[-1]
    assert "\r" not in rendered.text
    assert "Bcc: victim@example.com" in rendered.text
    assert all(len(line) < 400 for line in rendered.text.splitlines())  # the 5,000-character evidence is cut
    assert "(no web link)" in rendered.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a b"),
        ("a\u2028b\x00c", "a b c"),
        ("  many   spaces ", "many spaces"),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_clean_makes_one_safe_line(text: str, expected: str) -> None:
    assert clean(text) == expected


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://a.example.com/x", True),
        ("http://a.example.com/", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("//evil.example.com/", False),
        (None, False),
    ],
)
def test_only_http_links_survive(url: str | None, kept: bool) -> None:
    assert (safe_link(url) is not None) == kept


# --- the ledger and delivery, on the real database -----------------------------------------------------


def outbox_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"outbox_dir": tmp_path / "outbox"})


def service(store: Store, settings: Settings, recipients: tuple[Recipient, ...] = (ANA,)) -> DigestService:
    return DigestService(
        Ledger(store.engine), recipients, transport_for(settings), DigestPolicy.of(settings), store.feeds
    )


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_outbox_digest_holds_the_nights_deals_once(store: Store, settings: Settings, tmp_path: Path) -> None:
    settings = outbox_settings(settings, tmp_path)
    seed_deals(store)
    before = service(store, settings).send_due(SEND - timedelta(minutes=1))
    assert before == []
    deliveries = service(store, settings).send_due(SEND + timedelta(seconds=5))
    assert [(d.recipient, d.digest_date, d.deals, d.sent) for d in deliveries] == [
        ("ana@example.com", date(2026, 11, 26), 4, True)
    ]
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    message = parse(files[0].read_bytes())
    assert message["Subject"] == "AI deals, Thu 26 Nov 2026: 2 investments, 1 partnership, 1 launch"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Microsoft invests EUR 15M in Mistral AI" in text
    assert "2 outlets" in text  # the deal both outlets told is one item
    # a second tick, a restart: nothing more
    assert service(store, settings).send_due(SEND + timedelta(minutes=1)) == []
    assert service(store, settings).send_due(SEND + timedelta(hours=3)) == []
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_next_digest_has_only_deals_new_since_the_last(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    settings = outbox_settings(settings, tmp_path)
    seed_deals(store)
    service(store, settings).send_due(SEND)
    later = SEND + timedelta(hours=10)
    # a new report of a deal already sent, and one new deal
    store_story(
        store,
        [strategic("Microsoft", "Mistral AI", 15e6, "EUR", 16.3e6)],
        published_at=later,
        recorded_at=later,
        outlet="third",
    )
    store_story(store, [launch("Mistral AI", "Mistral Large")], published_at=later, recorded_at=later)
    deliveries = service(store, settings).send_due(SEND + timedelta(days=1))
    assert [(d.digest_date, d.deals) for d in deliveries] == [(date(2026, 11, 27), 1)]
    ledger = Ledger(store.engine)
    assert [e.deal_count for e in ledger.entries()] == [1, 4]
    newest = sorted((tmp_path / "outbox").glob("2026-11-27*.eml"))
    assert "Mistral AI launches Mistral Large" in newest[0].read_text()
    assert "Microsoft invests" not in newest[0].read_text()


def test_a_deal_shown_as_unconfirmed_comes_back_in_the_main_list_once_a_second_outlet_confirms_it(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    settings = outbox_settings(settings, tmp_path)
    night = SEND - timedelta(hours=5)
    unsure = [launch("Zephyr", "Gale", confidence=0.75)]
    store_story(store, unsure, published_at=night, recorded_at=night, outlet="wire")
    store_story(store, [launch("Brisk", "Breeze", confidence=0.6)], published_at=night, recorded_at=night)
    service(store, settings).send_due(SEND)
    first = sorted((tmp_path / "outbox").glob("2026-11-26*.eml"))[0].read_text()
    assert "ALSO REPORTED, UNCONFIRMED" in first
    assert "Gale" in first
    # a second outlet reports Gale during the day: sure enough now (0.75 twice: 0.84); Breeze stays alone
    later = SEND + timedelta(hours=10)
    store_story(store, unsure, published_at=later, recorded_at=later, outlet="daily")
    (delivery,) = service(store, settings).send_due(SEND + timedelta(days=1))
    assert (delivery.digest_date, delivery.deals) == (date(2026, 11, 27), 1)
    second = sorted((tmp_path / "outbox").glob("2026-11-27*.eml"))[0].read_text()
    assert "Zephyr launches Gale" in second
    assert "UNCONFIRMED" not in second  # in the main list; and Breeze is not shown again
    assert "Breeze" not in second
    # once in the main list, never again, even when a third outlet reports it
    store_story(
        store, unsure, published_at=later, recorded_at=SEND + timedelta(days=1, hours=2), outlet="third"
    )
    (third,) = service(store, settings).send_due(SEND + timedelta(days=2))
    assert (third.outcome, third.deals) == ("skipped", 0)


def test_empty_digest_is_skipped_or_sent_by_setting(store: Store, settings: Settings, tmp_path: Path) -> None:
    quiet = outbox_settings(settings, tmp_path)
    deliveries = service(store, quiet).send_due(SEND)
    assert [(d.outcome, d.detail) for d in deliveries] == [("skipped", "no new deals")]
    assert Ledger(store.engine).entries()[0].status == "skipped"
    assert not list((tmp_path / "outbox").glob("*.eml"))
    chatty = quiet.model_copy(update={"digest_send_empty": True})
    sent = service(store, chatty).send_due(SEND + timedelta(days=1))
    assert [d.sent for d in sent] == [True]
    (only,) = (tmp_path / "outbox").glob("*.eml")
    assert "no new deals" in parse(only.read_bytes())["Subject"]


def test_a_late_start_within_grace_still_sends(store: Store, settings: Settings, tmp_path: Path) -> None:
    settings = outbox_settings(settings, tmp_path)
    seed_deals(store)
    deliveries = service(store, settings).send_due(SEND + GRACE)  # the daemon was down until 19:00
    assert [(d.digest_date, d.deals, d.sent) for d in deliveries] == [(date(2026, 11, 26), 4, True)]


def test_a_day_missed_beyond_grace_loses_no_deal(store: Store, settings: Settings, tmp_path: Path) -> None:
    settings = outbox_settings(settings, tmp_path)
    seed_deals(store)
    service(store, settings).send_due(SEND)  # Thursday's digest
    friday = SEND + timedelta(days=1)
    store_story(
        store, [launch("Acme", "Rocket")], published_at=friday, recorded_at=friday - timedelta(hours=2)
    )
    # the daemon is down all Friday: at 20:00 the grace is over, and no digest is made for Friday
    assert service(store, settings).send_due(friday + GRACE + timedelta(minutes=1)) == []
    assert [e.digest_date for e in Ledger(store.engine).entries()] == [date(2026, 11, 26)]
    # Saturday's digest carries Friday's deal
    deliveries = service(store, settings).send_due(friday + timedelta(days=1))
    assert [(d.digest_date, d.deals) for d in deliveries] == [(date(2026, 11, 28), 1)]


def test_filters_and_several_recipients(store: Store, settings: Settings, tmp_path: Path) -> None:
    settings = outbox_settings(settings, tmp_path)
    seed_deals(store)
    bob = Recipient("bob@example.com", timezone="UTC", send_at=time(6, 0), types=("launch",))
    deliveries = service(store, settings, (ANA, bob)).send_due(SEND)
    assert sorted((d.recipient, d.deals) for d in deliveries) == [
        ("ana@example.com", 4),
        ("bob@example.com", 1),
    ]


class FlakyTransport:
    """Refuses the first `failures` messages, then takes them."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.accepted: list[EmailMessage] = []

    def deliver(self, message: EmailMessage, key: str) -> str:
        if self.failures > 0:
            self.failures -= 1
            raise DeliveryError("SMTP 127.0.0.1:1: connection refused (is the mail server running?)")
        self.accepted.append(message)
        return "test"


def test_a_failed_send_stays_pending_and_retries_with_backoff(store: Store, settings: Settings) -> None:
    seed_deals(store)
    transport = FlakyTransport(failures=2)
    sender = DigestService(Ledger(store.engine), (ANA,), transport, DigestPolicy.of(settings), store.feeds)
    first = sender.send_due(SEND)
    assert [(d.sent, d.detail) for d in first] == [
        (False, "SMTP 127.0.0.1:1: connection refused (is the mail server running?)")
    ]
    (entry,) = Ledger(store.engine).entries()
    assert (entry.status, entry.attempts, entry.next_attempt_at) == (
        "pending",
        1,
        SEND + timedelta(minutes=1),
    )
    assert "connection refused" in (entry.last_error or "")
    assert sender.send_due(SEND + timedelta(seconds=30)) == []  # not yet: backing off
    assert [d.sent for d in sender.send_due(SEND + timedelta(minutes=1))] == [False]
    assert [d.sent for d in sender.send_due(SEND + timedelta(minutes=3))] == [True]
    assert len(transport.accepted) == 1
    (entry,) = Ledger(store.engine).entries()
    assert (entry.status, entry.attempts, entry.last_error) == ("sent", 3, None)
    assert sender.send_due(SEND + timedelta(hours=1)) == []
    assert len(transport.accepted) == 1


def every_deal(window: DigestWindow) -> list[tuple[DigestDeal, bool]]:
    """A digest's choice that keeps every candidate, in the main list."""
    return [(deal, False) for deal in [*window.new, *window.again]]


def test_a_sender_that_died_holding_the_lease_is_replaced_after_it(store: Store, settings: Settings) -> None:
    seed_deals(store)
    ledger = Ledger(store.engine)
    window = ledger.window(ANA.address, SEND)
    entry = ledger.create(
        ANA, date(2026, 11, 26), window, every_deal(window), message_id="<m@x>", send_empty=False
    )
    assert entry is not None
    assert ledger.claim(entry.id, SEND, timedelta(minutes=3))  # ... and then the process was killed
    transport = FlakyTransport(failures=0)
    sender = DigestService(ledger, (ANA,), transport, DigestPolicy.of(settings), store.feeds)
    assert sender.send_due(SEND + timedelta(minutes=1)) == []  # the lease still holds
    assert [d.sent for d in sender.send_due(SEND + timedelta(minutes=4))] == [True]
    assert [m["Message-ID"] for m in transport.accepted] == ["<m@x>"]


def test_the_database_refuses_a_second_digest_for_one_day(store: Store) -> None:
    seed_deals(store)
    ledger = Ledger(store.engine)
    window = ledger.window(ANA.address, SEND)
    first = ledger.create(
        ANA, date(2026, 11, 26), window, every_deal(window), message_id="<a@x>", send_empty=False
    )
    second = ledger.create(
        ANA, date(2026, 11, 26), window, every_deal(window), message_id="<b@x>", send_empty=False
    )
    assert first is not None
    assert second is None
    assert first.id is not None
    assert ledger.claim(first.id, SEND, timedelta(minutes=5))
    assert not ledger.claim(first.id, SEND, timedelta(minutes=5))  # one sender at a time


def test_feed_health_names_failing_and_silent_feeds(store: Store) -> None:
    from pipeline.records import FeedOutcome, FeedResult
    from tests.support.helpers import source

    start = SEND - timedelta(days=3)
    store.feeds.sync(
        [
            source("good", "https://g.example.com/f"),
            source("bad", "https://b.example.com/f"),
            source("quiet", "https://q.example.com/f"),
        ],
        start,
    )
    states = {s.name: s for s in store.feeds.states()}
    store.feeds.record_outcome(
        states["bad"].id,
        FeedOutcome("bad", "https://b.example.com/f", FeedResult.ERROR, error="HTTP 503 Service Unavailable"),
        start + timedelta(hours=1),
    )
    store.feeds.record_outcome(
        states["quiet"].id, FeedOutcome("quiet", "https://q.example.com/f", FeedResult.OK), SEND
    )
    store_story(store, [launch("Acme", "Rocket")], published_at=SEND, recorded_at=SEND, outlet="good")
    store.feeds.sync([source(n, f"https://{n[0]}.example.com/f") for n in ("good", "bad", "quiet")], SEND)
    health = {h.name: h.problem for h in store.feeds.needing_attention(SEND)}
    assert set(health) == {"bad", "quiet"}
    assert "HTTP 503 Service Unavailable" in health["bad"]
    assert health["bad"].startswith("failing")
    assert health["quiet"] == "no new stories since it was added"


def test_a_deals_sources_are_one_link_per_article_earliest_first(store: Store) -> None:
    """An article naming the deal in two events is one link; the outlets come in the order they told it."""
    night = SEND - timedelta(hours=5)
    store_story(
        store,
        [strategic("Microsoft", "Mistral AI", 15e6, "EUR", 16.3e6)],
        published_at=night + timedelta(minutes=40),
        recorded_at=night,
        outlet="late",
        title="Later report",
    )
    store_story(
        store,
        [
            strategic("Microsoft", "Mistral AI", 15e6, "EUR", 16.3e6),
            strategic("Microsoft", "Mistral AI SAS", 15e6, "EUR", 16.3e6, evidence="Again, in other words."),
        ],
        published_at=night,
        recorded_at=night,
        outlet="early",
        title="First report",
    )
    (deal,) = Ledger(store.engine).candidates(ANA.address, SEND)
    links = [(s.title, s.outlet) for s in deal.sources]
    # no site name on these pages: each outlet goes by its host
    assert links == [("First report", "early.example.com"), ("Later report", "late.example.com")]
    assert deal.outlets == 2


def test_an_unfinished_outbox_file_of_a_stopped_process_is_cleared_and_a_fresh_one_kept(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    stale, fresh, digest = outbox / "tmpab12.tmp", outbox / "tmpcd34.tmp", outbox / "d.eml"
    for path in (stale, fresh, digest):
        path.write_bytes(b"")
    now = datetime.now(UTC).timestamp()
    os.utime(stale, (now - STALE_TEMPORARY_SECONDS - 1, now - STALE_TEMPORARY_SECONDS - 1))
    os.utime(digest, (now - 86_400, now - 86_400))
    assert clear_stale_temporaries(outbox, now) == 1
    assert sorted(path.name for path in outbox.iterdir()) == ["d.eml", "tmpcd34.tmp"]
    assert clear_stale_temporaries(tmp_path / "no-such-folder", now) == 0


# --- only what is solid; headlines; the top; the size -------------------------------------------------


def sure(n: int, confidence: float, kind: str = "investment", **fields: Any) -> DigestDeal:
    return replace(deal(n, kind, **fields), confidence=confidence, headline=f"deal {n} ({kind})")


def test_a_deal_less_sure_than_the_bar_is_listed_apart_as_unconfirmed() -> None:
    deals = [sure(1, 0.9), sure(2, 0.5, usd=900e6), sure(3, 0.6, "launch"), sure(4, 0.8, "partnership")]
    digest = build_digest(ANA, date(2026, 11, 26), deals, min_confidence=0.75)
    assert [d.id for d in digest.deals] == [1, 4]
    assert [d.id for d in digest.unconfirmed] == [3, 2]  # surest first
    rendered = render(digest, Footer("hint"))
    assert "Also reported, unconfirmed" in rendered.html
    assert rendered.html.count("data-unconfirmed") == 2
    assert rendered.html.count("data-deal") == 2
    assert "ALSO REPORTED, UNCONFIRMED" in rendered.text
    assert rendered.subject.endswith("1 investment, 1 partnership")


def test_a_digest_records_what_the_reader_wants_and_what_a_confirmation_made_sure() -> None:
    window = DigestWindow(
        SEND - timedelta(days=1),
        SEND,
        new=[sure(1, 0.9), sure(2, 0.5), sure(3, 0.9, "partnership")],
        again=[sure(4, 0.9), sure(5, 0.5)],
    )
    investments = replace(ANA, types=("investment",))
    listed = chosen_deals(window, investments, None, 0.75, "list")
    assert [(d.id, unconfirmed) for d, unconfirmed in listed] == [(1, False), (2, True), (4, False)]
    hidden = chosen_deals(window, investments, None, 0.75, "hide")
    assert [(d.id, unconfirmed) for d, unconfirmed in hidden] == [(1, False), (4, False)]


def test_hidden_unconfirmed_deals_are_neither_shown_nor_recorded(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    settings = outbox_settings(settings, tmp_path).model_copy(update={"digest_unconfirmed": "hide"})
    seed_deals(store)
    night = SEND - timedelta(hours=5)
    store_story(
        store,
        [launch("Zephyr", "Gale", confidence=0.4)],
        published_at=night,
        recorded_at=night,
        outlet="wire",
    )
    (delivery,) = service(store, settings).send_due(SEND + timedelta(seconds=5))
    assert delivery.deals == 4  # the unsure launch is not among them
    text = parse(next((tmp_path / "outbox").glob("*.eml")).read_bytes()).get_body(("plain",))
    assert "Gale" not in text.get_content()  # type: ignore[union-attr]


def test_a_second_outlet_raises_a_deal_s_confidence_and_one_alone_keeps_its_own() -> None:
    assert deal_confidence([0.7]) == 0.7
    assert 0.7 < deal_confidence([0.7, 0.6]) < 1 - 0.3 * 0.4
    assert deal_confidence([0.6, 0.7]) == deal_confidence([0.7, 0.6])
    assert deal_confidence([]) == 0.0


@pytest.mark.parametrize(
    ("kind", "subtype", "parties", "money", "product", "expected"),
    [
        ("partnership", None, ("Microsoft", "G42"), None, None, "Microsoft and G42 partner"),
        (
            "partnership",
            None,
            ("Mistral AI", "Veolia", "Free", "Orange", "Stellantis", "CMA CGM"),
            None,
            None,
            "Mistral AI, Veolia, Free and 3 others partner",
        ),
        ("launch", None, ("Mistral AI",), None, "Le Chat", "Mistral AI launches Le Chat"),
        ("launch", None, (), None, "Le Chat", "Le Chat launched"),
        ("investment", "funding", ("Quillmark",), (42e6, None), None, "Quillmark raises new funding"),
        ("investment", "funding", ("Quillmark",), (42e6, "USD"), None, "Quillmark raises USD 42M"),
        (
            "investment",
            "acquisition",
            ("Nice", "Cognigy"),
            (955e6, "USD"),
            None,
            "Nice acquires Cognigy for USD 955M",
        ),
    ],
)
def test_headlines_read_as_news_and_never_show_an_amount_without_its_currency(
    kind: str,
    subtype: str | None,
    parties: tuple[str, ...],
    money: tuple[float, str | None] | None,
    product: str | None,
    expected: str,
) -> None:
    amount, currency = money or (None, None)
    assert headline(kind, subtype, parties, amount=amount, currency=currency, product=product) == expected


def test_the_roles_line_names_only_whom_the_headline_does_not() -> None:
    round_ = replace(
        deal(1, parties=("Quillmark", "Northgate", "Atlas")), roles=("investee", "investor", "investor")
    )
    assert roles_line(round_) == "Investors: Northgate, Atlas"
    pair = replace(deal(2, "partnership", parties=("Microsoft", "G42")), roles=("partner", "partner"))
    assert roles_line(pair) is None
    many = replace(deal(3, "partnership", parties=("A1", "B2", "C3", "D4", "E5")), roles=("partner",) * 5)
    assert roles_line(many) == "Also partnering: D4, E5"
    assert amount_line(replace(deal(4, usd=5e6), currency=None)) == "5M (currency not stated)"
    # a round whose raiser was not found: the headline lists the investors, the roles line has the rest
    backers = replace(deal(5, parties=("A1", "B2", "C3", "D4")), roles=("investor",) * 4)
    assert roles_line(backers) == "Investors: D4"
    # two buyers and no target: the headline names the first alone ("A1 makes an acquisition")
    buyers = replace(deal(6, parties=("A1", "B2")), subtype="acquisition", roles=("acquirer", "acquirer"))
    assert roles_line(buyers) == "Acquirer: B2"
    bought = replace(
        deal(7, parties=("A1", "B2", "C3")), subtype="acquisition", roles=("acquirer", "acquirer", "target")
    )
    assert roles_line(bought) == "Acquirer: B2"  # the headline reads "A1 acquires C3"


def test_the_top_of_a_long_digest_links_down_to_its_biggest_deals() -> None:
    deals = [sure(n, 0.9, usd=n * 1e6) for n in range(1, 9)]
    html = render(build_digest(ANA, date(2026, 11, 26), deals), Footer("hint")).html
    top = re.findall(r'<li[^>]*><a href="#(deal-\d+)"', html)
    assert top == ["deal-8", "deal-7", "deal-6", "deal-5", "deal-4"]
    for anchor in top:
        assert f'id="{anchor}"' in html


def test_a_digest_too_big_for_gmail_shows_its_top_deals_and_says_how_to_list_the_rest() -> None:
    long_evidence = "A long sentence about a round of funding that goes on. " * 20
    deals = [replace(sure(n, 0.9, usd=n * 1e6, sources=8), evidence=long_evidence) for n in range(1, 501)]
    rendered = render(build_digest(ANA, date(2026, 11, 26), deals), Footer("hint"))
    assert len(rendered.html.encode()) <= MAX_HTML_BYTES
    shown = rendered.html.count("data-deal")
    assert 5 < shown < 500
    assert f"{500 - shown} more deals not shown here" in rendered.html
    assert "dealpulse deals --since 2026-11-25" in rendered.html
    assert 'id="deal-500"' in rendered.html  # the biggest stay
    assert 'id="deal-1"' not in rendered.html


@given(st.integers(1, 3000), st.integers(0, 3000), st.integers(-5, 4000))
def test_the_search_for_the_most_deals_that_fit_finds_the_largest_wherever_it_starts(
    most: int, limit: int, guess: int
) -> None:
    asked: list[int] = []

    def fits(n: int) -> bool:
        assert 1 <= n <= most  # never asks past the ends
        asked.append(n)
        return n <= limit

    found = most_that_fit(most, fits, guess)
    assert found == max(1, min(limit, most))
    assert found in asked  # its digest is already rendered
    assert len(asked) <= 2 * most.bit_length() + 2


@pytest.mark.parametrize(
    ("site", "feed_title", "url", "outlet"),
    [
        ("TechCrunch", "TechCrunch » AI", "https://techcrunch.com/a", "TechCrunch"),
        (None, "Lumen Daily", "https://lumen.example/a", "Lumen Daily"),
        ("lumen.example", "Lumen Daily", "https://www.lumen.example/a", "Lumen Daily"),  # only the host
        ("127.0.0.1:8000", "Bench", "http://127.0.0.1:8000/a", "Bench"),
        (None, None, "https://www.lumen.example/a", "lumen.example"),
        (None, "  ", "", "lumen-feed"),
    ],
)
def test_a_source_is_named_by_its_site_else_its_feed_s_title_else_its_host(
    site: str | None, feed_title: str | None, url: str, outlet: str
) -> None:
    assert outlet_name(site, feed_title, url, "lumen-feed") == outlet
