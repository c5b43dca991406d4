"""Vetting what the rules propose: names that cannot be a deal's party and launches that are not launches.
Pure.

The rules read any run of capitalised words as an organisation and any launch verb as a launch. Most of
what that gets wrong has a shape a reader sees at once: a person ("CEO Sam Altman", "Altman said"), a
capitalised common word ("Through", "Personen", "L'objectif"), a newswire ("PRNewswire"), a headline
fragment ("Top Universities Amid"), a launch of a fund or a plan, a launch the company only intends. Each
check here names one such shape, so a wrong veto can be traced to its reason.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from pipeline.classify import lexicon as lx
from pipeline.classify.amounts import CURRENCY_CODES
from pipeline.classify.entities import KNOWN_ORGANISATIONS
from pipeline.classify.organisations import WELL_KNOWN_ORGANISATIONS
from pipeline.classify.people import is_given_and_surname, is_given_name
from pipeline.classify.places import is_place
from pipeline.names import company_key, fold
from pipeline.records import DealEvent

# the organisations the rules know, and those the learned classifier knows besides (`organisations.py`)
RULES_KNOWN_KEYS = frozenset(company_key(n) for n in KNOWN_ORGANISATIONS)
KNOWN_KEYS = RULES_KNOWN_KEYS | frozenset(company_key(n) for n in WELL_KNOWN_ORGANISATIONS)

# A job title right before a name, or opening it: the name is a person's.
_TITLE = (
    r"(?:CEO|COO|CFO|CTO|CMO|CIO|CSO|chief(?: \w+)? officer|chief executive|co-?founder|founder|"
    r"(?:vice[- ])?president|"
    r"chair(?:man|woman)?|(?:prime )?minister|secretary|senator|governor|mayor|director|(?:general )?manager|"
    r"analyst|professor|researcher|head of|spokes(?:man|woman|person)|PDG|directeur|directrice|"
    r"président|fondateur|ministre|Chef|Chefin|Gründer|Vorstandschef|Vorstandssprecher|Konzernchef|Firmenchef|Geschäftsführer|Minister)"
)
_TITLE_BEFORE = re.compile(rf"\b{_TITLE},?\s+(?:and\s+)?$", re.IGNORECASE)
# After a given name and a surname: "who", or a job title in apposition ("Jon Tinter, Corporate Vice
# President of ...", "Jérôme Fenoglio, son directeur"); companies are "which" and have no titles.
_TITLE_AFTER = re.compile(
    rf"^,?\s+(?:who\b|(?:the |its |their |son |sa |der |die )?(?:[\w-]+\s+){{0,2}}?{_TITLE}\b)", re.IGNORECASE
)
_TITLE_INSIDE = re.compile(rf"^(?:[\w.&-]+\s+){{0,3}}?{_TITLE}\b", re.IGNORECASE)
_SAID_AFTER = re.compile(
    r"^(?:,\s[^,]{1,80},)?\s+"
    r"(?:said|says|told|wrote|added|explained|noted|sagte|erklärte|a déclaré|a indiqué)\b"
)
_WIRES = re.compile(
    r"(?i)newswire|business wire|globe ?newswire|accesswire|kyodo|\bnyse\b|nasdaq|daily brief"
)
# Words that end a headline's subject and start its predicate: a "name" holding one is a headline fragment.
_PREDICATE_WORDS = frozenset(
    [
        "in",
        "to",
        "for",
        "with",
        "amid",
        "on",
        "at",
        "by",
        "from",
        "as",
        "after",
        "over",
        "into",
        "signs",
        "boost",
        "boosts",
        "builds",
        "launches",
        "deal",
        "deals",
        "says",
        "takes",
        "unveils",
        "raises",
        "buys",
        "acquires",
        "invests",
        "gets",
        "wins",
    ]
)
_HONORIFIC = re.compile(r"^(?:(?:Prof|Dr|Mr|Mrs|Ms|Mme)\.?|Sir|Dame|Lord|Herr|Frau|M\.)\s+[A-Z]")
_ELIDED_ARTICLE = re.compile(r"^(?:L|D|Qu)['’]", re.IGNORECASE)
_COUNT_OF = re.compile(
    r"^(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Both|Several|Some|Many|Most|All|Each|Zwei|Drei|Deux|"
    r"Trois)\s+(?:of|von|de|des|der)\b"
)
# Zipf frequency (wordfreq) above which a lone capitalised word is more likely a word than a name:
# "Through" 5.6, "Personen" (de) 5.2; "Mistral" 2.6, "Cohere" 2.0. Known organisations are exempt.
_COMMON_WORD = {"de": 3.5, "fr": 4.0}
_COMMON_WORD_DEFAULT = 4.5

# Launch objects and contexts that are no AI product launch by the labelling rules.
_NOT_PRODUCT = (
    r"\b(?:fund|funds|consortium|partnership|joint venture|alliance|incubator|accelerator|programme?|"
    r"initiative|plan|data ?cent(?:er|re)|dataset|results|benchmark|jobs|sum|money|campus|school)\b"
)
# Places and bodies, which rules 5 and 10 count no launch ("launches AI research lab in Paris", "launches AI
# ethics board", "unveils new logo"): only where no product is named, since products bear such words
# ("Qualcomm AI Hub", "Copilot for Office").
_NOT_PRODUCT_UNNAMED = re.compile(
    r"(?i)\b(?:lab|labs|laborator(?:y|ies)|research cent(?:er|re)|hub|office|offices|headquarters|institute|"
    r"board|council|committee|logo|brand|campaign)\b"
)
_NOT_LAUNCHED = re.compile(_NOT_PRODUCT, re.IGNORECASE)
_INTENDED = re.compile(
    r"(?i)(?:\b(?:to (?:develop|build) and|enable (?:us|it|them) to|plans? to|planning to|aims? to|hopes? to|"
    r"intends? to|in order to|would|could|might)\s+(?:\w+\s+)?(?:launch|release|unveil|introduce|debut)|"
    r"\b(?:impending|upcoming|imminent|rumou?red|delayed?|nears?|pushes back)\b"
    r"[^.]{0,40}\b(?:launch|release)|"
    r"\b(?:launch|release)\w*\s+(?:nears|rumou?rs|delay))"
)

_DESCRIPTION = re.compile(r"(?i)[\w.]+-(?:maker|makers|founded|based|backed|owned|led|funded|listed|born)")
# Words the rules read as names that never name a company in deal news: technologies, and regions that
# stand for an industry.
_NOT_COMPANIES = frozenset(
    [
        "genai",
        "gen ai",
        "llm",
        "llms",
        "agi",
        "ai",
        "ki",
        "ia",
        "gpu",
        "gpus",
        "iot",
        "saas",
        "silicon valley",
        "wall street",
        "bay area",
    ]
)
# "Humane's AI Pin": a company's thing; a name ending in 's ("Moody's") is still a name.
_POSSESSIVE_INSIDE = re.compile(r"['’]s\s+\w")
# A sum of money read as a name ("Milliardenbetrag", "Millionensumme").
_SUM_OF_MONEY = re.compile(r"(?i)^(?:milliard|million|billion)\w*(?:betrag|summe|investition)$")
_ENDED = re.compile(
    r"(?i)\b(?:ends?|ended|ending|terminat\w+|scraps?|scrapped|abrupt end|pull(?:s|ed)? out of|"
    r"walks? away from|beendet|met fin à|rompt)\b[^.]{0,40}"
    r"\b(?:partner\w*|deal|collaboration|alliance|agreement|kooperation|partenariat|accord)"
)


def vet(events: tuple[DealEvent, ...], sentences: list[str], language: str | None) -> tuple[DealEvent, ...]:
    """The events with names that cannot be parties dropped, and without launches that are none; an
    event whose every party was dropped goes too (an investment in no one, a launch by no company)."""
    kept: list[DealEvent] = []
    orphaned: list[DealEvent] = []
    for event in (_without_person_as_maker(e) if e.type == "launch" else e for e in events):
        if (
            (
                event.type == "launch"
                and (launch_veto(event) or product_described_as_none(event.product or "", sentences))
            )
            or (event.type == "partnership" and partnership_veto(event))
            or (event.type == "investment" and investment_veto(event))
        ):
            continue
        vetoes = [party_veto(party, sentences, language) for party in event.parties]
        pairs = [
            (party, role)
            for party, role, veto in zip(event.parties, event.roles, vetoes, strict=False)
            if not veto
        ]
        if _person_bought(event, vetoes, pairs):
            continue
        if event.parties and not pairs:
            orphaned.append(event)
            continue
        kept.append(replace(event, parties=tuple(p for p, _ in pairs), roles=tuple(r for _, r in pairs)))
    return tuple(_with_orphaned_amounts(kept, orphaned))


def _without_person_as_maker(launch: DealEvent) -> DealEvent:
    """A launch without a person as its maker ("Elon Musk launches new Grok AI chatbot"): a launch is a
    company's, by the labelling rules, and another telling of it in the story names the company."""
    makers = [(p, r) for p, r in zip(launch.parties, launch.roles, strict=False) if not _is_persons_name(p)]
    if len(makers) == len(launch.parties):
        return launch
    return replace(launch, parties=tuple(p for p, _ in makers), roles=tuple(r for _, r in makers))


