"""Completing the rules' events from the rest of the story. Pure.

The rules read one sentence at a time, but a story spreads one deal over several: the headline says who
raised how much, a later sentence lists who put money in ("The round was led by X, with Y and Z joining",
"Other participants included ..."), an alliance lists its members, and the amount of an acquisition is
often only in its headline. This module proposes those names and amounts; it decides nothing for good.
Every name it adds is vetted like the rules' own, and the party model weighs it (`investor_list` and
`partner_list` say where it came from).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import replace

from pipeline.classify import lexicon as lx
from pipeline.classify.amounts import Money, find_money
from pipeline.classify.entities import find_names, unique_names
from pipeline.classify.people import is_given_name
from pipeline.classify.rates import to_usd
from pipeline.classify.rules import (
    LEAD_SENTENCES,
    Sentence,
    deal_amount,
    is_source,
    names_earlier_investors,
    names_in,
    round_of_another,
)
from pipeline.classify.vetting import KNOWN_KEYS, mentions_of
from pipeline.names import company_key, same_company
from pipeline.records import DealEvent

# A sentence that lists a round's investors. Wider than the rules' own test: "drew investments from",
# "joined by", "aux côtés de", and sentences the rules skip as background ("which previously invested")
# still name this round's investors.
INVESTOR_LIST = re.compile(
    r"(?i)\b(?:(?:co-)?led by|co-led|participat\w*|investors?|"
    r"(?:led|joined|invested in|took part in) the (?:\w+ )?(?:round|financing|raise)|"
    r"(?:investments?|funding|financing|capital) from|backers?|backed by|"
    r"joined by|included|including|with support from|menée? par|aux côtés de|investisseurs|"
    r"angeführt von|unter (?:der )?führung von|investoren|geldgeber|beteiligt)\b"
)
MAX_INVESTORS = 12
# German and French put what a company is before its name: "der US-Softwarekonzern Nice", "das
# Düsseldorfer KI-Start-up Cognigy", "la Finlandaise Silo". The rules read the descriptor as part of it.
_DESCRIPTOR = re.compile(
    r"(?i)(?:\w+-)?(?:\w*(?:konzern|unternehmen|start-?up|hersteller|anbieter|firma|entwickler|spezialist|"
    r"riese|gigant|tochter|plattform|dienstleister|bauer|zulieferer|versicherer|händler|betreiber|investor)"
    r"|start-?up|geldgeber|jeune pousse|géant|groupe)"
)
_GERMAN_ORIGIN = re.compile(r"[A-ZÄÖÜ][\wäöüß]+er")  # "Düsseldorfer", only before a descriptor
_FRENCH_ORIGIN = re.compile(r"[A-ZÉ][\wéè]+(?:aise|ais|oise|ois|ienne|ien|ane|ain)")
# A sum the story gives for more than this deal: "$18.5 million to date", "bringing its total to".
_TOTAL = re.compile(
    r"(?i)\b(?:to date|so far|in total|total(?:ling|ing)?|bringing|cumulative|à ce jour|au total|"
    r"insgesamt|bisher|bislang)\b"
)
# A company put up for sale names its buyer after "to": "explores sale to HP for $1 billion".
_SALE_TO = re.compile(r"(?i)\b(?:sale to|sells? (?:itself )?to|selling (?:itself )?to|vente à|verkauf an)\b")
# An acquisition's price said as the deal's value: "in a deal valued at $1.2 billion".
DEAL_VALUED_AT = re.compile(
    r"(?i)\b(?:deal|transaction|acquisition|purchase|takeover|sale)\b[^.;]{0,40}?\b(?:valued|worth)\b"
    r"(?: at)?(?: (?:just |slightly )?(?:above|over|around|about|roughly|nearly|some))?\s*$"
)
_APPROXIMATE = re.compile(
    r"(?i)\b(?:nearly|almost|about|around|roughly|some|over|more than|upwards of|close to|approximately|"
    r"rund|knapp|fast|über|mehr als|etwa|près de|environ|plus de|quelque)\s*$"
)
_CUE_OF_SUBTYPE = {
    "funding": (lx.FUNDING_VERB, lx.ROUND),
    "acquisition": (lx.ACQUISITION, _SALE_TO),
    "strategic_investment": (lx.STRATEGIC, lx.FUNDING_VERB),
}


def complete(
    events: tuple[DealEvent, ...], sentences: list[Sentence], language: str
) -> tuple[DealEvent, ...]:
    """The events with their names made whole ("New York Times", without a German or French description
    before it), each funding round with the investors its story's investor sentences name, each
    investment with its amount as the story states it (from its headline or lead when its sentence has
    none; an acquisition's "deal valued at" price; a round's own figure rather than a total to date; the
    exact figure rather than a headline's rounded one), each partnership with the members its story
    lists, and a known name split from its arm ("Intel", "Capital") made one again."""

    def named(party: str) -> str:
        whole = company_of_ticker(without_wire_tag(party), sentences)
        for restored in (with_owner_restored, with_new_restored, with_ai_restored, with_article_restored):
            whole = restored(whole, sentences)
        return without_descriptor(whole, language)

    events = tuple(replace(e, parties=tuple(named(p) for p in e.parties)) for e in events)
    # the story's companies, less a launch's party that is only its product's first word ("Orca" of "Orca 2")
    companies = KNOWN_KEYS | {
        company_key(p)
        for e in events
        for p in e.parties
        if not (e.type == "launch" and p and (e.product or "").startswith(p) and e.product != p)
    }
    events = tuple(
        _investment_completed(e, sentences, language)
        if e.type == "investment"
        else with_maker_from_product(e, sentences, companies)
        if e.type == "launch"
        else e
        for e in events
    )
    events = tuple(_with_listed_partners(e, sentences) if e.type == "partnership" else e for e in events)
    rounds = [i for i, e in enumerate(events) if e.type == "investment" and e.subtype == "funding"]
    if not rounds:
        return events
    completed = list(events)
    for sentence in sentences[1:]:
        if not INVESTOR_LIST.search(sentence.text) or names_earlier_investors(sentence.text):
            continue
        if _rounds_told_in(sentence, [completed[i] for i in rounds]) > 1:
            continue  # "Orvane raised $200 million led by Quillon, while Kestrel raised ...": each its own
        index = _round_told_before(completed, rounds, sentences, sentence.index)
        if index is not None:
            names = [without_descriptor(n, language) for n in organisation_names(sentence.text)]
            completed[index] = _with_investors(completed[index], names)
    return tuple(completed)


def _investment_completed(event: DealEvent, sentences: list[Sentence], language: str) -> DealEvent:
    event = _with_arms_joined(event, sentences)
    for correction in (_with_passive_roles, _with_investee_found):
        event = correction(event, sentences, language)
    for step in _AMOUNT_STEPS:  # in this order: a later step corrects the figure an earlier one found
        event = step(event, sentences, language)
    return event


def with_maker_from_product(
    event: DealEvent, sentences: list[Sentence], companies: frozenset[str] | set[str]
) -> DealEvent:
    """A launch whose product is named after its maker ("Samsung Gauss", "DeepSeek-R1", "Microsoft 365
    Copilot") is the maker's, whatever name stands next to the cue (an event, "At the Samsung AI Forum, the
    company introduced ...", or the site the model is on). The maker is a company: a known one, or one the
    story's deals name; the first word of "Claude 3 Opus" or "Cloud AI 100" is none."""
    first, *rest = re.split(r"[\s-]", event.product or "", maxsplit=1)
    key = company_key(first)
    if not rest or len(first) < 3 or not first[0].isupper() or key not in companies:
        return event
    maker = next((n for s in sentences for n in names_in(s.text) if company_key(n) == key), None)
    if maker is None or [company_key(p) for p in event.parties] == [key]:
        return event
    return replace(event, parties=(maker,), roles=("launcher",))


def organisation_names(text: str) -> list[str]:
    """The rules' names of a sentence, a known name and the arm after it read as one ("Intel Capital")."""
    return list(_organisation_names(text))


# An investment firm whose name opens with a number ("4DX Ventures", "645 Ventures", "1517 Fund"), which
# the rules' name finder, reading capitalised words, does not see.
_NUMBERED_FIRM = re.compile(
    r"(?<![\w$€£.,-])(?:\d+[A-Z][A-Za-z]*(?: [A-Z][\w&-]*){0,2}|\d{2,4}) "
    r"(?:Ventures|Venture Partners|Capital|Partners|Fund|Advisors|Investments|Holdings)\b"
)


@functools.lru_cache(maxsize=1024)  # each sentence is asked for by every event and every party of its story
def _organisation_names(text: str) -> tuple[str, ...]:
    numbered = [
        m
        for m in _NUMBERED_FIRM.finditer(text)
        if not re.search(r"[A-Z][\w&.-]*\s+$", text[max(0, m.start() - 40) : m.start()])  # "GSB 26 Fund"
    ]
    if not numbered:
        return _capitalised_organisation_names(text)
    named = [(text.find(name), name) for name in _capitalised_organisation_names(text)]
    outside = [(at, name) for at, name in named if not any(m.start() <= at < m.end() for m in numbered)]
    return tuple(name for _, name in sorted(outside + [(m.start(), m.group(0)) for m in numbered]))


def _capitalised_organisation_names(text: str) -> tuple[str, ...]:
    spans = find_names(text)
    names = set(names_in(text))
    result: list[str] = []
    skip_next = False
    for at, (start, end, name) in enumerate(spans):
        following = spans[at + 1] if at + 1 < len(spans) else None
        if skip_next:
            skip_next = False
            continue
        if following and text[end : following[0]] == " " and is_arm_of(name, following[2]):
            result.append(text[start : following[1]] + _arm_number(text, following[1]))
            skip_next = True
        elif name in names:
            result.append(name)
    return tuple(n for n in result if not is_source(n))


# An investment arm named after a known company ("SoftBank" "Vision Fund", "Salesforce" "Ventures Fund"):
# one word and an arm's word, which a name of its own ("Thrive Capital") also is, so it is joined only to a
# known company's name right before it.
_NAMED_ARM = re.compile(r"(?:[A-Z][\w&-]* )?(?:Capital|Ventures|Fund|Investments?|Invest|Labs|Research)")
_ARM_NUMBER = re.compile(r" (?:\d{1,2}|I{1,3}|IV|V)\b")


def _arm_number(text: str, at: int) -> str:
    """The number that ends an arm's name at `at` ("SoftBank Vision Fund 2"), or ""."""
    numbered = _ARM_NUMBER.match(text, at)
    return numbered.group(0) if numbered else ""


def is_arm_of(name: str, following: str) -> bool:
    """Whether `following`, right after `name`, is an arm of it ("Intel" "Capital"; a known company's
    "Vision Fund")."""
    return bool(
        lx.ORGANISATION_ARM.fullmatch(following)
        or (company_key(name) in KNOWN_KEYS and _NAMED_ARM.fullmatch(following))
    )


def without_descriptor(name: str, language: str) -> str:
    """The name without the German or French words before it that say what the company is ("der Autobauer
    Velmora", "vom Investor Quillon"); an English name as it is."""
    if language not in {"de", "fr"}:
        return name
    words = name.split()
    while len(words) > 1 and (
        _DESCRIPTOR.fullmatch(words[0])
        or (_GERMAN_ORIGIN.fullmatch(words[0]) and _DESCRIPTOR.fullmatch(words[1]))
        or (_FRENCH_ORIGIN.fullmatch(words[0]) and words[1][:1].isupper())
    ):
        words = words[1:]
    return " ".join(words)


# A wire's tag glued to a headline's first name: "Exclusive-Quillon nears deal", "UPDATE 2-Orvane raises".
_WIRE_TAG = re.compile(
    r"^(?i:exclusive|update \d+|brief|factbox|analysis|breakingviews|corrected)-(?=[A-Z0-9])"
)


def without_wire_tag(name: str) -> str:
    return _WIRE_TAG.sub("", name)


# A listed company's ticker, in the parenthesis after its name: "Quillon Inc. (NASDAQ: QLN)".
_TICKER_AFTER = re.compile(
    r"(?:NASDAQ|Nasdaq|NYSE|NYSE American|OTC|OTCQX|OTCQB|TSX|TSXV|LSE|AIM|ASX|Euronext|XETRA|ETR|FWB|SIX|"
    r"TYO|TSE|HKEX|SEHK|KRX|BSE|NSE)\s*:\s*$"
)


def company_of_ticker(name: str, sentences: list[Sentence]) -> str:
    """ "Quillon" for "QLN" where the story writes "Quillon (NASDAQ: QLN)": a ticker is no company's name,
    and the rules, taking the name nearest a cue, may take it for one."""
    for text, at, _ in mentions_of(name, [s.text for s in sentences]):
        opening = text.rfind("(", 0, at)
        if opening < 0 or not _TICKER_AFTER.search(text[opening + 1 : at]):
            continue
        before = [n for n in names_in(text[:opening]) if n != name]
        if before and text[:opening].rstrip().endswith(before[-1]):
            return before[-1]
    return name


def with_new_restored(name: str, sentences: list[Sentence]) -> str:
    """ "York Times" back to "New York Times": the rules drop a sentence's opening "New" as a common
    word, and with it the first word of such names."""
    restored = f"New {name}"
    return restored if any(restored in s.text for s in sentences) else name


def with_owner_restored(name: str, sentences: list[Sentence]) -> str:
    """ "Platforms" back to "Meta Platforms": the rules split a known name from the word after it ("Google
    Eric Schmidt"), and with it a company's name from its corporate ending."""
    if " " in name:
        return name
    for sentence in sentences:
        for match in re.finditer(rf"([A-Z][\w.&-]*) {re.escape(name)}(?![\w-])", sentence.text):
            owner = match.group(1)
            if company_key(owner) in KNOWN_KEYS and company_key(match.group(0)) == company_key(owner):
                return match.group(0)
    return name


def with_ai_restored(name: str, sentences: list[Sentence]) -> str:
    """ "Element" back to "Element AI" when the story never writes it without: the rules drop a trailing
    "AI" (so that "Nvidia AI chips" is Nvidia), and with it the end of names like "Sakana AI"."""
    suffixed_form = f"{name} AI"
    if not name or name.endswith(" AI") or not any(suffixed_form in s.text for s in sentences):
        return name
    mentions = [m for s in sentences for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", s.text)]
    suffixed = [m for m in mentions if re.match(r" AI(?![\w-])", m.string[m.end() :])]
    return f"{name} AI" if suffixed and len(suffixed) == len(mentions) else name


_ARTICLES = ("Le", "La", "Les", "The")


def with_article_restored(name: str, sentences: list[Sentence]) -> str:
    """ "Monde" back to "Le Monde" when the story writes the article with a capital mid-sentence, where only
    a name's own article has one: the rules drop a sentence's opening article, and with it the first
    word of such names."""
    for article in _ARTICLES:
        restored = f"{article} {name}"
        if any(
            restored in s.text and re.search(rf"[\w,;:] {re.escape(restored)}(?![\w-])", s.text)
            for s in sentences
        ):
            return restored
    return name


# A run of capitalised words, joined by short lower-case ones ("University of Florida"); and "Full Name
# (ACRONYM)".
_CONNECTOR = r"(?:of|for|and|on|bin|de|du|des|der|für|the)"
_CAPITALISED_RUN = re.compile(rf"[A-Z][\w&'’.-]*(?: (?:{_CONNECTOR} )?[A-Z][\w&'’.-]*)*")
_DEFINED_ACRONYM = re.compile(
    rf"((?:[A-Z][\w&'’.-]* (?:{_CONNECTOR} )?)+)\((?:[\"“])?([A-Z][A-Za-z0-9]{{1,7}})(?:[\"”])?\)"
)
_REGISTERED = re.compile(r"\b(?:Inc|Corp|Corporation|Co|Ltd|Limited|plc|PLC|LLC|GmbH|AG|SA|SE|NV)\.?$")


def with_acronyms_spelled_out(
    events: tuple[DealEvent, ...], sentences: list[Sentence]
) -> tuple[DealEvent, ...]:
    """The events with each party named by an acronym named in full, where the story defines it
    ("Mohamed bin Zayed University of Artificial Intelligence (MBZUAI)") or writes out in full one name
    of those initials ("Thomson Reuters", then "TR"). Done after vetting: a full name written out once is
    a name, whatever its words ("Allen Institute for AI")."""
    defined = acronyms_defined(sentences)
    written_out: dict[str, set[str]] = {}
    for sentence in sentences:
        for run in _CAPITALISED_RUN.finditer(sentence.text):
            words = run.group(0).rstrip(".'’").split()
            if words[0] in _ARTICLES:
                words = words[1:]
            capitals = [w for w in words if w[0].isupper()]
            if len(capitals) >= 2:
                written_out.setdefault("".join(w[0] for w in capitals), set()).add(" ".join(words))

    def in_full(party: str) -> str:
        if party in defined:
            return defined[party]
        if party.isupper() and 2 <= len(party) <= 5 and company_key(party) not in KNOWN_KEYS:
            spelled = written_out.get(party, set())
            return next(iter(spelled)) if len(spelled) == 1 else party
        return party

    completed = []
    for event in events:
        pairs: dict[str, str] = {}
        for party, role in zip(event.parties, event.roles, strict=False):
            # one of each, in its first role: "Apple buys ... Apple News" names the buyer twice, once as
            # what was bought
            pairs.setdefault(in_full(party), role)
        completed.append(replace(event, parties=tuple(pairs), roles=tuple(pairs.values())))
    return tuple(completed)


def acronyms_defined(sentences: list[Sentence]) -> dict[str, str]:
    """The acronyms a story defines ("Mohamed bin Zayed University of Artificial Intelligence (MBZUAI)"),
    each with its full name: a story names a ministry, a university or a fund in full once and by its
    acronym after, and the full name is the one a reader knows. Where the full name is a registered one
    ("Advanced Micro Devices Inc. (AMD)") the acronym is the name the company goes by, and stays."""
    defined: dict[str, str] = {}
    for sentence in sentences:
        for match in _DEFINED_ACRONYM.finditer(sentence.text):
            acronym = match.group(2)
            # a sentence's first word (capitalised whatever it is), an owner ("Singapore's Ministry of
            # ...") and an article are no part of the name
            words = match.group(1).split()
            while len(words) > 1 and match.start() == 0 and words[0][0] != acronym[0]:
                words.pop(0)
            owner = [i for i, w in enumerate(words[:-1]) if w.endswith(("'s", "’s"))]
            words = words[owner[-1] + 1 :] if owner else words
            if len(words) > 1 and words[0] in _ARTICLES:
                words.pop(0)
            full = " ".join(words)
            initials = "".join(w[0] for w in re.split(r"[\s-]+", full) if w).casefold()
            if (
                (sum(c.isupper() for c in acronym) >= 2 or acronym[-1].isdigit())
                and _is_subsequence(acronym.casefold().rstrip("0123456789"), initials)
                and not _REGISTERED.search(full)
            ):
                defined.setdefault(acronym, full)
    return defined


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(c in letters for c in short)


# "X to be acquired by Y", "X, bought by Y": the name after "by" is the buyer, whatever its place.
_ACQUIRED_BY = re.compile(
    r"(?i)\b(?:acquired|bought|purchased|taken over|snapped up|racheté|rachetée|übernommen|gekauft)\s+"
    r"(?:by|par|von)\s+(?:the\s+|la\s+|le\s+|l['’]|der\s+|dem\s+|den\s+)?"
)


def _with_passive_roles(event: DealEvent, _sentences: list[Sentence], _language: str) -> DealEvent:
    """An acquisition whose sentence says its "target" acquired the other ("Element AI to be acquired by
    ServiceNow" read as Element AI buying): the two swap roles."""
    if event.subtype != "acquisition" or tuple(event.roles[:2]) != ("acquirer", "target"):
        return event
    for match in _ACQUIRED_BY.finditer(event.evidence):
        buyer = find_names(event.evidence[match.end() : match.end() + 80])[:1]
        if buyer and buyer[0][0] == 0 and same_company(buyer[0][2], event.parties[1]):
            return replace(event, roles=("target", "acquirer", *event.roles[2:]))
    return event


def _with_investee_found(event: DealEvent, sentences: list[Sentence], _language: str) -> DealEvent:
    """A round whose sentence names no raiser ("The Pittsburgh-based startup banked $150 million", the
    rules then reading every name as an investor): the party the headline names first raised it."""
    if event.subtype != "funding" or "investee" in event.roles or not sentences:
        return event
    title = sentences[0].text
    placed = [(title.find(p), i) for i, p in enumerate(event.parties) if p and title.find(p) >= 0]
    if not placed:
        return event
    first = min(placed)[1]
    roles = ["investee" if i == first else r for i, r in enumerate(event.roles)]
    return replace(event, roles=tuple(roles))


def _with_arms_joined(event: DealEvent, sentences: list[Sentence]) -> DealEvent:
    """ "Intel" then "Capital" among the parties, and "Intel Capital" in the story: one party."""
    parties: list[str] = []
    roles: list[str] = []
    for party, role in zip(event.parties, event.roles, strict=False):
        joined = f"{parties[-1]} {party}" if parties else ""
        told = next((s.text for s in sentences if joined and joined in s.text), None)
        if told is not None and is_arm_of(parties[-1], party):
            parties[-1] = joined + _arm_number(told, told.index(joined) + len(joined))
            continue
        parties.append(party)
        roles.append(role)
    if len(parties) == len(event.parties):
        return event
    return replace(event, parties=tuple(parties), roles=tuple(roles))


def _round_told_before(
    events: list[DealEvent], rounds: list[int], sentences: list[Sentence], index: int
) -> int | None:
    """The funding event whose sentence comes last before this one, or None: a list of investors follows
    the round it belongs to (in a roundup, each round its own), and one told before any round is of
    something else ("newspapers led by Alden Global Capital", "firms including Microsoft and Meta")."""
    told = [(_sentence_of(events[i].evidence, sentences), i) for i in rounds]
    before = [(at, i) for at, i in told if at <= index]
    return max(before)[1] if before else None


def _rounds_told_in(sentence: Sentence, rounds: list[DealEvent]) -> int:
    """How many rounds, by different companies, the sentence is the evidence of."""
    return len({company_key(e.parties[0]) for e in rounds if e.parties and e.evidence in sentence.text})


def _sentence_of(evidence: str, sentences: list[Sentence]) -> int:
    return next((s.index for s in sentences if evidence and evidence in s.text), 0)


def _with_investors(event: DealEvent, names: list[str]) -> DealEvent:
    known = {company_key(p) for p in event.parties}  # the investee among them
    room = max(0, MAX_INVESTORS + 1 - len(event.parties))
    new = [n for n in unique_names(names) if company_key(n) not in known][:room]
    if not new:
        return event
    return replace(event, parties=(*event.parties, *new), roles=(*event.roles, *["investor"] * len(new)))


# A list of three or more names closed by "and": "Air Liquide, Dassault Aviation, EDF et Valeo".
_ARTICLE = r"(?:the |l[ae] |l'|l’|les |die |der |das )?"
_LIST_GAP = re.compile(rf",\s*{_ARTICLE}")
_LIST_END = re.compile(rf",?\s(?:and|et|und|ou|or)\s{_ARTICLE}")
# Words that say a list is of a partnership's members, beside the partnership cues themselves.
_MEMBERS = re.compile(r"(?i)\b(?:partners|members|founding|allient|alliés|mitglieder)\b")


def _with_listed_partners(event: DealEvent, sentences: list[Sentence]) -> DealEvent:
    """A partnership with the organisations its story lists beside one of its parties, or in a sentence
    that tells a partnership ("SAP, Deutsche Telekom, Ionos, die Schwarz-Gruppe und Siemens verhandeln
    ..."): an alliance or a consortium is told by its members' list."""
    known = {company_key(p) for p in event.parties}
    added: list[str] = []
    for sentence in sentences:
        names = organisation_names(sentence.text)
        if len(unique_names(names)) < 3 or not is_listed(sentence.text, names):
            continue
        cue = lx.PARTNERSHIP.search(sentence.text) or _MEMBERS.search(sentence.text)
        if not (cue or known & {company_key(n) for n in names}):
            continue
        added += [
            n
            for n in unique_names(names)
            if company_key(n) not in known and n not in added and not _is_person(n)
        ]
    room = max(0, MAX_INVESTORS - len(event.parties))
    added = added[:room]
    return replace(event, parties=(*event.parties, *added), roles=(*event.roles, *["partner"] * len(added)))


def _is_person(name: str) -> bool:
    """A given name and a surname ("Mustafa Suleyman"): people sign partnerships for companies, and are
    listed beside them, but are no partners."""
    words = name.split()
    return 2 <= len(words) <= 3 and is_given_name(words[0])


def lists_of(text: str, names: list[str]) -> list[list[str]]:
    """The lists of three or more of the names the text writes as one ("A, B and C"), each in its order."""
    found = sorted((at, name) for name in set(names) if (at := text.find(name)) >= 0)
    lists: list[list[str]] = []
    run: list[str] = []
    end = -1
    for at, name in found:
        gap = text[end:at] if run else ""
        if run and (_LIST_GAP.fullmatch(gap) or _LIST_END.fullmatch(gap)):
            run.append(name)
        else:
            if len(run) >= 3:
                lists.append(run)
            run = [name]
        end = at + len(name)
    if len(run) >= 3:
        lists.append(run)
    return lists


def is_listed(text: str, names: list[str]) -> bool:
    """Whether the names are written as one list: name, name ... and name."""
    at = [text.find(n) for n in names]
    for i in range(len(names) - 2):
        a, b, c = at[i], at[i + 1], at[i + 2]
        if min(a, b, c) < 0:
            continue
        first_gap = text[a + len(names[i]) : b]
        second_gap = text[b + len(names[i + 1]) : c]
        if _LIST_GAP.fullmatch(first_gap) and (
            _LIST_GAP.fullmatch(second_gap) or _LIST_END.fullmatch(second_gap)
        ):
            return True
    return False


def rounds_split_by_raiser(
    events: tuple[DealEvent, ...], sentences: list[Sentence], language: str
) -> tuple[DealEvent, ...]:
    """A round the rules read as raised by several companies, each of them the first name of a sentence
    stating a round of its own with another amount ("MatX led the wave with a $500m Series B", "Axelera
    secured $250m"), told as one round per company: a roundup's rounds, merged by the rules as one deal."""
    split: list[DealEvent] = []
    for event in events:
        raising = event.in_role("investee")
        if event.subtype != "funding" or len(raising) < 2:
            split.append(event)
            continue
        own_rounds = {}
        for company in raising[1:]:
            told = _own_round(company, sentences, language)
            if told and told[0].amount != event.amount:
                own_rounds[company] = told
        if not own_rounds:
            split.append(event)
            continue
        kept = [(p, r) for p, r in zip(event.parties, event.roles, strict=False) if p not in own_rounds]
        split.append(replace(event, parties=tuple(p for p, _ in kept), roles=tuple(r for _, r in kept)))
        for company, (money, sentence) in own_rounds.items():
            alone = replace(event, parties=(company,), roles=("investee",), evidence=sentence.text)
            split.append(replace(_priced(alone, money), round=None, valuation=None, valuation_currency=None))
    return tuple(split)


def _own_round(company: str, sentences: list[Sentence], language: str) -> tuple[Money, Sentence] | None:
    """The amount of the round a sentence whose first name is the company states, and the sentence."""
    for sentence in sentences:
        names = organisation_names(sentence.text)
        if not names or names[0] != company:
            continue
        money = stated_amount(sentence.text, "funding", language)
        if money is not None:
            return money, sentence
    return None


def stated_amount(text: str, subtype: str | None, language: str) -> Money | None:
    """The amount a sentence states for a deal of this kind: the first figure after its first cue that is
    not a valuation, range or bound ("closed a $10 billion round, with an additional $5.25 billion in
    debt": the first)."""
    cues = [m for p in _CUE_OF_SUBTYPE.get(subtype or "", ()) if (m := p.search(text))]
    if not cues:
        return None
    return deal_amount(text, find_money(text, language), min(cues, key=lambda m: m.start()))


def _with_precise_amount(event: DealEvent, sentences: list[Sentence], language: str) -> DealEvent:
    """A rounded figure ("over $1bn", "$319M") given as the exact one a later sentence states for a deal of
    the same kind ("a $1.05 billion Series C"), when that one rounds to it. Headlines round; the labels
    take the figure the text states most exactly."""
    if event.amount is None:
        return event
    shown = _significant_digits(event.amount, event.evidence, language)
    if shown is None:
        return event
    exact = next(
        (
            money
            for money in _amounts_elsewhere(event, sentences, language)
            if money.amount != event.amount and float(f"{money.amount:.{shown}g}") == event.amount
        ),
        None,
    )
    return _priced(event, exact) if exact else event


def _with_deal_value(event: DealEvent, sentences: list[Sentence], language: str) -> DealEvent:
    """An acquisition priced as "a deal valued at $600m" takes that figure as its amount: the value of the
    deal is its price, not the company's valuation, which the rules set aside. The figure comes from a
    sentence naming one of its parties, or is the only one the story gives."""
    if event.subtype != "acquisition":
        return event
    keys = {company_key(p) for p in event.parties}
    priced = [
        (money, sentence)
        for sentence in sentences
        for money in find_money(sentence.text, language)
        if DEAL_VALUED_AT.search(sentence.text[max(0, money.start - 80) : money.start])
    ]
    about_it = [m for m, s in priced if keys & {company_key(n) for n in names_in(s.text)}]
    money = about_it[0] if about_it else priced[0][0] if len(priced) == 1 else None
    if money is None or money.amount == event.amount:
        return event
    with_price = _priced(event, money)
    if event.valuation != money.amount:
        return with_price
    return replace(with_price, valuation=None, valuation_currency=None)  # the price, not a valuation


def _with_round_not_total(event: DealEvent, sentences: list[Sentence], language: str) -> DealEvent:
    """A round's amount read from a sentence about the total raised ("To date, Theator has raised $18.5
    million") given as the one another sentence states for the round, where one does."""
    if event.amount is None or event.subtype != "funding" or not _TOTAL.search(event.evidence):
        return event
    own = next(_amounts_elsewhere(event, sentences, language), None)
    return _priced(event, own) if own else event


def _amounts_elsewhere(event: DealEvent, sentences: list[Sentence], language: str) -> Iterator[Money]:
    """The amounts the story's other sentences state for a deal of the event's kind, in its currency,
    leaving out sentences about a total ("to date", "in total") and, for a round, those telling another
    company's."""
    raiser = event.parties[0] if event.subtype == "funding" and event.parties else None
    for sentence in sentences:
        if sentence.text == event.evidence or _TOTAL.search(sentence.text):
            continue
        if raiser and round_of_another(sentence.text, raiser):
            continue  # a roundup's next round: "Separately, Kestrel said it raised $130 million"
        money = stated_amount(sentence.text, event.subtype, language)
        if money is not None and money.currency == event.currency:
            yield money


def _priced(event: DealEvent, money: Money) -> DealEvent:
    return replace(
        event, amount=money.amount, currency=money.currency, amount_usd=to_usd(money.amount, money.currency)
    )


def _significant_digits(amount: float, evidence: str, language: str) -> int | None:
    """How many significant digits the evidence prints the amount with: "$319M" 3, "$40M" 2, "$1bn" 1; a
    figure said to be approximate counts without its trailing zeros ("more than $300 million" 1)."""
    printed = next((m for m in find_money(evidence, language) if m.amount == amount), None)
    number = re.search(r"\d[\d.,\s\u00a0\u202f]*", printed.text) if printed else None  # none in "two billion"
    if printed is None or number is None:
        return None
    digits = re.sub(r"\D", "", number.group(0)).lstrip("0")
    if _APPROXIMATE.search(evidence[max(0, printed.start - 20) : printed.start]):
        digits = digits.rstrip("0")
    return len(digits) or 1


def _with_amount_from_lead(event: DealEvent, sentences: list[Sentence], language: str) -> DealEvent:
    """An investment without an amount takes the one of the first lead sentence that names one of its
    parties and a cue of its kind ("US-Konzern kauft ... Cognigy für 955 Mio. Dollar")."""
    if event.amount is not None or not event.parties:
        return event
    keys = {company_key(p) for p in event.parties}
    for sentence in sentences[:LEAD_SENTENCES]:
        named = [without_descriptor(n, language) for n in names_in(sentence.text)]
        if not keys & {company_key(n) for n in named}:
            continue
        money = stated_amount(sentence.text, event.subtype, language)
        if money is not None and money.amount != event.valuation:
            return _priced(event, money)
    return event


def _with_currency_from_lead(event: DealEvent, sentences: list[Sentence], language: str) -> DealEvent:
    """An amount its sentence gives with no currency ("investit 100 millions dans Orvane") takes the one
    the lead gives the same sum ("100 millions d'euros")."""
    if event.amount is None or event.currency is not None:
        return event
    for sentence in sentences[:LEAD_SENTENCES]:
        for money in find_money(sentence.text, language):
            if money.currency and money.amount == event.amount:
                return _priced(event, money)
    return event


# No single deal has reached a trillion dollars: such a figure is a market value or a spending plan that
# shares the deal's sentence ("buys Humanloop talent, spending on data centres to reach $3 trillion").
_LARGEST_DEAL_USD = 1e12


def _without_implausible_amount(event: DealEvent, _sentences: list[Sentence], _language: str) -> DealEvent:
    if event.amount_usd is None or event.amount_usd < _LARGEST_DEAL_USD:
        return event
    return replace(event, amount=None, currency=None, amount_usd=None)


# What joins the two ends of a range: "between $20 million and $30 million", "$20 million to $30 million",
# "zwischen 20 und 30 Millionen", "entre 20 et 30 millions".
_RANGE_JOIN = re.compile(r"\s*(?:and|to|or|-|–|und|bis|oder|et|à|ou)\s*")
# A range whose first end is a bare number: "zwischen 20 und 30 Millionen Euro", "between 20 and 30 million".
_BARE_RANGE_START = re.compile(
    r"(?i)\b(?:between|from|zwischen|von|entre|de)\s+[$€£]?\d[\d.,]*\s*(?:and|to|-|–|und|bis|et|à)\s*$"
)


def _without_range_end(event: DealEvent, _sentences: list[Sentence], language: str) -> DealEvent:
    """An amount that is one end of a range its sentence states is none: ranges have no amount, by the
    labelling rules (the rules skip a range's first figure and take its second)."""
    if event.amount is None:
        return event
    money = find_money(event.evidence, language)
    for first, second in itertools.pairwise(money):
        if _RANGE_JOIN.fullmatch(event.evidence[first.end : second.start]) and event.amount in {
            first.amount,
            second.amount,
        }:
            return replace(event, amount=None, currency=None, amount_usd=None)
    for end in money:
        if end.amount == event.amount and _BARE_RANGE_START.search(
            event.evidence[max(0, end.start - 40) : end.start]
        ):
            return replace(event, amount=None, currency=None, amount_usd=None)
    return event


# A sum that says what a company is worth, written before it: "investing in the 2 billion euro ($2.1
# billion), 10-month-old business", "the $4 billion AI startup": its valuation, never the deal's amount.
_COMPANY_WORTH = re.compile(
    r"(?i)\s*(?:\([^)]{0,30}\)\s*)?,?\s*"
    r"(?:(?!(?:for|to|in|into|of|from|the|its|their|a|an|with|by|and|at|on|as|dans|la|le|les|une?|du|des|de|"
    r"à|pour|en|chez|auprès|im|an|am|bei|für|von|vom|der|die|das|den|dem|eine[mn]?|mit|zu|zum|zur)\b)"
    r"[\w-]+\s+){0,2}?"
    r"(?:business|company|startup|start-up|firm|unicorn|entreprise|société|unternehmen)\b"
)


def _without_company_worth(event: DealEvent, sentences: list[Sentence], language: str) -> DealEvent:
    """An amount its story writes before a company, as what the company is worth, is none."""
    if event.amount is None:
        return event
    for text in (event.evidence, *(s.text for s in sentences[:LEAD_SENTENCES])):
        for money in find_money(text, language):
            if money.amount == event.amount and _COMPANY_WORTH.match(text, money.end):
                return replace(event, amount=None, currency=None, amount_usd=None)
    return event


# The sum right after a verb of raising is the round's, whatever valuation came before it: "is now valued
# at $2 billion after raising $150 million" (the rules skip any figure after a valuation word).
_RAISED = re.compile(
    r"(?i)\b(?:raising|raised|raises|securing|secured|landing|landed)\s+(?:about |nearly |some )?$"
)


def _with_amount_raised(event: DealEvent, _sentences: list[Sentence], language: str) -> DealEvent:
    if event.subtype != "funding" or event.amount is not None:
        return event
    for money in find_money(event.evidence, language):
        if _RAISED.search(event.evidence[max(0, money.start - 30) : money.start]):
            return _priced(event, money)
    return event


def _without_valuation_as_amount(event: DealEvent, _sentences: list[Sentence], _language: str) -> DealEvent:
    """A sum the rules read as both the deal's amount and the company's valuation is the valuation: by the
    labelling rules never the amount ("Quillon's investment in Orvane values it at $2B")."""
    if event.amount is None or event.amount != event.valuation:
        return event
    return replace(event, amount=None, currency=None, amount_usd=None)


_AMOUNT_STEPS = (
    _without_valuation_as_amount,
    _with_amount_raised,
    _with_amount_from_lead,
    _with_currency_from_lead,
    _with_deal_value,
    _with_round_not_total,
    _with_precise_amount,
    _without_implausible_amount,
    _without_range_end,
    _without_company_worth,
)
