"""A digest reader, the night of deals her digest holds, and the deals a golden or a hostile digest is made
of."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from pipeline.config import Settings
from pipeline.db.ledger import Ledger
from pipeline.db.store import Store
from pipeline.digest.render import Footer
from pipeline.digest.select import build_digest
from pipeline.digest.service import DigestPolicy, DigestService
from pipeline.digest.transport import OutboxTransport
from pipeline.records import DigestDeal, FeedHealth, Recipient, SourceLink
from tests.support.deal_stories import funding, launch, partnership, store_story, strategic

ANA = Recipient("ana@example.com", timezone="Europe/Berlin", send_at=time(7, 0))


def golden_digest() -> tuple[object, Footer]:
    at = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)

    def d(n: int, **fields: object) -> DigestDeal:
        base = {
            "id": n,
            "subtype": None,
            "amount": None,
            "currency": None,
            "amount_usd": None,
            "round": None,
            "product": None,
            "rumor": False,
            "first_reported_at": at,
        }
        return DigestDeal(**{**base, **fields})  # type: ignore[arg-type]

    deals = [
        d(
            1,
            type="investment",
            subtype="strategic_investment",
            headline="Microsoft invests EUR 15M in Mistral AI",
            parties=("Microsoft", "Mistral AI"),
            roles=("investor", "investee"),
            amount=15e6,
            currency="EUR",
            amount_usd=16.3e6,
            evidence="Microsoft will invest 15 million euros in Mistral AI. The stake converts later.",
            sources=(
                SourceLink("Microsoft backs Mistral", "https://wire.example.com/ms-mistral", "Example Wire"),
                SourceLink("Mistral gets Microsoft money", "https://daily.example.com/a?id=1&x=2", "Daily"),
            ),
        ),
        d(
            2,
            type="investment",
            subtype="funding",
            headline="Quillmark raises USD 42M",
            parties=("Quillmark", "Northgate Ventures"),
            roles=("investee", "investor"),
            amount=42e6,
            currency="USD",
            amount_usd=42e6,
            round="Series B",
            rumor=True,
            evidence="Quillmark is said to have raised $42 million in a Series B round led by Northgate.",
            sources=(SourceLink("Quillmark raises", "https://wire.example.com/quillmark", "Example Wire"),),
        ),
        d(
            3,
            type="partnership",
            headline="Mistral AI and Microsoft partner",
            parties=("Mistral AI", "Microsoft"),
            roles=("partner", "partner"),
            evidence="Mistral AI's models will be available on Azure.",
            sources=(SourceLink("Mistral on Azure", "https://wire.example.com/azure", "Example Wire"),),
        ),
        d(
            4,
            type="launch",
            headline="Mistral AI launches Le Chat",
            parties=("Mistral AI",),
            roles=("launcher",),
            product="Le Chat",
            evidence="Mistral AI launched Le Chat, its assistant.",
            sources=(SourceLink("Le Chat", "https://wire.example.com/le-chat", "Example Wire"),),
        ),
    ]
    digest = build_digest(
        ANA, date(2026, 11, 26), deals, [FeedHealth("Old Wire", "failing since 24 Nov 06:00 UTC: HTTP 503")]
    )
    footer = Footer(
        settings_hint="To change what you receive, edit feeds.yaml.",
        unsubscribe_url="https://dealpulse.example.com/unsubscribe?a=ana%40example.com",
    )
    return digest, footer


HOSTILE = "Evil\r\nBcc: victim@example.com <script>alert(1)</script><img src=x onerror=alert(2)>"


def hostile_deal() -> DigestDeal:
    at = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)
    return DigestDeal(
        id=9,
        type="launch",
        subtype=None,
        headline=HOSTILE,
        parties=(HOSTILE,),
        roles=("launcher",),
        amount=None,
        currency=None,
        amount_usd=None,
        round=None,
        product="x",
        rumor=False,
        evidence=HOSTILE + " " + "A" * 5000,
        first_reported_at=at,
        sources=(
            SourceLink(HOSTILE, "javascript:alert(3)", HOSTILE),
            SourceLink("t", "data:text/html,<b>x</b>", "Data"),
            SourceLink("t", "https://ok.example.com/\r\nX-Injected: 1", "Split"),
        ),
    )


SEND = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 07:00 in Berlin, Ana's send time


def seed_deals(store: Store) -> None:
    """Four deals stored in the night before Ana's digest, one reported by two outlets."""
    night = SEND - timedelta(hours=5)
    store_story(
        store,
        [strategic("Microsoft", "Mistral AI", 15e6, "EUR", 16.3e6)],
        published_at=night,
        recorded_at=night,
        outlet="wire",
        title="Microsoft backs Mistral",
    )
    store_story(
        store,
        [strategic("Microsoft", "Mistral AI SAS", 15e6, "EUR", 16.3e6)],
        published_at=night + timedelta(minutes=20),
        recorded_at=night + timedelta(minutes=30),
        outlet="daily",
        title="Mistral gets Microsoft money",
    )
    store_story(
        store,
        [funding("Quillmark", "Northgate Ventures", amount=42e6, round="Series B")],
        published_at=night,
        recorded_at=night,
        outlet="wire",
    )
    store_story(
        store, [partnership("Mistral AI", "Amazon")], published_at=night, recorded_at=night, outlet="wire"
    )
    store_story(
        store, [launch("Mistral AI", "Le Chat")], published_at=night, recorded_at=night, outlet="wire"
    )


def send_ana_s_digest(store: Store, outbox: Path) -> None:
    """Ana's digest of the stored deals, sent at SEND into an outbox folder: a ledger with one sent row."""
    policy = DigestPolicy.of(Settings(data_dir=outbox.parent))
    sender = DigestService(Ledger(store.engine), (ANA,), OutboxTransport(outbox), policy, store.feeds)
    assert [d.outcome for d in sender.send_due(SEND)] == ["sent"]