def _is_persons_name(name: str) -> bool:
    """A given name and a surname, as people are written ("Elon Musk", "Satya Nadella"); not a company
    whose first word is a given name ("Meta Platforms", "Georgia Tech", "Jasper Chat": a known company, or a
    common word after it)."""
    words = name.split()
    return (
        is_given_and_surname(name)
        and zipf(words[1], "en") < _SURNAME_COMMONNESS
        and company_key(words[0]) not in KNOWN_KEYS
        and name not in KNOWN_ORGANISATIONS
        and not lx.ORGANISATION_ENDING.search(name)
    )


# A surname is rarer than this as an English word ("Musk" 3.5, "Platforms" 4.2, "Tech" 4.7).
_SURNAME_COMMONNESS = 4.0


def _person_bought(event: DealEvent, vetoes: list[str | None], kept: list[tuple[str, str]]) -> bool:
    """An acquisition whose only target is a person hires an executive ("Apple has snapped up John
    Giannandrea, who today stepped down as Google's head of AI"): no deal, by the labelling rules."""
    return (
        event.subtype == "acquisition"
        and not any(role == "target" for _, role in kept)
        and any(
            role == "target" and (veto or "").startswith("a person")
            for role, veto in zip(event.roles, vetoes, strict=False)
        )
    )


