"""Merging one deal told by many outlets and many stories: which stored deal an event reports, and what
the event changes in it. Pure: `merge` takes the event, its report time and the candidate deals, and returns
what to change; the store applies it.

Two reports are one deal when they are of one type, close enough in time (WINDOWS: an acquisition's closing
comes months after its announcement; a company's next round is a new deal) and:
  - investments: the same company is bought or funded (the target; the investee), and where both reports
    name the buyer or investor, it is the same one; a funding round and a strategic investment in the same
    company, of compatible amounts, are one deal told two ways ("Amazon invests $4B in Anthropic",
    "Anthropic raises $4B");
  - partnerships: two parties in common (one, when a report names only one);
  - launches: the same product (one name the start of the other: "Sora", "Sora: the text-to-video
    model") from the same maker, or the same maker when neither names the product.
Companies are the same by company key ("Mistral", "Mistral AI SAS"), by a key that starts the other ("WNS",
"WNS India"; "Meta", "Meta Platforms"), or by an acronym ("AMD", "Advanced Micro Devices").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from pipeline.names import company_key, same_company
from pipeline.records import DealEvent, in_role_order

WINDOWS = {"acquisition": timedelta(days=365)}
WINDOW = timedelta(days=30)  # every other kind of deal
LONGEST_WINDOW = max(WINDOW, *WINDOWS.values())
# Amounts of one deal told as a round and as a stake differ by conversion and rounding, not more.
_SAME_AMOUNT = 0.15


@dataclass(frozen=True, slots=True)
class DealSummary:
    """What the merge needs to know of a stored deal."""

    id: int
    type: str
    subtype: str | None
    parties: tuple[str, ...]
    roles: tuple[str, ...]
    first_reported_at: datetime
    last_reported_at: datetime
    amount: float | None = None
    currency: str | None = None
    amount_usd: float | None = None
    rumor: bool = False
    round: str | None = None
    valuation: float | None = None
    valuation_currency: str | None = None
    product: str | None = None


@dataclass(frozen=True, slots=True)
class Revision:
    """A change a new report makes to a stored deal."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class DealUpdate:
    """What an event changes in the deal it reports: new values of the deal's columns, and the revisions
    to record."""

    deal_id: int
    fields: Mapping[str, object]
    revisions: tuple[Revision, ...]


def deal_key(event: DealEvent) -> str:
    """The identity of the deal an event reports, as text (stored, indexed; `compare_events` matches on
    it). The merge itself is `merge`, which is more forgiving."""
    keys = [company_key(p) for p in event.parties if company_key(p)]
    if event.type == "launch":
        return f"launch:{keys[0] if keys else ''}:{company_key(event.product or '')}"
    if event.type == "partnership":
        return "partnership:" + "+".join(sorted(set(keys)))
    if event.subtype == "funding":
        return f"investment:funding:{keys[0] if keys else ''}"
    return f"investment:{event.subtype}:{'>'.join(keys[:2])}"


def stored_key(event: DealEvent) -> str:
    """The key a new deal is stored under: its identity (deal_key), then the acronyms of its parties'
    names of several words ("advanced micro devices" -> "amd"), so that a later report naming a party
    by its acronym finds the deal too (key_words looks for the acronym it is given), and for a round with
    no known raiser the first word of each party's name."""
    acronyms = [acronym for name in event.parties if (acronym := _acronym(company_key(name)))]
    # a round whose raiser is not known may be any of its parties' round: each can find it
    unplaced = (
        [key.split()[0] for name in event.parties if (key := company_key(name))]
        if event.subtype == "funding" and "investee" not in event.roles
        else []
    )
    return " ".join([deal_key(event), *dict.fromkeys(acronyms + unplaced)])


def _acronym(key: str) -> str | None:
    parts = key.split()
    return "".join(w[0] for w in parts) if len(parts) >= 2 else None


