"""One story's deals, decided once the models have weighed them: which names a deal keeps, which events
tell one deal, and which are another event's side. Pure, over plain events; no model, no I/O.

The rules read a story one sentence at a time, so one deal often comes out as several events (its headline,
the sentence naming its lead investor, the one naming what was bought) and a name read in the wrong role.
These are the story-level rules that put it back together, in the shapes the labelling rules give deals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from pipeline.classify import lexicon as lx
from pipeline.classify.completion import lists_of
from pipeline.classify.people import is_given_and_surname, is_given_name
from pipeline.classify.vetting import KNOWN_KEYS, mentions_of, opens_a_sentence, zipf
from pipeline.deals import compatible_amounts, same_deal, shared_companies
from pipeline.names import company_key, same_company
from pipeline.records import DealEvent


def with_acquisitions_told_once(events: list[DealEvent]) -> list[DealEvent]:
    """The events with each acquisition told once: without the partnerships that are a side of an
    acquisition the story tells (a company bought, or buying, is in no partnership with its buyer: "HP in
    talks to buy Humane" reads to the rules as a partnership), and without the rounds a story of an
    acquisition tells in the past perfect, the history of the company bought ("Apple buys machine learning
    startup ... Laserlike had raised more than $24 million"), whose company the acquisition takes as its
    target where it names none."""
    acquired = [e.parties for e in events if e.subtype == "acquisition"]
    history = [e for e in events if acquired and e.subtype == "funding" and _HAD_RAISED.search(e.evidence)]
    return [
        _with_target_from_history(e, history)
        for e in events
        if not (e.type == "partnership" and any(shared_companies(e.parties, parties) for parties in acquired))
        and e not in history
    ]


def _with_target_from_history(event: DealEvent, history: list[DealEvent]) -> DealEvent:
    """An acquisition naming no target is of the company whose earlier rounds the story tells ("Apple buys
    machine learning startup ..." and "Laserlike had raised ...")."""
    if event.subtype != "acquisition" or "target" in event.roles or len(history) != 1:
        return event
    raiser = next(iter(history[0].in_role("investee")), None)
    if raiser is None or any(same_company(raiser, p) for p in event.parties):
        return event
    return replace(event, parties=(*event.parties, raiser), roles=(*event.roles, "target"))


_HAD_RAISED = re.compile(r"(?i)\bhad (?:\w+ )?(?:raised|secured|received|landed|collected|banked)\b")


def same_deal_of_one_story(event: DealEvent, other: DealEvent) -> bool:
    """Whether two of one story's events tell one deal: as reports across outlets do (`same_deal`); two
    rounds that share two investors and no two amounts, whatever each names as raising (a sentence that
    tells who led the round reads to the rules as a round of its own, raised by its lead); an acquisition
    naming only its buyer and one naming only what was bought, with no two amounts."""
    if same_deal(event, other):
        return True
    if event.subtype != other.subtype or not compatible_amounts(event.amount_usd, other.amount_usd):
        return False
    if event.subtype == "funding":
        return shared_companies(event.in_role("investor"), other.in_role("investor")) >= 2
    # "Canva continues spending spree by buying ...", then "... acquired Leonardo.ai": a buyer told in one
    # sentence, what it bought in another
    return event.subtype == "acquisition" and {_roles(event), _roles(other)} == {
        frozenset({"acquirer"}),
        frozenset({"target"}),
    }


def with_launches_by_name(events: list[DealEvent]) -> list[DealEvent]:
    """The events with a launch whose product is told by what it is ("bringt KI-Übersetzung") left
    without it where the same maker's launch in the story names one ("eine KI-Funktion namens Lumen"): one
    launch, which the merge of a story's events then tells by its name."""
    named = [e for e in events if e.type == "launch" and e.product and not _described(e.product)]
    return [
        replace(e, product=None)
        if e.type == "launch"
        and _described(e.product)
        and any(same_company(p, q) for n in named for p in e.parties for q in n.parties if p and q)
        else e
        for e in events
    ]


# A product told by what it is: "KI-Übersetzung", "AI model", "Sprachmodell", or in lower case.
_DESCRIPTION = re.compile(r"(?i)(?:KI|AI|IA)[- ]\S+|(?:sprach)?modell|chatbot|assistent(?:in)?")


def _described(product: str | None) -> bool:
    if not product:
        return False
    return bool(_DESCRIPTION.fullmatch(product)) or product[:1].islower()


def _roles(event: DealEvent) -> frozenset[str]:
    return frozenset(event.roles)


def one_company_raising(parties: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A round's (name, role) pairs with one company raising, the first named: the others, merged in
    from a sentence about the round's lead, are its investors."""
    first = next((i for i, (_, r) in enumerate(parties) if r == "investee"), None)
    return [(p, "investor" if r == "investee" and i != first else r) for i, (p, r) in enumerate(parties)]


def parties_kept(
    event: DealEvent, weighed: list[tuple[float, str, str]], threshold: float
) -> list[tuple[str, str]]:
    """(name, role) of the parties the model keeps: a name stays when its weight reaches the threshold,
    and the likeliest stays whatever its weight (the rules found a deal, and a deal has a party); a launch
    keeps only that one (a launch is, nearly always, one maker's)."""
    if not weighed:
        return []
    ranked = sorted(weighed, reverse=True)
    if event.type == "launch":
        return [(ranked[0][1], ranked[0][2])]
    chosen = {ranked[0]}
    return [(p, r) for w, p, r in weighed if w >= threshold or (w, p, r) in chosen]


def with_list_mates(kept: list[tuple[str, str]], event: DealEvent, texts: list[str]) -> list[tuple[str, str]]:
    """(name, role) of the parties kept, and of every proposed party a sentence lists with one of them ("Air
    Liquide, Dassault Aviation, EDF et Valeo", "Accel, Lightspeed, Plural and General Catalyst"): the
    members of one list are one kind of party, so the model's weighing of one stands for all. A launch keeps
    its one maker."""
    names = {name for name, _ in kept}
    if event.type == "launch" or not names:
        return kept
    mates = {
        name
        for text in texts
        for listed in lists_of(text, list(event.parties))
        if names & set(listed)
        for name in listed
    }
    return [
        (name, role)
        for name, role in zip(event.parties, event.roles, strict=False)
        if name in names or name in mates
    ]


def one_name_per_company(parties: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, role) pairs with one name per company: a story names a company in full once and shortly after
    ("Cerebras Systems", "Cerebras"; "The New York Times", "The Times"), or names a unit of it ("WNS", "WNS
    India"); the name the deal gave first stays, unless it is the other cut off mid-word ("Fidelity
    Investments Ca", where a summary was cut short) or its last words only, when the whole name takes its
    place."""
    kept: list[tuple[str, str]] = []
    for name, role in parties:
        at = next(
            (
                i
                for i, (known, _) in enumerate(kept)
                if same_company(name, known)
                or is_cut_off(known, name)
                or is_cut_off(name, known)
                or is_tail_of(known, name)
                or is_tail_of(name, known)
            ),
            None,
        )
        if at is None:
            kept.append((name, role))
        elif is_cut_off(kept[at][0], name) or is_tail_of(kept[at][0], name) or is_firm_of(kept[at][0], name):
            kept[at] = (name, kept[at][1])
    return kept


def is_firm_of(short: str, whole: str) -> bool:
    """Whether `whole` is `short` with an investment firm's ending ("Quillon" and "Quillon Ventures"): a
    headline shortens the firm's name its text gives in full."""
    ending = whole[len(short) :]
    return whole.startswith(short + " ") and bool(lx.INVESTOR_FIRM.search(ending) or _PARTNERS.search(ending))


_PARTNERS = re.compile(r"\bPartners$")


def is_tail_of(short: str, whole: str) -> bool:
    """Whether `short` is the last words of `whole`, a name of several words ("York Times" or "The Times"
    of "The New York Times"): a story's second mention of a company, or a name that lost its first words."""
    short_words, whole_words = company_key(short).split(), company_key(whole).split()
    return 0 < len(short_words) < len(whole_words) and whole_words[-len(short_words) :] == short_words


def is_cut_off(short: str, whole: str) -> bool:
    """Whether `short` is `whole` cut in the middle of a word after its first ("Business Dev"); a one-word
    name that starts another ("Google", "Googleplex") is a name of its own."""
    return (
        " " in short and len(short) < len(whole) and whole.startswith(short) and whole[len(short)].isalnum()
    )


# One name of a list standing between a cue and the mention ("informations du Point et des Echos", "von Meta
# und Google"): capitalised, so "to take on the odds and Velmora" lists nothing.
_LIST_MEMBER_AND = r"(?-i:[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,2}) (?:and|und|et|or|ou) "


# A company named as the one another rivals, or as what a deal helps beat, is a bystander of the deal:
# "Microsoft allies with OpenAI rival Mistral AI" (Mistral AI is the rival, OpenAI the bystander), "a rival to
# OpenAI", "to expand beyond OpenAI", "funds to beat OpenAI"; so is a company named only as someone's past
# or affiliation ("the former Databricks AI chief", "ex-Google researchers", "Skype co-founder Jaan Tallinn"),
# or as another bystander's backer in a relative clause ("OpenAI, which is backed by Microsoft"), or as the
# lead of an earlier round ("follows a previously undisclosed Series A round led by Andreessen Horowitz").
_RIVAL_BEFORE = re.compile(
    r"(?i)\b(?:rivals? (?:to|of)|competitors? (?:to|of)|compet(?:e|es|ing) with|challengers? to|"
    r"(?:to |and )?(?:beat|take on|catch up with|expand beyond|beyond|versus|vs\.?|against)|"
    r"concurrents?(?: de)?|face à|Konkurrenten?|Rivalen?|gegen|"
    r"(?:former|ehemalige[nmrs]?|frühere[nmrs]?|ancien(?:ne)?s?)(?:(?: \w+){1,4} (?:of|at|von|bei|de|chez))?|"
    r"ex-|previously (?:at|with)|alumni of|veterans? of|spun out of|worked at|left|"
    r"absent from (?:this|the) list (?:is|are|was|were)|"
    r"(?:exclusive|existing|longtime|long-time|current) partner,?|"
    r"(?:previous|previously undisclosed|earlier|prior|last) (?:[\w-]+ ){0,2}(?:round|funding) "
    r"(?:led by|from)|"
    r"which (?:is|was) (?:also )?(?:backed|owned|funded) by)"
    rf"\s*(?:the\s+|de\s+)?(?:{_LIST_MEMBER_AND})?$"
)
_RIVAL_AFTER = re.compile(
    r"(?i)^(?:['’]s)?\s+(?:rivals?|competitors?|challengers?|concurrents?|Konkurrenten?|"
    r"(?:\w+\s+)?(?:co-?founder|founder|scientist|researcher|engineer|alumn\w*|veteran|Gründer|fondateur))\b"
)


# A news outlet named as the one reporting: "according to the Financial Times", "confirmant des
# informations du Point et des Echos", "rapportaient mercredi le Financial Times et le New York Times",
# "Source: The Guardian", "Bloomberg reported".
_ARTICLE = r"(?:the|le|la|les|l['’]|du|des|der|die|das|dem|den)"
_REPORTING_BEFORE = re.compile(
    r"(?i)\b(?:according to|reported by|first reported by|as reported in|told|selon|d['’]après|laut|"
    r"informations? (?:du|des|de la|de l['’]|of)|rapport(?:e|ait|aient|ent)(?: \w+)?|"
    r"berichtete?n?(?: \w+)?|source:|wrote in)"
    rf"\s*(?:{_ARTICLE}\s*)?(?:{_LIST_MEMBER_AND}(?:{_ARTICLE}\s*)?)?$"
)
_REPORTING_AFTER = re.compile(
    r"^(?:['’]s)?,?\s+(?:first |previously |earlier |also |has |had )?(?:reported|reports|reporting|"
    r"wrote|rapporte|rapportait|a rapporté|révèle|berichtet|berichtete|meldet|meldete)\b"
)
# A chip's or a model's code is a product, not a party: "MI300X", "H100", "GB200" ("G42" is a company).
_PRODUCT_CODE = re.compile(r"[A-Z]{1,3}\d{3,}[A-Z]{0,3}")
# Short forms of what a company does or is, not of a company: "ML" of "MLCommons™", "VC", "M&A".
_SHORT_FORMS = frozenset(
    {
        "AI",
        "ML",
        "KI",
        "IA",
        "VC",
        "API",
        "APIs",
        "LLM",
        "LLMs",
        "GPU",
        "GPUs",
        "IPO",
        "M&A",
        "R&D",
        "SaaS",
        "GAAP",
    }
)
# A span of time opening a sentence reads as a name: "Vier Wochen altes KI-Start-up ..." (four weeks old).
_DURATION = re.compile(
    r"(?i)(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|ein|eine|zwei|drei|vier|fünf|sechs|"
    r"sieben|acht|neun|zehn|zwölf|un|une|deux|trois|quatre|cinq|sept|huit|neuf|dix|douze)\s+"
    r"(?:days?|weeks?|months?|years?|tage?n?|wochen?|monate?n?|jahre?n?|jours?|semaines?|mois|ans|années?)"
)


def without_bystanders(
    parties: list[tuple[str, str]], texts: list[str], language: str | None
) -> list[tuple[str, str]]:
    """(name, role) pairs without the names that every mention in the story shows as a bystander, and
    without a person named beside the firm that is the party ("Jeff Bezos (Bezos Expeditions)"). None left
    says the deal is none of the story's own: a round "raised" by the company its founders left."""
    names = [name for name, _ in parties]
    return [
        (name, role)
        for name, role in parties
        if not _is_bystander(name, texts, language) and not _beside_its_vehicle(name, names, texts)
    ]


def _beside_its_vehicle(name: str, names: list[str], texts: list[str]) -> bool:
    """Whether every mention of the name is followed by another party's name in brackets: the person or
    the parent named for the firm that made the deal."""
    others = {company_key(n) for n in names if n != name}

    def vehicle_after(text: str, _start: int, end: int) -> bool:
        bracketed = re.match(r"\s*\(([^()]{2,60})\)", text[end : end + 64])
        return bracketed is not None and company_key(bracketed.group(1)) in others

    mentions = mentions_of(name, texts)
    return bool(mentions) and all(vehicle_after(*mention) for mention in mentions)


def _is_bystander(name: str, texts: list[str], language: str | None) -> bool:
    """Whether every mention shows the name as a rival, someone's past employer or affiliation, or the
    outlet reporting the news; or, unless it is a known company, whether it is a product's code, a span of
    time ("Vier Wochen") or a short form of what companies do ("ML", "VC"), or every mention shows it as a
    known company's product or unit (not a person named after it), a word describing another company, or a
    common word opening a phrase about someone else."""
    mentions = mentions_of(name, texts)
    if not mentions:
        return False

    def every_mention(shows: Callable[[str, int, int], bool]) -> bool:
        return all(shows(text, start, end) for text, start, end in mentions)

    if every_mention(_as_a_rival) or every_mention(_as_the_reporter):
        return True
    if company_key(name) in KNOWN_KEYS:
        return False
    if _PRODUCT_CODE.fullmatch(name) or _DURATION.fullmatch(name) or name in _SHORT_FORMS:
        return True
    return (
        (not is_given_name(name.split(maxsplit=1)[0]) and every_mention(_after_a_known_company))
        or every_mention(_as_a_product)
        or every_mention(_describing_another)
        or (name.isalpha() and zipf(name, language or "en") >= 4.0 and every_mention(_opening_a_phrase))
    )


def _as_the_reporter(text: str, start: int, end: int) -> bool:
    return bool(
        _REPORTING_BEFORE.search(text[max(0, start - 80) : start])
        or _REPORTING_AFTER.match(text[end : end + 40])
    )


def _as_a_rival(text: str, start: int, end: int) -> bool:
    return bool(
        _RIVAL_BEFORE.search(text[max(0, start - 90) : start]) or _RIVAL_AFTER.match(text[end : end + 30])
    )


# The words right before a mention, with a possessive: "Amazon Bedrock", "Mistral Large", "IBM Middle
# East", "Meta's Llama" (but not "Google Eric Schmidt" in "l'ancien chef de Google Eric Schmidt": a person).
_OWNER_BEFORE = re.compile(r"((?:[A-Z][\w.&-]* ){0,2}[A-Z][\w.&-]*)(?:['’]s)? $")


# A product's marks around a name: a version or a model size after it ("Claude 3 Opus", "Llama 2", "GPT-4o",
# "Mixtral 8x7B"), the kind of product after it ("Llama models"), or before it what products are ("based on
# Llama", "powered by", "its flagship family of models, known as FLUX"; companies are based in places).
_PRODUCT_AFTER = re.compile(
    r"(?:\s|-)?(?:v?\d+(?:\.\d+)*[A-Za-z]?|\d+x\d+B)\b|\s+(?:models?|chatbot|assistant|LLMs?)\b"
)
_PRODUCT_BEFORE = re.compile(
    r"(?:\b(?:based|built|trained|running) on|\bpowered by|"
    r"\b(?:models?|chatbots?|products?|tools?|assistants?|apps?|chips?),? (?:known as|called|named|dubbed))"
    r"\s*$"
)


def _as_a_product(text: str, start: int, end: int) -> bool:
    return bool(_PRODUCT_AFTER.match(text, end) or _PRODUCT_BEFORE.search(text[max(0, start - 40) : start]))


def _after_a_known_company(text: str, start: int, _end: int) -> bool:
    match = _OWNER_BEFORE.search(text[max(0, start - 60) : start])
    if match is None:
        return False
    words = match.group(1).split()
    return any(company_key(" ".join(words[i:])) in KNOWN_KEYS for i in range(len(words)))


# A noun for a company right after a name, in lower case: the name describes it ("The Cupertino tech giant",
# "Chinese-founded AI startup Manus", "Toyota Motor Corp. supplier Denso", "Santander venture capital fund
# Mouro Capital").
_DESCRIBED_COMPANY_AFTER = re.compile(
    r"(?:\s+(?:Corp|Inc|Co|Ltd|LLC)\.?)?\s+(?:[a-z]+\s+){0,2}"
    r"(?:giant|company|firm|startup|start-up|maker|group|conglomerate|supplier|subsidiary|affiliate|unit|"
    r"division|fund)\b"
)


def _describing_another(text: str, _start: int, end: int) -> bool:
    return bool(_DESCRIBED_COMPANY_AFTER.match(text, end))


def _opening_a_phrase(text: str, start: int, end: int) -> bool:
    """A sentence or clause opens with the name and goes on in lower case ("Global news publisher Axel
    Springer", "Summary: Major technology firms")."""
    return opens_a_sentence(text, start) and bool(re.match(r" [a-z]", text[end : end + 2]))


def with_maker_and_product_in_place(event: DealEvent) -> DealEvent:
    """A launch whose product is a known company and whose one party is not ("Opus" launched, its product
    "Amazon", from "Claude 3 Opus is now available on Amazon Bedrock"; "Copilot" launched by "Microsoft")
    has the two the wrong way round: the company launched the product."""
    product = event.product or ""
    if (
        len(event.parties) != 1
        or company_key(product) not in KNOWN_KEYS
        or company_key(event.parties[0]) in KNOWN_KEYS
    ):
        return event
    return replace(event, parties=(product,), roles=("launcher",), product=event.parties[0])


# A product name ends at a headline's separator ("Sora: The text-to-video model", "Gemini - SCI & TECH").
_PRODUCT_END = re.compile(r"\s*(?::|\s[-–—|]\s).*$")
# Words that say what a product is like, not which one it is: "ChatGPT-style", "AI-powered".
_DESCRIPTIVE = re.compile(r"(?i)-(?:style|powered|based|generated|driven|like|enabled|native|first)$")


def with_product_named(event: DealEvent) -> DealEvent:
    """A launch whose product is read as a name: cut at a headline's separator ("Sora: The" is "Sora"), and
    none where what was read is no product's name (a description, "ChatGPT-style" or "AI-powered"; words in
    lower case only, "research preview"; a company, known or the launch's own, "OpenAI" launched by
    "OpenAI"; a person, "Scott Guthrie"; the start of a known company's name cut off, "Googl")."""
    product = _PRODUCT_END.sub("", event.product or "").strip()
    key = company_key(product)
    if (
        not product
        or _DESCRIPTIVE.search(product)
        or not any(c.isupper() or c.isdigit() for c in product)
        or key in KNOWN_KEYS
        or any(key == company_key(party) for party in event.parties)
        or _is_persons_name(product)
        or _cut_off_company(key)
    ):
        return replace(event, product=None) if event.product is not None else event
    return replace(event, product=product) if product != event.product else event


def _is_persons_name(product: str) -> bool:
    """A given name and a surname ("Scott Guthrie"); not a product named like a person and numbered ("Nova
    2", "Claude 3")."""
    return is_given_and_surname(product)


def _cut_off_company(key: str) -> bool:
    """Whether a name's key is the start of a known company's, cut off ("googl")."""
    return len(key) >= 3 and any(known != key and known.startswith(key) for known in KNOWN_KEYS)