def _with_orphaned_amounts(kept: list[DealEvent], orphaned: list[DealEvent]) -> list[DealEvent]:
    """An investment whose only party was a stray word most often told the amount of the story's one other
    investment, which the rules read as a second deal: the amount goes to it."""
    for lost in orphaned:
        if lost.type != "investment" or lost.amount is None:
            continue
        same_kind = [i for i, e in enumerate(kept) if e.type == "investment"]
        if len(same_kind) == 1 and kept[same_kind[0]].amount is None:
            index = same_kind[0]
            kept[index] = replace(
                kept[index], amount=lost.amount, currency=lost.currency, amount_usd=lost.amount_usd
            )
    return kept


def party_veto(name: str, sentences: list[str], language: str | None) -> str | None:
    """Why a name cannot be a deal's party, or None."""
    if company_key(name) in KNOWN_KEYS:
        return None
    return (
        _shape_veto(name, sentences, language)
        or _person_veto(name, sentences)
        or _context_veto(name, sentences, language)
    )


# A name's words that only start another's description: "Abu" of "Abu Dhabi-based", "Ashton" of "Ashton
# Kutcher-backed" (the rules end a name before such a word).
_DESCRIBED_AFTER = re.compile(r" [A-Z][\w]*-(?:based|backed|owned|led|founded|funded|headquartered)\b")
_OPENING_WORD_AFTER = re.compile(r"[,:]")
_SENTENCE_START = re.compile(r"(?:^|[.!?:|–-]\s+|\n\s*)$")


def _context_veto(name: str, sentences: list[str], language: str | None) -> str | None:
    """Names that every mention shows to be something else."""
    mentions = mentions_of(name, sentences)
    if not mentions:
        return None
    if all(_DESCRIBED_AFTER.match(sentence, end) for sentence, _, end in mentions):
        return "the start of a description of another name"
    # "Interestingly, ...", "Separately, ...", "Summary: ...": a common word opening a sentence
    if (
        " " not in name
        and zipf(name, language or "en") >= 3.0
        and all(
            opens_a_sentence(sentence, at) and _OPENING_WORD_AFTER.match(sentence, end)
            for sentence, at, end in mentions
        )
    ):
        return "a word opening a sentence"
    return None


def mentions_of(name: str, texts: list[str]) -> list[tuple[str, int, int]]:
    """(text, start, end) of each mention of the name as a word of its own."""
    return [(text, at, at + len(name)) for text in texts for at in _whole_word_at(text, name)]