def key_words(event: DealEvent) -> set[str]:
    """Words one of which is in the stored key (stored_key) of every deal this event could merge with: the
    first word of each party's key and its acronym, and the product's first word. Lets the store fetch
    only those deals."""
    words = set()
    for name in [*event.parties, *([event.product] if event.product else [])]:
        key = company_key(name)
        if key:
            words.add(key.split()[0])
        if acronym := _acronym(key):
            words.add(acronym)
    return words


def merge(event: DealEvent, reported_at: datetime, candidates: Sequence[DealSummary]) -> DealUpdate | None:
    """The change this event makes to the deal it reports, or None when it reports a new deal. Of several
    matching deals, the one reported last."""
    matching = [d for d in candidates if is_same_deal(event, reported_at, d)]
    if not matching:
        return None
    deal = max(matching, key=lambda d: (d.last_reported_at, d.id))
    return DealUpdate(deal.id, _merged_fields(deal, event, reported_at), tuple(revisions(deal, event)))


def is_same_deal(event: DealEvent, reported_at: datetime, deal: DealSummary) -> bool:
    window = WINDOWS.get(deal.subtype or "", WINDOW)
    if not deal.first_reported_at - window <= reported_at <= deal.last_reported_at + window:
        return False
    return same_deal(event, deal)


class DealShape(Protocol):
    """What tells one deal from another: an event as a story tells it, or a deal as stored."""

    @property
    def type(self) -> str: ...
    @property
    def subtype(self) -> str | None: ...
    @property
    def parties(self) -> tuple[str, ...]: ...
    @property
    def roles(self) -> tuple[str, ...]: ...
    @property
    def amount_usd(self) -> float | None: ...
    @property
    def product(self) -> str | None: ...


def same_deal(event: DealShape, deal: DealShape) -> bool:
    """Whether two tellings are one deal, whenever told: the same company bought (by the same buyer where
    both name one), the same raiser, partners in common, the same maker's same product. Serves a story's
    own events (two sentences of one deal) as it serves reports across outlets."""
    if deal.type != event.type:
        return False
    if event.type == "investment":
        return _same_investment(event, deal)
    if event.type == "partnership":
        return (
            shared_companies(event.parties, deal.parties) >= min(2, len(event.parties), len(deal.parties)) > 0
        )
    return _same_launch(event, deal)


def _same_investment(event: DealShape, deal: DealShape) -> bool:
    if event.subtype != deal.subtype and not (
        {event.subtype, deal.subtype} == {"funding", "strategic_investment"}
        and compatible_amounts(event.amount_usd, deal.amount_usd)
    ):
        return False
    mine, theirs = _in_roles(event, _BOUGHT), _in_roles(deal, _BOUGHT)
    if not mine and not theirs:  # neither names the company bought into: two companies in common
        return shared_companies(event.parties, deal.parties) >= 2
    if not mine or not theirs:  # one report names only the buyer: any company in common
        return _any_same(event.parties, deal.parties)
    if not _any_same(mine, theirs):
        return False
    if "funding" in (event.subtype, deal.subtype):
        return True  # outlets name different investors of one round
    buyers, other_buyers = _in_roles(event, _BUYING), _in_roles(deal, _BUYING)
    return not buyers or not other_buyers or _any_same(buyers, other_buyers)


_BOUGHT = frozenset({"target", "investee"})
_BUYING = frozenset({"acquirer", "investor"})


def _in_roles(deal: DealShape, roles: frozenset[str]) -> list[str]:
    """The parties in those roles: the companies acquired or invested in, or those buying. A deal may name
    several where the classifier took a wrong name for one ("Fueling AI Hardware Ambitions", "Graphcore")."""
    return [p for p, r in zip(deal.parties, deal.roles, strict=False) if r in roles]


def _any_same(names: Sequence[str], others: Sequence[str]) -> bool:
    return shared_companies(names, others) > 0


def shared_companies(names: Sequence[str], others: Sequence[str]) -> int:
    """How many of the names are a company among the others."""
    return sum(any(same_company(p, q) for q in others) for p in names)