def opens_a_sentence(text: str, at: int) -> bool:
    """Whether what stands at `at` opens a sentence, a line or a clause after a colon or a dash."""
    return bool(_SENTENCE_START.search(text, max(0, at - 10), at))


def _whole_word_at(text: str, name: str) -> list[int]:
    """Where the name stands in the text as a whole word (not inside "X-Corp" or "Xerox")."""
    found = []
    at = text.find(name) if name else -1
    while at >= 0:
        end = at + len(name)
        before_ok = at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "-_")
        after_ok = end == len(text) or not (text[end].isalnum() or text[end] in "-_")
        if before_ok and after_ok:
            found.append(at)
        at = text.find(name, end)
    return found


def _shape_veto(name: str, sentences: list[str], language: str | None) -> str | None:
    words = name.split()
    reason = None
    if _TITLE_INSIDE.match(name) or _HONORIFIC.match(name):
        reason = "a job title or an honorific: a person"  # "CEO Jane Doe", "Prof David Silver"
    elif _WIRES.search(name) or fold(name) in lx.NEWS_SOURCES:
        reason = "a newswire, exchange or outlet"
    elif len(words) >= 3 and any(fold(w) in _PREDICATE_WORDS for w in words[1:]):
        reason = "a headline fragment"
    elif _ELIDED_ARTICLE.match(name):
        reason = "an article and a common word"
    elif _COUNT_OF.match(name):
        reason = "a count of things, not a name"  # "Two of Japan" of "Two of Japan's most promising firms"
    elif _DESCRIPTION.fullmatch(name) or _is_abbreviated_description(name, language):
        reason = "a description, not a name"  # "ChatGPT-maker", "Chinese-founded", "US-Konzern"
    elif fold(name) in _NOT_COMPANIES:
        reason = "a technology or a region, not a company"
    elif is_place(name):
        reason = "a place"
    elif _POSSESSIVE_INSIDE.search(name):
        reason = "a possessive phrase"  # "Humane's AI Pin": a thing of a company, not one
    elif name in CURRENCY_CODES or lx.DATE_WORD.fullmatch(name) or _SUM_OF_MONEY.match(name):
        reason = "a currency, a sum or a date"
    elif lx.ORGANISATION_ARM.fullmatch(name):
        reason = "an organisation's arm without its name"
    elif (
        len(words) == 1
        and name.isalpha()
        and is_common_word(name, language)
        # German capitalises every noun; elsewhere a word capitalised mid-sentence is a name ("Figure")
        and (language == "de" or not capitalised_mid_sentence(name, sentences))
    ):
        reason = "a common word"
    return reason


# "US-Konzern", "EU-Kommission", "KI-Firma": a country's or a field's short form and a common noun
_ABBREVIATED_PREFIX = re.compile(r"^[A-Z]{2,3}-(\w{3,})$")


def _is_abbreviated_description(name: str, language: str | None) -> bool:
    match = _ABBREVIATED_PREFIX.match(name)
    return match is not None and is_common_word(match.group(1).removesuffix("s").capitalize(), language)


def _person_veto(name: str, sentences: list[str]) -> str | None:
    if name.isalpha() and name.istitle() and _part_of_a_persons_name(name, sentences):
        return "a person (a given name or surname of a name the story gives in full)"
    # "said" follows companies too ("XtalPi said"): it marks a person only after a first and last name
    person_like = len(name.split()) == 2 and all(w.isalpha() and w.istitle() for w in name.split())
    for sentence in sentences:
        at = sentence.find(name)
        if at < 0:
            continue
        if _TITLE_BEFORE.search(sentence[max(0, at - 60) : at]):
            return "a person (a job title before the name)"
        after = sentence[at + len(name) : at + len(name) + 100]
        if person_like and _SAID_AFTER.match(after):
            return "a person (said)"
        if person_like and is_given_name(name.split(maxsplit=1)[0]) and _TITLE_AFTER.match(after):
            return 'a person (a job title or "who" after the name)'
    return None


def _part_of_a_persons_name(word: str, sentences: list[str]) -> bool:
    """ "Musk" where the story writes "Elon Musk", "Dario" where it writes "Dario Amodei": the surname or
    the given name of a person the story names in full, a given name first."""
    for sentence in sentences:
        for at in _whole_word_at(sentence, word):
            before = sentence[max(0, at - 30) : at].split()
            if before and is_given_name(before[-1]) and sentence[at - 1] == " ":
                return True
            after = sentence[at + len(word) : at + len(word) + 30]
            surname = re.match(r" ([A-Z][a-z]+)\b(?![-'’])", after)
            if (
                surname
                and is_given_name(word)
                and not is_common_word(surname.group(1), "en")
                and not lx.ORGANISATION_ENDING.match(surname.group(1))  # "Sierra Ventures"
            ):
                return True
    return False


def launch_veto(event: DealEvent) -> str | None:
    """Why a proposed launch is none, or None."""
    product = event.product or ""
    if product and not re.search(r"[^\W\d_]", product):
        return "its product is a number"
    launched = _launched_object(event.evidence, product)
    if _NOT_LAUNCHED.search(f"{product} {launched}") or (
        not product and _NOT_PRODUCT_UNNAMED.search(launched)
    ):
        return "what is launched is no product"
    if _INTENDED.search(event.evidence):
        return "a launch intended or rumoured, not made"
    if _LISTED.search(event.evidence):
        return "a debut on a stock exchange"
    return None


# A company's market debut is a listing, no launch: "Quillon debuts on Nasdaq".
_LISTED = re.compile(
    r"(?i)\bdebut(?:s|ed|ing)?\s+(?:on|at)\s+(?:the\s+)?(?:nasdaq|nyse|new york stock exchange|"
    r"stock (?:market|exchange)|\w+ stock exchange|bourse|börse|hkex|lse)"
)


def _launched_object(evidence: str, product: str) -> str:
    """The words from the launch cue to the product, and what an apposition says the product is:
    "releases a dataset ...", "released FACET, a dataset to probe ..." (the product itself left out)."""
    cue = lx.LAUNCH.search(evidence)
    if cue is None:
        return ""
    at = evidence.find(product, cue.end()) if product else -1
    if at < 0:  # no product named: the rest of the clause ("launches $70 million AI partnership")
        return re.split(r"[,.;:]\s", evidence[cue.end() : cue.end() + 80])[0]
    after = evidence[at + len(product) : at + len(product) + 60]
    # the noun right after the name says what it is too ("launches NextGenAI consortium", "releases
    # MLPerf™ Training v1.0 results": past the rest of the name)
    apposition = re.match(
        rf"{_REST_OF_NAME}(?:,?\s+(?:—\s+|-\s+)?(?:a|an|the|its)\s+[^,.;]*|\s+[a-z][\w-]*)", after
    )
    return evidence[cue.end() : at] + (apposition.group(0) if apposition else "")


# The rest of a product's name after the word the rules took: marks, capitalised words, a version.
_REST_OF_NAME = r"(?:[™®]|\s+(?:[A-Z0-9][\w.™®-]*|v\d[\w.]*))*"


def product_described_as_none(product: str, sentences: list[str]) -> bool:
    """Whether the story says elsewhere that the product is no product: "a new AI benchmark, FACET",
    "FACET, a dataset of 32,000 images"."""
    for sentence in sentences:
        at = sentence.find(product) if product else -1
        while at >= 0:
            end = at + len(product)
            whole_word = end == len(sentence) or not sentence[end].isalnum()
            if whole_word and (
                _NOT_PRODUCT_BEFORE.search(sentence, max(0, at - 40), at)
                or _NOT_PRODUCT_AFTER.match(sentence, end, end + 80)
            ):
                return True
            at = sentence.find(product, end)
    return False


_NOT_PRODUCT_BEFORE = re.compile(rf"{_NOT_PRODUCT}(?:,\s+|\s+(?:called|named)\s+)$", re.IGNORECASE)
_NOT_PRODUCT_AFTER = re.compile(
    rf",\s+(?:a|an|the|its)\s+(?:[\w-]+\s+){{0,3}}?{_NOT_PRODUCT}(?!['’])", re.IGNORECASE
)


def capitalised_mid_sentence(name: str, sentences: list[str]) -> bool:
    """Whether the name appears anywhere but a sentence's first word (the title, all capitals, is skipped)."""
    return any(sentence.find(name, 1) > 0 for sentence in sentences[1:])


# An offer turned down: by the labelling rules no event ("FuriosaAI rejects Meta's $800M bid").
_DECLINED = re.compile(
    r"(?i)\b(?:rejects?|rejected|rejecting|turns? down|turned down|turning down|spurns?|spurned|rebuffs?|"
    # "declined to comment on the offer" declines no offer
    r"rebuffed|(?:declines?|declined|refuses?|refused)(?!\s+to\b)|lehnt\w*\s+ab|abgelehnt|rejette|"
    r"rejeté\w*)\b[^.]{0,60}"
    r"\b(?:offers?|bids?|approach|takeover|proposal|angebot|übernahmeangebot|offre)\b"
)