def compatible_amounts(a: float | None, b: float | None) -> bool:
    return a is None or b is None or abs(a - b) <= _SAME_AMOUNT * max(a, b)


def _same_launch(event: DealShape, deal: DealShape) -> bool:
    makers, their_makers = [p for p in event.parties if p], [p for p in deal.parties if p]
    if makers and their_makers and not _any_same(makers, their_makers):
        return False
    product, other = company_key(event.product or "").split(), company_key(deal.product or "").split()
    if not product or not other:  # a report that names no product is of the maker's launch it meets
        return bool(makers and their_makers)
    short, long = sorted((product, other), key=len)
    return long[: len(short)] == short


def _merged_fields(deal: DealSummary, event: DealEvent, reported_at: datetime) -> dict[str, object]:
    """The deal's columns after this report: a party of a role the deal lacks added (the buyer learnt
    later), an amount given or revised, a rumour confirmed, details filled in, the reporting period
    widened. Only what changes. Further names of a role the deal has (a second outlet's investors) are not
    added: outlets' lists disagree more by the classifier's mistakes than by news, and the first list
    stands."""
    parties, roles = list(deal.parties), list(deal.roles)
    for party, role in zip(event.parties, event.roles, strict=False):
        if role not in roles and not any(same_company(party, known) for known in parties):
            parties.append(party)
            roles.append(role)
    ordered_parties, ordered_roles = in_role_order(deal.subtype, parties, roles)
    new: dict[str, object] = {
        "parties": list(ordered_parties),
        "roles": list(ordered_roles),
        "round": deal.round or event.round,
        "valuation": deal.valuation if deal.valuation is not None else event.valuation,
        "valuation_currency": deal.valuation_currency or event.valuation_currency,
        "product": deal.product or event.product,
        "rumor": deal.rumor and event.rumor,
        "first_reported_at": min(deal.first_reported_at, reported_at),
        "last_reported_at": max(deal.last_reported_at, reported_at),
    }
    if event.amount is not None:
        new.update(amount=event.amount, currency=event.currency, amount_usd=event.amount_usd)
    current = {name: getattr(deal, name) for name in new}
    current["parties"], current["roles"] = list(deal.parties), list(deal.roles)
    return {name: value for name, value in new.items() if value != current[name]}


def revisions(deal: DealSummary, event: DealEvent) -> list[Revision]:
    """What this report changes: an amount that was missing or differs, a rumour now confirmed."""
    changes = []
    if event.amount is not None and (
        deal.amount is None or abs(deal.amount - event.amount) > 1e-6 * event.amount
    ):
        changes.append(
            Revision("amount", _money(deal.amount, deal.currency), _money(event.amount, event.currency))
        )
    if deal.rumor and not event.rumor:
        changes.append(Revision("rumor", "rumoured", "confirmed"))
    return changes


# How much a second outlet's report counts. Outlets retell one another (one wire story, many rewrites), so
# their reports are not independent: each further outlet closes half the gap its own confidence would.
CONFIRMATION_WEIGHT = 0.5


def deal_confidence(by_outlet: Iterable[float]) -> float:
    """A deal's confidence from its events' confidences, the best one per outlet: the most confident
    outlet's, raised by each other outlet that reports it too."""
    ranked = sorted(by_outlet, reverse=True)
    if not ranked:
        return 0.0
    doubt = 1.0 - ranked[0]
    for confidence in ranked[1:]:
        doubt *= 1.0 - CONFIRMATION_WEIGHT * confidence
    return round(1.0 - doubt, 3)


# A partnership headline names this many partners at most; the others are counted ("and 4 others").
HEADLINE_PARTNERS = 3