def investment_veto(event: DealEvent) -> str | None:
    """Why a proposed investment is none, or None."""
    if is_declined_offer(event.evidence):
        return "an offer turned down"
    if _TALKS_FAILED.search(event.evidence) or _WALKED_AWAY.search(event.evidence):
        return "talks that failed or a deal given up"
    cue = lx.ANY_INVESTMENT_CUE.search(event.evidence)
    if cue and _NEGATED.search(event.evidence, max(0, cue.start() - 24), cue.start()):
        return "a deal its sentence says was not made"  # "it did not acquire Humanloop's assets"
    if event.subtype == "strategic_investment" and (
        _HOLDING_VALUED.search(event.evidence) or _DESCRIBED_BACKER.search(event.evidence)
    ):
        return "a stake already held, valued or described, not made"
    return _funding_veto(event) if event.subtype == "funding" else _public_money_or_spending(event)


def _funding_veto(event: DealEvent) -> str | None:
    if is_round_in_passing(event.evidence):
        return "a round told in passing, the sentence's news another"
    raisers = event.in_role("investee")
    if raisers and all(lx.INVESTOR_FIRM.search(p) for p in raisers):
        # "Northgate Capital raises almost $500mn to focus on AI": a VC firm's own fund, no investment by the
        # labelling rules
        return "an investment firm raising its own fund"
    return None


# A round told in passing, in a clause about the company whose news is another: "Orvane, which raised $100
# million last month, launches ...", "names new CEO after $2 billion funding round", "lays off staff despite
# $1 billion raise", "fresh off a $100 million raise, hires ...".
_ROUND_IN_PASSING = re.compile(
    r"(?i),\s*(?:which|that|who)\s+(?:has\s+|had\s+|recently\s+|just\s+)*(?:raised|closed|secured|landed)\b"
    r"[^,;]*(?:,|$)"
    r"|\b(?:the|an?)\s+[^,;]{0,60}?\b(?:which|that)\s+(?:has\s+|recently\s+)*raised\b[^,;]*"
    r"|\b(?:fresh off|on the heels of|after|despite|following|since)\s+(?:(?:its|a|an|the|closing|raising|"
    r"securing|landing|it raised)\s+)?[^,.;]{0,40}?\b(?:raise|round|funding|raising|financing)(?:\s+round)?\b"
)


# "Orvane valued at $2 billion after new funding": a worth the round gave, the round the news.
_WORTH_BEFORE = re.compile(r"(?i)\b(?:valu(?:ed|ing|ation)|worth)\b")


def is_round_in_passing(evidence: str) -> bool:
    """Whether every funding cue of a sentence stands in a clause that tells a round in passing."""
    first = _ROUND_IN_PASSING.search(evidence)
    if first is None or _WORTH_BEFORE.search(evidence, 0, first.start()):
        return False
    stripped = _ROUND_IN_PASSING.sub(" ", evidence)
    return not (lx.FUNDING_VERB.search(stripped) or lx.ROUND.search(stripped))


# Public money and money spent in a place: grants and a company's own spending are no investment by the
# labelling rules ("Quebec backs Mila with $100 million", "the federal government will invest $12 million
# in six research projects", "Amazon to invest $10 billion in North Carolina"). A state taking a stake
# ("the government will take a 10% stake in Intel") is an investor all the same.
_GOVERNMENT = re.compile(
    r"(?i)\b(?:government|ministry|minist[eè]re|ministerium|bundesregierung|regierung|gouvernement|"
    r"federal|department of|state of)\b"
)
_EQUITY = re.compile(r"(?i)\b(?:stakes?|shares|equity|beteiligung|anteile?|participation)\b")


def _public_money_or_spending(event: DealEvent) -> str | None:
    """A stake whose every investor is a place or a government, or whose every investee is a place. A
    round's investors are left alone: the rules list the places around them ("led by San Francisco
    venture-capital firm Data Collective"), which the parties' vetting drops."""
    if event.subtype != "strategic_investment":
        return None
    investors, investees = event.in_role("investor"), event.in_role("investee")
    if (
        investors
        and all(is_place(p) or _GOVERNMENT.search(p) for p in investors)
        and not _EQUITY.search(event.evidence)
    ):
        return "public money: a grant or a programme"
    if investees and all(is_place(p) for p in investees):
        return "money spent in a place"
    return None


# Talks that stalled or failed: no deal, by the labelling rules ("Talks between Apple and OpenAI over a
# partnership have stalled").
_TALKS_FAILED = re.compile(
    r"(?i)\b(?:talks|negotiations|discussions|gespräche|verhandlungen|négociations)\b[^.]{0,80}?"
    r"\b(?:stall(?:ed|s)?|broke down|break down|broken down|collapsed?|fell apart|fell through|"
    r"gescheitert|abgebrochen|ont échoué|échouent|rompues)\b"
)


# A stake told as one already held: its worth, its cost or its write-down ("Quillon's 10% stake in Orvane
# is now worth $20 billion", "its investment in Orvane reduced its profit", "wrote down its investment").
_HOLDING_VALUED = re.compile(
    r"(?i)\b(?:['’]s|its|their)\s+(?:[\w$.,%-]+\s+){0,3}?(?:stake|investment|holding)s?\s+in\b[^.;]{0,80}?"
    r"\b(?:(?:(?:is|are|was|were) (?:now )?|now )(?:worth|valued)|cost|reduced|lowered|lifted|boosted|"
    r"loss|losses|gain|gains|profit|write-?down)\b"
    r"|\b(?:writes?|wrote|written|marks?|marked) down\b"
)
# A company described by its backer in passing: "OpenAI, which is backed by Microsoft, ...", "Orvane, the AI
# startup backed by Quillon, launched": no news of a stake unless it is new ("désormais soutenu par").
_DESCRIBED_BACKER = re.compile(
    r"(?i)(?:\b(?:which|that|who)\s+(?:is|are|was|were|has been|have been)\s+(?:also\s+)?|,\s+(?:an?|the)\s+"
    r"[^,]{0,50}?)(?:backed|funded|soutenue?s?)\s+(?:by|par)\b(?![^.]{0,40}\b(?:now|newly|désormais))"
)


_NEGATED = re.compile(
    r"(?i)\b(?:not|never|didn['’]t|doesn['’]t|won['’]t|nicht|pas)\s+(?!only\b|just\b|merely\b)(?:\w+\s+)?$"
)


# A deal given up by its buyer: "walked away from its planned acquisition", "pulled out of the deal".
_WALKED_AWAY = re.compile(
    r"(?i)\b(?:walk(?:s|ed|ing)? away|pull(?:s|ed|ing)? out|back(?:s|ed|ing)? out|"
    r"drop(?:s|ped|ping)? (?:its|their|the) (?:bid|offer|plan))\b"
)


def is_declined_offer(text: str) -> bool:
    return bool(_DECLINED.search(text))


# A partnership a company already has: "via its OpenAI partnership", "its existing alliance with".
_HELD = re.compile(
    r"(?i)\b(?:its|their|his|her)\s+(?:existing\s+|long-?standing\s+|[A-Z][\w.-]*\s+)?(?:partnership|alliance)\b"
)


def partnership_veto(event: DealEvent) -> str | None:
    """Why a proposed partnership is none, or None."""
    if _ENDED.search(event.evidence):
        return "a partnership ended, not made"
    if _HELD.search(event.evidence):
        return "a partnership the company already has"
    if _TALKS_FAILED.search(event.evidence):
        return "talks that failed"
    if lx.ACQUISITION.search(event.evidence):
        # "signed a definitive agreement to acquire", "teamed up ... after it was acquired": the deal the
        # sentence tells is a purchase, an investment by the labelling rules
        return "an acquisition told as an agreement"
    return None


def is_common_word(word: str, language: str | None) -> bool:
    threshold = _COMMON_WORD.get(language or "en", _COMMON_WORD_DEFAULT)
    return zipf(word.strip("’'"), language or "en") >= threshold


@functools.lru_cache(maxsize=16384)
def zipf(word: str, language: str) -> float:
    """How common a word is in the language, on the Zipf scale (7 for "the", under 3 for rare words). The
    word as written, accents kept ("Künstliche"); wordfreq folds its case."""
    from wordfreq import zipf_frequency  # noqa: PLC0415 - its word lists load on first use

    return zipf_frequency(word, language if language in {"en", "de", "fr"} else "en", wordlist="small")