def headline(
    event_type: str,
    subtype: str | None,
    parties: Sequence[str],
    *,
    amount: float | None = None,
    currency: str | None = None,
    product: str | None = None,
    roles: Sequence[str] = (),
    evidence: str = "",
) -> str:
    """A one-line title for a deal, as news reads: "Microsoft invests EUR 15M in Mistral AI", "Mistral AI
    launches Le Chat", "Microsoft and G42 partner on AI in the Gulf" (the topic from the evidence, where
    it says one). An amount is shown only with its currency; a deal with one party says which side it is
    on."""
    money = f" {short_money(amount, currency)}" if amount is not None and currency else ""
    named = headline_parties(event_type, subtype, parties, roles)
    first = named[0] if named else None
    if event_type == "launch":
        return _launch_headline(first, product)
    if event_type == "partnership":
        partnering = (
            f"{named_partners(parties)} partner" if len(named) > 1 else f"{first or 'A company'} partners"
        )
        topic = partnership_topic(evidence)
        return (
            f"{partnering} {topic}" if topic and len(partnering) + len(topic) < MAX_HEADLINE else partnering
        )
    if subtype in {"acquisition", "strategic_investment"}:
        return _stake_headline(subtype, first, named[1] if len(named) > 1 else None, money, roles)
    if _no_investee(subtype, roles):  # who raised is not known: the investors are what the story says
        return f"{named_partners(parties)} invest{'s' if len(parties) == 1 else ''}{money or ' in a round'}"
    return f"{first or 'A company'} raises{money or ' new funding'}"


# The role of the other side of a stake: an acquisition's target, a strategic investment's investee.
_COUNTERPART = {"acquisition": "target", "strategic_investment": "investee"}


def headline_parties(
    event_type: str, subtype: str | None, parties: Sequence[str], roles: Sequence[str] = ()
) -> tuple[str, ...]:
    """The parties a deal's headline names, by their roles where the deal has them: a round's raiser (or,
    when none is known, its first investors), a stake's buyer and the company bought into, the first
    partners, a launch's maker. The roles line lists the others."""
    if not parties:
        return ()
    if event_type == "partnership" or (event_type == "investment" and _no_investee(subtype, roles)):
        return tuple(parties[:HEADLINE_PARTNERS])
    has_roles = len(roles) == len(parties)
    if subtype == "funding" and has_roles:
        return (next(p for p, r in zip(parties, roles, strict=True) if r == "investee"),)
    if subtype in _COUNTERPART:
        if not has_roles:
            return tuple(parties[:2])
        other = next(
            (p for p, r in zip(parties[1:], roles[1:], strict=True) if r == _COUNTERPART[subtype]), None
        )
        return (parties[0], other) if other else (parties[0],)
    return tuple(parties[:1])


def _no_investee(subtype: str | None, roles: Sequence[str]) -> bool:
    """A round whose roles are known and name no investee: "X raises" would put an investor in its place."""
    return subtype == "funding" and bool(roles) and "investee" not in roles


MAX_HEADLINE = 110
MAX_TOPIC_WORDS = 9
# "partner(s/ed) [with X] on/to/for ...", "a partnership [with X] to ...", "team up to ...": the topic is
# what follows, up to the end of its clause.
_PARTNERING = re.compile(
    r"(?i)\b(?:partner(?:s|ed|ing)?|team(?:s|ed)? up|join(?:s|ed)? forces|collaborat(?:e|es|ed|ing)|"
    r"(?:strategic |multi-year |long-term )?(?:partnership|alliance|collaboration))"
    r"(?:\s+with\s+[^,.;:()]{1,60}?)?\s+(?P<prep>on|to|for)\s+(?P<topic>[^,.;:()\"“”]+)"
)
# Where a clause that is no longer the topic starts.
_TOPIC_END = re.compile(
    r"(?i)\s+(?:which|that|who|after|as|while|amid|according|said|says|announced|since|following|"
    r"under|including|in a (?:deal|move|bid)|with (?:the|an?) (?:aim|goal))\b.*$"
)
_PRONOUNS = {"its", "their", "his", "her", "our", "this", "these", "that", "it", "them"}
_TRAILING = re.compile(r"(?i)(?:\s+(?:the|a|an|and|or|of|in|on|to|for|with|its|their))+$")


def partnership_topic(evidence: str) -> str | None:
    """What a partnership is about, as its evidence says it: "on AI in the Gulf", "to build data centres";
    None when the sentence names none, or only a long or odd one."""
    match = _PARTNERING.search(evidence)
    if not match:
        return None
    topic = _TRAILING.sub("", _TOPIC_END.sub("", match.group("topic")).strip())
    words = topic.split()
    if not words or len(words) > MAX_TOPIC_WORDS or not words[0][0].isalnum():
        return None
    if words[0].lower() in _PRONOUNS:
        return None  # "partner for its news content": whose, the headline cannot say
    prep = match.group("prep").lower()
    if prep == "to" and not words[0].islower():
        return None  # "a partner to ChatGPT maker OpenAI": a noun after "to", not what they will do
    capitalised = sum(w[0].isupper() for w in words)
    if len(words) >= 3 and capitalised * 2 > len(words):
        return None  # a headline's Title Case fragment, not a topic
    return f"{prep} {topic}"


def _stake_headline(
    subtype: str, first: str | None, second: str | None, money: str, roles: Sequence[str]
) -> str:
    """An acquisition or a strategic investment: who bought into whom; with one party, which side it is."""
    acquisition = subtype == "acquisition"
    if first and second:
        return (
            f"{first} acquires {second}{' for' + money if money else ''}"
            if acquisition
            else (f"{first} invests{money} in {second}")
        )
    bought = bool(roles) and roles[0] in {"target", "investee"}
    if first and bought:
        return f"{first} is acquired" if acquisition else f"{first} gets a strategic investment"
    return f"{first or 'A company'} makes {'an acquisition' if acquisition else 'a strategic investment'}"


def _launch_headline(launcher: str | None, product: str | None) -> str:
    if product and launcher:
        return f"{launcher} launches {product}"
    return f"{product} launched" if product else f"{launcher or 'A company'} launches a product"


def named_partners(parties: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C", "A, B, C and 3 others"."""
    if len(parties) <= 1:
        return "".join(parties)
    if len(parties) <= HEADLINE_PARTNERS:
        return ", ".join(parties[:-1]) + f" and {parties[-1]}"
    others = len(parties) - HEADLINE_PARTNERS
    return ", ".join(parties[:HEADLINE_PARTNERS]) + f" and {others} other{'s' if others > 1 else ''}"


def _money(amount: float | None, currency: str | None) -> str | None:
    return None if amount is None else f"{amount:.0f} {currency or ''}".strip()


def short_money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return ""
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= factor:
            figure = f"{amount / factor:.1f}".rstrip("0").rstrip(".")
            return f"{currency or ''} {figure}{suffix}".strip()
    return f"{currency or ''} {amount:.0f}".strip()


@dataclass(frozen=True, slots=True)
class EventChanges:
    """What a new reading of one article changed."""

    added: tuple[DealEvent, ...]
    removed: tuple[DealEvent, ...]
    changed: tuple[tuple[DealEvent, DealEvent], ...]


def compare_events(old: Sequence[DealEvent], new: Sequence[DealEvent]) -> EventChanges:
    """Events matched by deal identity; a matched pair that differs in amount, currency, parties, product
    or rumour is a change."""
    old_by_key = {deal_key(e): e for e in old}
    new_by_key = {deal_key(e): e for e in new}
    added = tuple(e for k, e in new_by_key.items() if k not in old_by_key)
    removed = tuple(e for k, e in old_by_key.items() if k not in new_by_key)
    changed = tuple(
        (old_by_key[k], e)
        for k, e in new_by_key.items()
        if k in old_by_key and _fingerprint(old_by_key[k]) != _fingerprint(e)
    )
    return EventChanges(added, removed, changed)


def _fingerprint(event: DealEvent) -> tuple[object, ...]:
    return (
        event.subtype,
        tuple(company_key(p) for p in event.parties),
        event.amount,
        event.currency,
        event.product,
        event.rumor,
        event.round,
    )
