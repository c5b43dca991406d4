"""The rules engine: reads a story sentence by sentence and says which deal events it reports. Pure.

How a story is read:
  1. its sentences: the title, then the summary and the text (repeats dropped); the title and the first
     sentences are the "lead", where a story states its own news;
  2. AI relevance: AI terms in the title and lead, an attribute like "AI-controlled" alone not counting;
  3. per sentence, the cues of each event type (lexicon.py), unless a guard says the sentence is about
     something else (capex, grants, funds, debt, denials, cancelled deals) or is background (a past date,
     "previously", "which has raised");
  4. for each cue: the parties around it, the amount closest to it that is not a valuation, range or upper
     bound, the round, the product; events of one type and the same parties are merged.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from pipeline.classify import lexicon as lx
from pipeline.classify.amounts import Money, find_money
from pipeline.classify.entities import KNOWN_ORGANISATIONS, find_names, unique_names
from pipeline.classify.rates import to_usd
from pipeline.classify.vetting import is_common_word
from pipeline.names import company_key, fold, same_company
from pipeline.records import Classification, DealEvent, Story
from pipeline.text import guess_language

CLASSIFIER_VERSION = "rules-2"
LEAD_SENTENCES = 4  # the title and the first three sentences of the body
# A story states its own news near the top; past this many sentences come quotes and background, which
# cost time to read and add false events.
MAX_SENTENCES = 30
# Whether a story is about AI at all is decided on its head (title and lead, and the sentences the language
# guess reads): most stories are not, and for them the rest is never split.
_HEAD_SENTENCES = LEAD_SENTENCES + 2
_MAX_CHARS = 20_000  # of summary or text split into sentences: far more than MAX_SENTENCES need
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“«(]?[A-ZÀ-Ý0-9])|\n+")
_ABBREVIATION = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|Mr|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|vs|No)\.$"
)
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+(?:[A-Z][\w.&' ]{1,30}|TechCrunch|Reuters|Explainer)$")
_TRUNCATION = re.compile(r"(?:…|\.\.\.)?\s*\[\+\d+ chars\]$|…$")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    index: int  # 0 is the title

    @property
    def lead(self) -> bool:
        return self.index < LEAD_SENTENCES


class RulesClassifier:
    """The default classifier: explainable rules, no model, nothing downloaded."""

    version = CLASSIFIER_VERSION

    def classify(self, story: Story) -> Classification:
        return classify_story(story)


def classify_story(story: Story) -> Classification:
    """The story's events, as rules-2 reads them."""
    return read_story(story)[0]


def read_story(story: Story, wider: bool = False) -> tuple[Classification, list[Sentence]]:
    """classify_story's result, and the sentences it read: the whole story's (split_story's) when it read
    on for events, else its head's. A caller that reads on gets them without cutting the story again.
    With `wider`, the learned classifier's wider reading (rules-2 stays as it was measured):
    - a story whose head does not say it is about AI still is when its body keeps returning to AI ("Nimbus
      Labs, an AI startup, ..." told below the lead), or when a lead sentence tells an investment beside an
      AI term (the deal of a company whose work is AI);
    - a clause whose stake cue finds no company invested in is read for a round ("steigt" in "hat eine
      Finanzierungsrunde über 300 Millionen Dollar abgeschlossen und steigt damit zur wertvollsten KI-Firma
      auf" is no stake taken);
    - a French partnership is also told by "s'associe à" (partners with);
    - an everyday verb among the stake cues ("put", "pump") tells a stake only with money after it;
    - an acquisition cue tells one only where something was bought: a company named after it, told by what
      it is or as "one of" some, the subject of a passive, or the story's deal referred to ("the
      acquisition"); "take over your browser" is none."""
    head = split_story(story, limit=_HEAD_SENTENCES, wider=wider)
    language = story.language or guess_language(" ".join(s.text for s in head[:6])) or "en"
    lead_sentences = [s.text for s in head if s.lead]
    lead_text = " ".join(lead_sentences)
    denied = bool((lx.WIDER_DENIAL if wider else lx.DENIAL).search(lead_text))
    rumor = denied or bool(lx.RUMOR.search(lead_text))
    owner = _site_owner(story.url)
    ai = is_ai_related(head) or (owner is not None and company_key(owner) in lx.AI_COMPANIES)
    if not ai and wider:
        # the body read as it is, not cut into sentences: most stories are not about AI, and cutting them
        # all would cost the fetch more than reading them
        ai = _investment_in_ai(lead_sentences) or (
            len(head) == _HEAD_SENTENCES
            and about_ai_in_body((story.text or story.summary or "")[:_BODY_CHARS])
        )
    if not ai or denied or lx.STALE_TITLE.search(head[0].text):
        return Classification(story.id, ai, rumor, (), CLASSIFIER_VERSION), head
    sentences = split_story(story, wider=wider) if len(head) == _HEAD_SENTENCES else head
    main = _main_organisations(sentences)
    events: list[DealEvent] = []
    for sentence in sentences:
        found = [
            *_investments(sentence, sentences, language, main, wider),
            *_partnerships(sentence, owner, wider, main),
            *_launches(sentence, owner, lead_sentences, main, wider=wider, language=language),
        ]
        if wider:
            found = [with_subject_before_apposition(e) for e in found]
        # background is checked only where a cue fired: most sentences have none
        if found and not _is_background(sentence, wider, story.published):
            events += found
    events = [
        replace(e, rumor=rumor, confidence=round(max(0.05, e.confidence - (0.15 if rumor else 0)), 2))
        for e in merge_events(events)
        if e.type != "investment" or e.parties
    ]
    return Classification(story.id, ai, rumor, tuple(events), CLASSIFIER_VERSION), sentences


# A sentence that opens with a name and a description set off by commas, the verb after it: "Anthropic, a
# startup founded by former OpenAI researchers, raised $400 million", "Cohere, la start-up en IA basée à
# Toronto, vient de lever". Not a list ("Sequoia, Accel and Index invested"): the description opens in lower
# case or with an article, and the verb follows its closing comma.
_APPOSITION = re.compile(
    r",\s+(?!(?:and|or|et|ou|und|oder)\b)(?:[a-zà-ÿ]|(?:A|An|The|Une?|La|Le|Les|Der|Die|Das|Ein|Eine)\s|L['’])"
    r"[^,]{2,160}?,\s+(?!(?:and|or|et|ou|und|oder)\b)[a-zà-ÿ]"
)
# The role of the one doing the deal, the subject of its verb.
_SUBJECT_ROLE = {"funding": "investee", "acquisition": "acquirer", "strategic_investment": "investor"}


def with_subject_before_apposition(event: DealEvent) -> DealEvent:
    """An event whose subject (a round's raiser, a buyer, an investor, a launcher, a first partner) the rules
    took from the description of the name its sentence opens with ("OpenAI" of "Anthropic, a startup founded
    by former OpenAI researchers, raised ...") has that name as its subject instead."""
    names = find_names(event.evidence)
    if not names or not event.parties:
        return event
    start, end, opener = names[0]
    described = _APPOSITION.match(event.evidence, end)
    if start > 40 or "," in event.evidence[:start] or described is None:
        return event
    role = _SUBJECT_ROLE.get(event.subtype or "", "launcher" if event.type == "launch" else None)
    index = event.roles.index(role) if role in event.roles else 0 if event.type == "partnership" else None
    if index is None or index >= len(event.parties):
        return event
    subject = event.parties[index]
    first_mention = event.evidence.find(subject) if subject else -1
    if not end < first_mention < described.end() or same_company(subject, opener):
        return event
    if lx.CUE_OF_EVENT_TYPE[event.type].search(event.evidence[end : described.end()]):
        return event  # the deal is told in the description: "Mistral, désormais soutenu par Microsoft, lance"
    pairs = [
        (p, r)
        for i, (p, r) in enumerate(zip(event.parties, event.roles, strict=False))
        if i != index and not same_company(p, opener)
    ]
    pairs.insert(min(index, len(pairs)), (opener, event.roles[index] if index < len(event.roles) else ""))
    return replace(event, parties=tuple(p for p, _ in pairs), roles=tuple(r for _, r in pairs))


# --- reading ------------------------------------------------------------------------------------------


def split_story(story: Story, limit: int = MAX_SENTENCES, wider: bool = False) -> list[Sentence]:
    """The title, then each sentence of summary and text once (a text often repeats the summary): the
    first `limit` of them, the same whatever the limit. With `wider`, a company's "Corp." or "Inc." ends a
    sentence where the next one opens as sentences do ("... Denso Corp. Separately, Sakana said")."""
    title = _TITLE_SUFFIX.sub("", story.title.strip())
    parts: list[str] = []
    seen: set[str] = set()
    for block in (story.summary, story.text):
        for piece in _sentences(_without_truncation_mark((block or "")[:_MAX_CHARS]), wider):
            if len(parts) >= limit - 1:
                break  # a lazy split: the rest of a long text is never cut up
            key = fold(piece[:80])
            if key and key not in seen and len(piece) > 3:
                seen.add(key)
                parts.append(piece)
    return [Sentence(title, 0)] + [Sentence(text, i + 1) for i, text in enumerate(parts)]


def _without_truncation_mark(text: str) -> str:
    # the mark ends the text, so only its tail is searched (a regex over 20,000 characters is slow)
    cut = max(0, len(text) - 40)
    return text[:cut] + _TRUNCATION.sub("", text[cut:])


def _sentences(text: str, wider: bool = False) -> Iterator[str]:
    """Sentences in order, made one at a time; an abbreviation ("Inc.") does not end one."""
    pending = ""
    start = 0
    cuts = ((m.start(), m.end()) for m in _SENTENCE_END.finditer(text))
    for cut, resume in itertools.chain(cuts, [(len(text), len(text))]):
        piece = text[start:cut].strip()
        start = resume
        if not piece:
            continue
        if (
            pending
            and _ABBREVIATION.search(pending)
            and not (wider and _ends_at_company_suffix(pending, piece))
        ):
            pending = f"{pending} {piece}"
            continue
        if pending:
            yield pending
        pending = piece
    if pending:
        yield pending


_COMPANY_SUFFIX = re.compile(r"\b(?:Inc|Corp|Co|Ltd)\.$")
_SENTENCE_OPENER = re.compile(
    r"(?:Separately|Meanwhile|However|Additionally|Also|Earlier|Later|Previously|The|This|That|These|Those|"
    r"It|Its|They|Their|He|She|His|Her|But|And|In|On|At|According)\b"
)


def _ends_at_company_suffix(pending: str, piece: str) -> bool:
    return bool(_COMPANY_SUFFIX.search(pending) and _SENTENCE_OPENER.match(piece))


def is_ai_related(sentences: list[Sentence]) -> bool:
    """AI is the subject: a strong AI term in the title, or AI terms twice in the lead."""
    title = sentences[0].text
    lead = " ".join(s.text for s in sentences[1 : LEAD_SENTENCES + 2])

    return ai_terms(title) >= 1 or ai_terms(lead) >= 2


# How many AI terms a story's body must hold to be about AI when its head does not say so: below three,
# as many stories about something else mention AI in passing as stories about AI.
BODY_AI_TERMS = 3
_BODY_CHARS = 5_000  # the body's first few paragraphs, where a story says what its company does


def about_ai_in_body(text: str) -> bool:
    """Whether a body holds BODY_AI_TERMS AI terms or more (ai_terms' count), scanned in the fast forms,
    the rarer patterns only when the count is near the bar: it reads every story that is not about AI."""
    found = len(lx.AI_TERMS_FAST.findall(text)) + len(lx.AI_CASE_TERMS_FAST_CS.findall(text))
    if "-ki" in text.lower():
        found += len(lx.AI_COMPOUND.findall(text))
    return found >= BODY_AI_TERMS and found - len(lx.AI_ATTRIBUTE.findall(text)) >= BODY_AI_TERMS


def _investment_in_ai(lead: list[str]) -> bool:
    """Whether a lead sentence after the headline (`lead[0]`) tells an investment beside an AI term: the deal
    of a company whose work is AI ("Exscientia, a pharmaceutical company that uses artificial intelligence
    to discover new drugs, has raised ..."), though the lead names AI only there; or, where the headline
    tells a deal, calls a company an AI company ("Orvane, an AI startup, will hire")."""
    title, rest = (lead[0], lead[1:]) if lead else ("", [])
    return any(ai_terms(sentence) >= 1 and lx.WIDER_INVESTMENT_CUE.search(sentence) for sentence in rest) or (
        any(cue.search(title) for cue in (*lx.CUE_OF_EVENT_TYPE.values(), lx.WIDER_INVESTMENT_CUE))
        and any(_AI_COMPANY.search(sentence) for sentence in rest)
    )


# A company called an AI company: "an AI startup", "the generative AI developer", "a machine learning firm",
# or, with no article, before its name ("AI startup Orvane said").
_AI_NOUN = (
    r"(?:AI|artificial intelligence|generative AI|machine learning|KI|IA)(?:[\s-]+[\w-]+)?\s+"
    r"(?:startup|start-up|company|firm|lab|developer|maker|unicorn|specialist|provider|chipmaker|"
    r"chip designer)\b"
)
_AI_COMPANY = re.compile(rf"\b(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?{_AI_NOUN}|(?<![\w-]){_AI_NOUN}(?=\s+[A-Z])")


def ai_terms(text: str) -> int:
    """AI terms in a text, less those that are only an attribute ("AI-controlled")."""
    attributes = len(lx.AI_ATTRIBUTE.findall(text))
    return len(lx.AI_TERMS.findall(text)) + len(lx.AI_CASE_TERMS_CS.findall(text)) - attributes


def _is_background(sentence: Sentence, wider: bool = False, published: datetime | None = None) -> bool:
    text = sentence.text
    if wider:  # "is now valued at $2 billion after raising $150 million": the round is the news
        text = _VALUED_AFTER_RAISING.sub("", text)
        if published and sentence.index >= LEAD_SENTENCES and _names_an_earlier_year(text, published.year):
            return True  # below the lead, a deal dated to a year before the story's ("levé ... fin 2022")
    return sentence.index > 0 and bool(lx.BACKGROUND.search(text))


_YEAR = re.compile(r"(?<![\d$€£.,/-])(?:19[89]\d|20\d\d)(?![\d%/-])")


def _names_an_earlier_year(text: str, year: int) -> bool:
    return any(int(m.group(0)) < year for m in _YEAR.finditer(text))


_VALUED_AFTER_RAISING = re.compile(r"(?i)\bvalu(?:ed|ing)\b[^.;]{0,40}?\bafter (?:raising|it raised)\b")


# --- investments --------------------------------------------------------------------------------------


def _main_organisations(sentences: list[Sentence]) -> list[str]:
    """The organisations the lead is about, most mentioned first (for "invests in the startup")."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for sentence in sentences[: LEAD_SENTENCES + 2]:
        for name in names_in(sentence.text):
            if is_source(name):
                continue
            key = company_key(name)
            counts[key] = counts.get(key, 0) + (2 if sentence.index == 0 else 1)
            first.setdefault(key, name)
    return [first[k] for k in sorted(counts, key=lambda k: -counts[k])]


_CLAUSE_BREAK = re.compile(r",?\s+(?:while|whereas|alors que|tandis que|während)\s+|;\s+", re.IGNORECASE)


def _investments(
    sentence: Sentence, sentences: list[Sentence], language: str, main: list[str], wider: bool
) -> list[DealEvent]:
    """Investment events of a sentence, clause by clause ("X invested ..., while Y raised ...")."""
    if not (lx.WIDER_INVESTMENT_CUE if wider else lx.ANY_INVESTMENT_CUE).search(sentence.text):
        return []
    events: list[DealEvent] = []
    for clause in _CLAUSE_BREAK.split(sentence.text):
        told = replace(sentence, text=clause)
        sold = _sale(told, language) if wider else None
        events += [sold] if sold else _clause_investments(told, sentences, language, main, wider)
    return [replace(e, evidence=sentence.text) for e in events]


def _clause_investments(  # noqa: PLR0912 - one branch per kind of investment, read top to bottom
    sentence: Sentence, sentences: list[Sentence], language: str, main: list[str], wider: bool
) -> list[DealEvent]:
    text = sentence.text
    acquisition = (lx.WIDER_ACQUISITION if wider else lx.ACQUISITION).search(text)
    funding = lx.FUNDING_VERB.search(text)
    round_word = lx.ROUND.search(text)
    strategic = _stake_cue(text) if wider else lx.STRATEGIC.search(text)
    if not (acquisition or funding or round_word or strategic):
        return []  # most sentences: no investment cue at all, so no guard or money parsing either
    if _tells_no_investment(text, wider):
        return []
    events: list[DealEvent] = []
    money = find_money(text, language)
    if acquisition and not re.search(r"acqui\w*[- ]hire|stake", text, re.IGNORECASE):
        bought = _acquisition(sentence, acquisition, money, main, wider)
        return [bought] if bought else events
    german_perfect = (
        funding is not None and wider and language == "de" and _german_perfect(text, funding, money)
    )
    if (
        funding
        and (german_perfect or _raises_money(text, funding, money))
        and not (_is_fund_raise(text) and not (wider and _RAISING_FUNDS.search(text)))
        and not (wider and _ANNOUNCED_INVESTMENT.match(text, funding.start()))
    ):
        investee = _first_name(text) if german_perfect else _raiser(text, funding, sentence, sentences, wider)
        investors = _investors(text, sentences, sentence, investee, wider)
        talked_with = _talked_with(text, funding) if wider else None
        if talked_with and talked_with != investee and talked_with not in investors:
            investors = [talked_with, *investors]
        events.append(
            _investment(
                "funding",
                [investee, *investors],
                ("investee", *["investor"] * len(investors)),
                sentence,
                money,
                funding,
            )
        )
        return events
    if strategic:
        investor, investee = _around(text, strategic)
        if wider and language == "de":
            investor, investee = _german_stake_parties(text, strategic, investor, investee)
        after = text[strategic.end() : strategic.end() + 100]
        generic = lx.GENERIC_COMPANY.search(
            re.sub(r"^[^a-zA-Z]*(?:[\w$€£.,()-]+ ){0,10}?(?=(?:in|into|dans|bei) )", "", after)
        )
        if generic:
            investee = next((n for n in main if company_key(n) != company_key(investor or "")), investee)
            object_phrase = after[: generic.end() + 10]
        else:
            object_phrase = (
                after.split(investee)[0] + investee + after.split(investee, 1)[1][:25]
                if investee and investee in after
                else after
            )
        capex_before = re.search(
            r"\b(?:in|into|dans)\b[^.]{0,40}$", text[max(0, strategic.start() - 60) : strategic.start()]
        )
        blocked = (bool(lx.CAPEX_OBJECT.search(object_phrase)) and not generic) or bool(
            capex_before and lx.CAPEX_OBJECT.search(capex_before.group(0))
        )
        if investee and not blocked:
            if re.search(r"backed by|soutenu par", strategic.group(0), re.IGNORECASE):
                investor, investee = investee, investor
            # "X invests in Y" is a corporation buying in; "Y, backed by X, in a round" is Y's funding
            backed = bool(re.search(r"backed by|backing|soutenu par", strategic.group(0), re.IGNORECASE))
            # read wider, "X invests in Y's Series B" is Y's round too: X is one of its investors
            in_round = (
                wider
                and investee in after
                and bool(_ROUND_OF_NAME.match(after, after.index(investee) + len(investee)))
            )
            subtype = "funding" if (backed and round_word) or in_round else "strategic_investment"
            if subtype == "funding":
                others = _investors(text, sentences, sentence, investee, wider)
                parties: list[str | None] = [investee, *unique_names([investor or "", *others])]
                roles = ("investee", *["investor"] * (len(parties) - 1))
            else:
                buying_in = _listed_before(text, strategic, investor) if wider else [investor]
                parties = [*buying_in, investee]
                roles = (*["investor"] * len(buying_in), "investee")
            events.append(_investment(subtype, parties, roles, sentence, money, strategic))
    if (not strategic or (wider and not events)) and round_word and money:
        events += _round(sentence, sentences, money, round_word, wider)
    return events


def _listed_before(text: str, cue: re.Match[str], last: str | None) -> list[str | None]:
    """The names listed right before a cue, ending with `last` ("Quillon and Velmora invested", "Quillon,
    Velmora invest"): all of them its subjects."""
    before = [(s, e, n) for s, e, n in _organisations(text) if e <= cue.start()]
    if not before or before[-1][2] != last or text[before[-1][1] : cue.start()].strip():
        return [last]
    listed = [before[-1]]
    for earlier in reversed(before[:-1]):
        if not _LIST_JOIN.fullmatch(text[earlier[1] : listed[0][0]]):
            break
        listed.insert(0, earlier)
    return [n for _, _, n in listed]


_LIST_JOIN = re.compile(r"\s*(?:,|,?\s+(?:and|und|et))\s*")


_ROUND_TOLD = re.compile(
    r"(?:funding|financing|investment|equity|venture) round|round of (?:funding|financing)|"
    r"series [a-h]\b|seed round|\bround led by|"
    r"levée de fonds|tour de table|finanzierungsrunde",
    re.IGNORECASE,
)


def _round(
    sentence: Sentence, sentences: list[Sentence], money: list[Money], round_word: re.Match[str], wider: bool
) -> list[DealEvent]:
    """A round the sentence tells by its name ("a $50 million Series B") rather than by a verb: the first
    company named raising it; read wider, the company a lead investor's round is in ("Quillon Ventures led
    a $60 million round in Orvane")."""
    text = sentence.text
    names = names_in(text) if _ROUND_TOLD.search(text) else []
    raiser, leader = _led_round(text) if wider else (None, None)
    if raiser and leader:
        names = [raiser, leader, *[n for n in names if n not in {raiser, leader}]]
    if not names:
        return []
    investors = _investors(text, sentences, sentence, names[0], wider)
    if raiser and leader:
        investors = [leader, *[i for i in investors if i != leader]]
    roles = ("investee", *["investor"] * len(investors))
    return [_investment("funding", [names[0], *investors], roles, sentence, money, round_word)]


def _acquisition(
    sentence: Sentence, acquisition: re.Match[str], money: list[Money], main: list[str], wider: bool
) -> DealEvent | None:
    """The acquisition a sentence's cue tells: its buyer before the cue (or after "acquired by"), what was
    bought after it."""
    text = sentence.text
    acquirer, target = _around(text, acquisition)
    if wider and target is None and _GERMAN_VERB_LAST.fullmatch(acquisition.group(0)):
        # "Quillon soll das KI-Start-up Orvane übernehmen", "hat Orvane gekauft": the verb ends the clause,
        # what is bought stands right before it, the buyer opens the clause
        before = [n for _, end, n in _organisations(text) if end <= acquisition.start()]
        if len(before) >= 2:
            acquirer, target = before[0], before[-1]
    if wider and _TAKE_PRIVATE.fullmatch(acquisition.group(0)):
        inside = [n for s, _, n in _organisations(text) if acquisition.start() <= s < acquisition.end()]
        target = inside[0] if inside else target  # "take Orvane private": what is bought stands inside
    by = re.search(r"\bby ([A-Z][\w.&:-]*(?: [A-Z][\w.&:-]*)*)", text[acquisition.end() :])
    if (
        by
        and re.search(
            r"acquisition of|acquired by|übernahme|rachat",
            acquisition.group(0) + text[acquisition.end() : acquisition.end() + 40],
            re.IGNORECASE,
        )
        and not acquirer
    ):
        acquirer = by.group(1)
    # no company bought: "take over your browser", "customer acquisition costs", "buys doctors an hour";
    # or goods: "buys 18,000 Nvidia chips", "acquired thousands of GPUs"
    if wider and (
        (target is None and not _something_bought(text, acquisition)) or _goods_bought(text, acquisition)
    ):
        return None
    if wider and (acquirer is None or target is None) and _MERGER.match(acquisition.group(0)):
        # "Quillon and Orvane agree merger", "the merger of Quillon and Orvane": the two companies named
        names = [n for _, _, n in _organisations(text)]
        acquirer, target = (names[0], names[1]) if len(names) >= 2 else (acquirer, target)
    if wider and target is None and lx.GENERIC_COMPANY.match(text[acquisition.end() :]):
        # "agreed to take over the company": the company the story is about, not the buyer
        target = next((n for n in main if company_key(n) != company_key(acquirer or "")), None)
    return _investment(
        "acquisition", [acquirer, target], ("acquirer", "target"), sentence, money, acquisition
    )


_MERGER = re.compile(r"(?i)merg")
_GERMAN_VERB_LAST = re.compile(r"(?i)übernehmen|übernommen|gekauft|kaufen")
_TAKE_PRIVATE = re.compile(r"(?i)tak(?:es?|ing) .+ private")


# What an acquisition cue with no name after it may still have bought: a company told by what it is ("buys
# machine learning startup"), or the subject of a passive ("Humane was acquired").
_BOUGHT_NOUN = re.compile(
    r"(?i)\b(?:startups?|start-ups?|compan(?:y|ies)|firms?|rivals?|makers?|developers?|providers?|businesses|"
    r"business|labs?|unicorns?|platforms?|competitors?|chipmakers?|société|entreprise|unternehmen)\b"
)
# "The acquisition, valued at $1.3 billion, ...": the noun names the story's deal, not "customer acquisition".
_DEAL_NOUN = re.compile(r"(?i)acquisition|takeover|übernahme|rachat")
_TOLD_BEFORE = re.compile(
    r"(?i)\b(?:the|this|that|its|their|his|her|die|diese|la|cette|le)\s+(?:[\w$.,-]+\s+){0,2}$"
)
_PASSIVE_BEFORE = re.compile(r"(?i)\b(?:was|were|is|are|be|been|being|gets?|got|wird|wurde|est|a été)\s+$")


def _something_bought(text: str, cue: re.Match[str]) -> bool:
    """Whether an acquisition cue that names no company after it still tells a purchase of one: a company
    told by what it is or as "one of" some, the subject of a passive, or the story's deal referred to."""
    return bool(
        _BOUGHT_NOUN.search(text[cue.end() : cue.end() + 35])
        or _PASSIVE_BEFORE.search(text[max(0, cue.start() - 12) : cue.start()])
        or re.match(r"(?i)\s+(?:by|one of)\b", text[cue.end() : cue.end() + 8])
        or (
            _DEAL_NOUN.match(cue.group(0))
            and _TOLD_BEFORE.search(text[max(0, cue.start() - 24) : cue.start()])
        )
    )


# German tells a stake's company after a preposition, its investor often after the verb: "Steigt SAP beim
# KI-Startup Aleph Alpha ein?", "Einstieg beim Heidelberger Start-up Aleph Alpha", "beteiligt sich an X".
_GERMAN_STAKE_IN = re.compile(r"\b(?:bei|beim|an|am)\s")


def _german_stake_parties(
    text: str, cue: re.Match[str], investor: str | None, investee: str | None
) -> tuple[str | None, str | None]:
    """The investor and the company invested in of a German stake, the latter named after "bei"/"an"
    (after the verb, or before it where the verb comes last: "Quillon soll beim Start-up Orvane einsteigen",
    its investor then the clause's first name)."""
    names = [(s, n) for s, _, n in _organisations(text)]
    marker = _GERMAN_STAKE_IN.search(text, cue.end(), cue.end() + 60)
    if not marker:
        before = list(_GERMAN_STAKE_IN.finditer(text, 0, cue.start()))
        company = next((n for s, n in names if before and 0 <= s - before[-1].end() < 40), None)
        first = next((n for s, n in names if before and s < before[-1].start()), None)
        return (first, company) if company and first and first != company else (investor, investee)
    company = next((n for s, n in names if 0 <= s - marker.end() < 40), None)
    if company is None or company == investor:
        return investor, investee
    between = [n for s, n in names if cue.end() <= s < marker.start() and n != company]
    return (investor or (between[0] if between else None)), company


_LED = re.compile(
    r"\s+(?:has\s+|have\s+)?(?:led|leads|co-led|co-leads|joined|joins|participated in|participates in"
    r"|took part in|takes part in)\b"
)
_ROUND_IN = re.compile(
    r"(?i)\b(?:round|series [a-h]\d?|investment|financing)\s+(?:in|into|for|of|raised by|closed by)\s+"
    r"(?:the\s+)?"
)


_ROUND_OF_NAME = re.compile(
    r"(?:['’]s?)?\s+(?:[\w$€£.,~-]+\s+){0,4}?(?:(?:funding|financing|investment|seed)\s+)?"
    r"(?:round|series [a-h])\b",
    re.IGNORECASE,
)


def _led_round(text: str) -> tuple[str | None, str | None]:
    """The company raising a round the sentence tells from its lead investor's side, and that investor:
    "Quillon Ventures led a $60 million round in Orvane" is Orvane's round, Quillon Ventures leading it."""
    names = _organisations(text)
    led = _LED.match(text, names[0][1]) if names else None
    if not led:
        return None, None
    within = _ROUND_IN.search(text, led.end())
    raiser = next((n for s, _, n in names if within and 0 <= s - within.end() < 40), None)
    # or the round named as the company's: "Quillon joined Orvane's $50 million Series B"
    raiser = raiser or next((n for s, e, n in names if s > led.end() and _ROUND_OF_NAME.match(text, e)), None)
    return (raiser, names[0][2]) if raiser and raiser != names[0][2] else (None, None)


_SOLD_TO = re.compile(r"\s(?:to|an)\s+(?=[A-Z])")
_STAKE_SOLD = re.compile(r"(?i)\b(?:stake|shares|holding|anteile?|participation)\b")


def _tells_no_investment(text: str, wider: bool) -> bool:
    """A grant, debt, a listing, a fund, a cancelled deal or a denial."""
    not_investment = lx.WIDER_NOT_INVESTMENT if wider else lx.NOT_INVESTMENT
    return bool(not_investment.search(text) or lx.CANCELLED.search(text) or lx.DENIAL.search(text))


def _sale(sentence: Sentence, language: str) -> DealEvent | None:
    """A sale told by its seller, as the buyer's deal: "Quillon sells Orvane to Velmora" is Velmora's
    acquisition of Orvane, "Orvane was sold to Velmora" too, and "Quillon sold its stake in Orvane to
    Velmora" Velmora's stake in Orvane. The seller is no party (the labelling rules name buyer and bought)."""
    text = sentence.text
    cue = lx.SALE.search(text)
    to = _SOLD_TO.search(text, cue.end(), cue.end() + 100) if cue else None
    if not cue or not to or _tells_no_investment(text, wider=True):
        return None
    money = find_money(text, language)
    names = _organisations(text)
    buyer = next((n for s, _, n in names if s == to.end()), None)
    sold = [n for s, e, n in names if s >= cue.end() and e <= to.start()]
    if not sold and _PASSIVE_BEFORE.search(text[max(0, cue.start() - 12) : cue.start()]):
        sold = [n for _, e, n in names if e <= cue.start()][-1:]
    if not buyer or not sold:
        return None
    if _STAKE_SOLD.search(text, cue.end(), to.start()):
        return _investment(
            "strategic_investment", [buyer, sold[-1]], ("investor", "investee"), sentence, money, cue
        )
    return _investment("acquisition", [buyer, sold[-1]], ("acquirer", "target"), sentence, money, cue)


# What a company buys that is no company: a count of things, or a maker's goods ("18,000 Nvidia chips",
# "thousands of H100s", "Nvidia GPUs worth $1 billion").
_COUNT_AFTER = re.compile(
    r"(?i)\s+(?:some |about |around |nearly |more than |over |up to )?(?:\d[\d,.]*\s*(?:k|m)?|hundreds|"
    r"thousands|millions|tens of thousands|dozens)\s+"
    r"(?!%|per ?cent|percent|of (?:the |its )?(?:shares|stake))"
)
_MAKERS_GOODS = re.compile(
    r"\s+(?:[A-Z][\w.&-]*(?:['’]s)?\s+){1,3}(?i:chips?|gpus?|processors?|servers?|accelerators?|semiconductors?|"
    r"computers?|hardware|equipment|devices|licen[cs]es|credits|"
    # people: "buys Humanloop talent", "buys Orvane's team" hires them, buying no company
    r"talent|team|staff|employees|founders|engineers|researchers)\b"
    # "GPU chipmaker Run:ai", "AI chip developer Graphcore": the goods name what the company bought makes
    r"(?!\s*(?:[\w-]+\s+)?(?i:\w*makers?|developers?|designers?|startups?|start-ups?|compan(?:y|ies)|firms?|"
    r"providers?|suppliers?|business|unicorns?|labs?))"
)


# Goods bought with no maker before them: "will also buy chips from Nvidia", "buys more compute".
_GOODS = re.compile(
    r"(?i)\s+(?:(?:more|new|its|their|the|additional|advanced|AI|cloud)\s+){0,3}(?:chips|gpus|processors|"
    r"servers|hardware|equipment|compute|computing power|capacity|electricity|power|energy)\b"
    r"(?!\s*(?:[\w-]+\s+)?(?:\w*makers?|developers?|designers?|startups?|start-ups?|compan(?:y|ies)|firms?|"
    r"providers?|suppliers?|business|unicorns?|labs?)\b)"
)


def _goods_bought(text: str, cue: re.Match[str]) -> bool:
    """Whether an acquisition cue is followed by a count of things, goods or a company's people: a
    purchase or a hire, no company bought."""
    after = text[cue.end() : cue.end() + 60]
    return bool(_COUNT_AFTER.match(after) or _MAKERS_GOODS.match(after) or _GOODS.match(after))


# Stake cues that are everyday verbs: a stake only where money follows ("puts $100 million into", "pumped
# fresh cash into"), not in "mitigations put in place".
_MONEY_VERB = re.compile(r"(?i)puts?|pumps?|pumping|pours?|poured|pouring")
_MONEY_WORD_AFTER = re.compile(r"(?i)\W+(?:[\w-]+\W+){0,3}?(?:money|capital|cash|funds)\b")


def _stake_cue(text: str) -> re.Match[str] | None:
    """The clause's first stake cue, read wider: an everyday verb among them only with money after it."""
    return next((cue for cue in lx.WIDER_STRATEGIC.finditer(text) if _tells_a_stake(text, cue)), None)


def _tells_a_stake(text: str, cue: re.Match[str]) -> bool:
    if not _MONEY_VERB.fullmatch(cue.group(0)):
        return True
    after = text[cue.end() : cue.end() + 60]
    return bool(_MONEY_WORD_AFTER.match(after)) or any(m.start < 30 for m in find_money(after))


# What may stand between an amount and its verb: "$5M raised", "$5M Series A round was closed"
_MONEY_THEN_VERB = re.compile(
    r"\s*(?:(?:in|of|new|fresh|seed|series|[a-h]|round|funding|financing|investment|was|is|has|been|being)\s+)*",
    re.IGNORECASE,
)


# "announced a $4 billion investment in Anthropic" is the announcer's stake; "announced an ~$18B investment
# to expand AI infrastructure in Australia" its own spending; neither is a round the announcer raised.
_ANNOUNCED_INVESTMENT = re.compile(r"(?i)announc\w* an? [~$€£\w.,\s-]{0,25}?investment\b(?!\s+round)")


# German perfect tense puts the verb last: "Das KI-Start-up Orvane hat 20 Millionen Euro von Quillon
# eingesammelt" (its subject first, the money and the investors between).
_GERMAN_PARTICIPLE = re.compile(r"(?i)eingesammelt|gesammelt|erhalten|eingeworben|bekommen")
_GERMAN_AUXILIARY = re.compile(r"\b(?:hat|haben|hatte|hatten)\b")


def _german_perfect(text: str, verb: re.Match[str], money: list[Money]) -> bool:
    """Whether a German clause tells money raised in the perfect tense: an auxiliary, then the sum, then
    the participle."""
    auxiliary = _GERMAN_AUXILIARY.search(text, 0, verb.start())
    return bool(
        _GERMAN_PARTICIPLE.fullmatch(verb.group(0))
        and auxiliary
        and any(auxiliary.end() <= m.start < verb.start() for m in money)
    )


def _first_name(text: str) -> str | None:
    return next((n for _, _, n in _organisations(text)), None)


def _raises_money(text: str, verb: re.Match[str], money: list[Money]) -> bool:
    """The verb's object is money or a round ("raised $5M", "closes its Series A", "$5M raised"), not
    something else raised ("threatens to raise costs", "raised concerns")."""
    after = text[verb.end() : verb.end() + 90]
    if any(0 <= m.start - verb.end() <= 90 for m in money):
        return True
    if any(
        0 <= verb.start() - m.end <= 40 and _MONEY_THEN_VERB.fullmatch(text[m.end : verb.start()])
        for m in money
    ):
        return True
    return bool(lx.ROUND.search(after))


# "in talks to raise funds at a $30 billion valuation": a round, not a fund of one's own.
_RAISING_FUNDS = re.compile(r"(?i)\brais\w*\s+(?:new\s+|fresh\s+|more\s+)?funds\b")


def _is_fund_raise(text: str) -> bool:
    """A VC firm raising its own fund."""
    return bool(
        re.search(r"\b(?:fund|funds)\b(?! round)|fresh capital|limited partners", text, re.IGNORECASE)
    ) and not re.search(r"funding", text, re.IGNORECASE)


def _investment(  # noqa: PLR0917 - each argument is distinct and needed
    subtype: str,
    parties: Sequence[str | None],
    roles: tuple[str, ...],
    sentence: Sentence,
    money: list[Money],
    cue: re.Match[str],
) -> DealEvent:
    named = [(p, r) for p, r in zip(parties, roles, strict=False) if p]
    amount = deal_amount(sentence.text, money, cue)
    valuation = _valuation(sentence.text, money)
    round_match = lx.ROUND_NAME.search(sentence.text)
    return DealEvent(
        type="investment",
        subtype=subtype,
        parties=tuple(p for p, _ in named),
        roles=tuple(r for _, r in named),
        amount=amount.amount if amount else None,
        currency=amount.currency if amount else None,
        amount_usd=to_usd(amount.amount, amount.currency) if amount else None,
        round=_round_name(round_match) if subtype == "funding" else None,
        valuation=valuation.amount if valuation else None,
        valuation_currency=valuation.currency if valuation else None,
        evidence=sentence.text,
        confidence=_confidence(sentence, amount is not None),
    )


def deal_amount(text: str, money: list[Money], cue: re.Match[str]) -> Money | None:
    candidates = [m for m in money if not _is_valuation(text, m) and not _is_range_or_bound(text, m)]
    if not candidates:
        return None
    after = [m for m in candidates if m.start >= cue.start()]
    # the first figure after the cue: in "two billion euros, or about $2.1 billion" the second is a conversion
    return after[0] if after else candidates[-1]


def _valuation(text: str, money: list[Money]) -> Money | None:
    return next((m for m in money if _is_valuation(text, m)), None)


def _is_valuation(text: str, money: Money) -> bool:
    before = text[max(0, money.start - 40) : money.start]
    after = text[money.end : money.end + 25]
    return bool(
        (
            lx.VALUATION.search(before)
            and not re.search(r"\b(?:in|raise|raised|round)\b[^,]*$", before, re.IGNORECASE)
        )
        or re.match(r"\s*(?:valuation|pre-money|post-money)", after, re.IGNORECASE)
        or (
            re.search(r"\bat (?:a |an )?$", before, re.IGNORECASE)
            and re.match(r"\s*valuation", after, re.IGNORECASE)
        )
    )


def _is_range_or_bound(text: str, money: Money) -> bool:
    before = text[max(0, money.start - 14) : money.start]
    after = text[money.end : money.end + 12]
    if re.search(r"\bbetween\s*$|\bfrom\s*$", before, re.IGNORECASE) and re.match(
        r"\s*(?:and|to|-)\s", after
    ):
        return True
    if re.match(r"\s*(?:-|–|to)\s*[$€£]?\d", after):
        return True
    return bool(lx.UPPER_BOUND.search(before)) and not lx.APPROXIMATE_OK.search(
        text[max(0, money.start - 20) : money.start]
    )


def _round_name(match: re.Match[str] | None) -> str | None:
    if not match:
        return None
    word = match.group(1).lower()
    letter = match.group(2) or match.group(3)
    if letter:
        return f"Series {letter.upper()}"
    return {"pre-seed": "Pre-seed", "seed": "Seed"}.get(word, word.capitalize())


_INVESTOR_SENTENCE = re.compile(
    r"\b(?:investors?|participat\w*|led by|co-led|backers?|investisseurs|bailleurs|investoren|geldgeber|"
    r"kapitalgeber|mené par|dirige le tour|angeführt|partie prenante|participe|beteiligt sich)\b",
    re.IGNORECASE,
)


def _investors(
    text: str, sentences: list[Sentence], sentence: Sentence, investee: str | None, wider: bool = False
) -> list[str]:
    """Investors: names after "led by", "from", "including" in this sentence, and every name in the
    story's other (non-background) sentences about investors or participation; never the investee. Read
    wider, not the names of a sentence that tells another company's round (a roundup's next one)."""
    found: list[str] = []
    for hint in lx.INVESTOR_HINTS.finditer(text):
        found += [n for _, _, n in _organisations(text[hint.end() : hint.end() + 200])]
    for other in sentences:
        if (
            other.index != sentence.index
            and not _is_background(other)
            and _INVESTOR_SENTENCE.search(other.text)
            and not (
                wider and (round_of_another(other.text, investee) or names_earlier_investors(other.text))
            )
        ):
            found += [n for _, _, n in _organisations(other.text)]
    excluded = company_key(investee or "")
    return unique_names([n for n in found if company_key(n) != excluded])[:12]


def names_earlier_investors(text: str) -> bool:
    """Whether a sentence names the company's earlier backers, not this round's."""
    return bool(lx.EARLIER_INVESTORS.search(text)) and not lx.TOOK_PART.search(text)


def round_of_another(text: str, investee: str | None) -> bool:
    """Whether a sentence tells a round raised by a company other than this one ("Orvane raised $40
    million in a Series B led by Northgate" beside Quillon's round)."""
    if investee and investee in text:
        return False
    received = _RECEIVED_MONEY.search(text)
    if received:  # "Sakana ... got new capital from existing backer MUFG": Sakana's round, whatever sum
        return _another_company(_around(text, received)[0], investee)
    verb = lx.FUNDING_VERB.search(text)
    if verb is None:
        return False
    return _another_company(_around(text, verb)[0], investee) and _raises_money(
        text, verb, find_money(text, "en")
    )


def _another_company(name: str | None, investee: str | None) -> bool:
    """Whether a name is a company other than the investee: not a sentence's common first word ("Plus tôt
    ce mois-ci, la société a levé")."""
    if name is None or company_key(name) == company_key(investee or ""):
        return False
    return " " in name or not is_common_word(name, None)


_RECEIVED_MONEY = re.compile(
    r"(?i)\b(?:got|gets|received|receives|obtained|obtains|drew|draws)\s+(?:\w+\s+){0,2}?"
    r"(?:capital|funding|money|investment|backing|cash|financing)\b"
)


# --- partnerships and launches ------------------------------------------------------------------------


def _partnerships(
    sentence: Sentence, owner: str | None, wider: bool, main: list[str] | None = None
) -> list[DealEvent]:
    text = sentence.text
    joint = (lx.WIDER_JOINT_LAUNCH if wider else lx.JOINT_LAUNCH).search(text)
    cue_words = lx.WIDER_PARTNERSHIP if wider else lx.PARTNERSHIP
    cue = next((c for c in cue_words.finditer(text) if _specific_partnership(text, c)), None)
    if not cue and not joint:
        return []
    if lx.CANCELLED.search(text) or lx.DENIAL.search(text):
        return []
    found = _organisations(text)
    if wider:
        if _LICENSING.search(text):
            # a content licensing deal: the outlet is a party ("OpenAI signs licensing deal with the
            # Financial Times"), unless it only reports ("according to Reuters")
            found = [(s, e, n) for s, e, n in _spanned_names(text) if not _reporting(text, s, e)]
        nexts: list[tuple[int, int, str] | None] = [*found[1:], None]
        found = [n for n, after in zip(found, nexts, strict=False) if not _describes(text, n, after)]
    names = [n for _, _, n in found]
    if owner and company_key(owner) not in {company_key(n) for n in names}:
        names = [owner, *names]  # a newsroom's "Partnering with X" has the newsroom's company as a party
    subject = _generic_partner(text, cue or joint, main) if wider else None
    if subject and company_key(subject) not in {company_key(n) for n in names}:
        names = [subject, *names]
    if len(names) < 2 and not sentence.lead:
        return []
    names = unique_names(names)[:8]
    if not names:
        return []
    return [
        DealEvent(
            type="partnership",
            subtype=None,
            parties=tuple(names),
            roles=("partner",) * len(names),
            evidence=text,
            confidence=_confidence(sentence, len(names) >= 2),
        )
    ]


_LICENSING = re.compile(
    r"(?i)\blicen[cs]\w*|\b(?:news )?content\b|\barchives?\b|\bjournalism\b|\bcontenus?\b|\binhalte\b|"
    r"\bpublishers?\b|\béditeurs?\b|\bverlag\w*"
)
_REPORTED_BY = re.compile(r"(?i)\b(?:according to|told|tells|via|in an interview with)\s+(?:the\s+)?$")
_REPORTS = re.compile(r"(?i)^\W{0,3}(?:reported|reports|said|says|wrote|first reported|reporting)\b")


def _reporting(text: str, start: int, end: int) -> bool:
    """Whether the outlet named at text[start:end] reports the news rather than takes part in it."""
    return is_source(text[start:end]) and bool(
        _REPORTED_BY.search(text, 0, start)
        or _REPORTS.match(text, end)
        or (text[start - 1 : start] == "(" and text[end : end + 1] == ")")  # a dateline, "(Reuters) -"
    )


# "The company has partnered with", "Der Konzern kooperiert mit", "L'entreprise a signé un partenariat".
_GENERIC_SUBJECT = re.compile(
    r"(?i)^\W*(?:(?:the|this|la|le|das|die|der)\s+|l['’]\s*)(?:[\w-]+\s+){0,3}?(?:startup|start-up|company|firm|group|"
    r"business|lab|jeune pousse|société|entreprise|groupe|unternehmen|konzern|firma)\b"
)


def _generic_partner(text: str, cue: re.Match[str] | None, main: list[str] | None) -> str | None:
    """The company the story is about where the clause telling a partnership opens with "the company"."""
    if cue is None or not main or not _opens_with_a_generic_company(text[: cue.start()], _GENERIC_SUBJECT):
        return None
    return main[0]


def _specific_partnership(text: str, cue: re.Match[str]) -> bool:
    if not lx.PLURAL_PARTNERSHIP.search(cue.group(0)):
        return True
    return bool(re.match(r"[^.]{0,30}?\b(?:with|avec|mit)\b[^.]{0,25}?[A-Z]", text[cue.end() :]))


def _launches(
    sentence: Sentence,
    owner: str | None,
    lead: list[str],
    main: list[str],
    *,
    wider: bool = False,
    language: str = "en",
) -> list[DealEvent]:
    """A launch for every launch cue of the sentence ("launched Le Chat and unveiled Mistral Large")."""
    text = sentence.text
    german = _german_launch(text, main) if wider and language == "de" else None
    if german:
        return [_launch_event(sentence, *german)]
    cues = list((lx.WIDER_LAUNCH if wider else lx.LAUNCH).finditer(text))
    if not cues or (lx.WIDER_JOINT_LAUNCH if wider else lx.JOINT_LAUNCH).search(text):
        return []  # no cue; or two organisations debuting something together: a partnership
    events: list[DealEvent] = []
    for cue in cues:
        if not _is_launch(text, cue, sentence, wider):
            continue
        after = text[cue.end() : cue.end() + 120]
        launcher, named_after = _made_available(text, cue) if wider else (None, None)
        if not (launcher and named_after):
            launcher, named_after = _around(text, cue)
        if wider and named_after and _MAKER_AFTER.match(after, 0, after.find(named_after)):
            launcher, named_after = launcher or named_after, None  # "new AI model from Orvane": its maker
        told_of_another = bool(
            wider
            and named_after
            and not _names_what_is_launched(cue, after[: max(0, after.find(named_after))])
        )
        if told_of_another:
            named_after = None  # "Orvane's new AI model beats GPT-4": GPT-4 is no launch of Orvane's
        if wider and launcher and (owned := _POSSESSED.fullmatch(launcher)):
            # "Quillon's Lumen AI is now generally available": Quillon's launch of Lumen
            launcher, named_after = owned.group(1), named_after or owned.group(2)
        called = re.match(r"[^.]{0,40}?\b(?:called|named|dubbed|baptisé|appelé|namens)\s", after)
        product = (_product(after[called.end() :]) if called else None) or _product(after) or named_after
        launcher = launcher or owner or _generic_subject(text[: cue.start()], product, main)
        if not product and not told_of_another and not (launcher and _is_subject_of_story(launcher, lead)):
            continue  # "introducing AI into the workflow": no product, and no company the story is about
        if product and any(
            re.search(re.escape(product) + r"\W", s) and lx.RESEARCH_ARTIFACT.search(s) for s in lead
        ):
            continue
        events.append(_launch_event(sentence, launcher, product))
    return events


# After a launch cue that names a product ("its new AI model"), a name is the product only where no verb
# stands between ("new AI model, Lumen", "new AI model called Lumen"; not "new AI model beats GPT-4").
_NAMING_WORDS = re.compile(r"(?i)\b(?:called|named|dubbed|baptisé|appelé|namens)\b")


def _names_what_is_launched(cue: re.Match[str], gap: str) -> bool:
    return not lx.WEAK_LAUNCH.match(cue.group(0)) or not re.search(
        r"\b[a-z]{3,}\b", _NAMING_WORDS.sub("", gap)
    )


_POSSESSED = re.compile(r"([A-Z][\w.&-]*(?: [A-Z][\w.&-]*)?)['’]s ([A-Z0-9][\w.+-]*(?: [A-Z0-9][\w.+-]*)*)")
_MAKER_AFTER = re.compile(r"(?i)\s*(?:from|by|von|vom|de|du|par)\s+$")


def _launch_event(sentence: Sentence, launcher: str | None, product: str | None) -> DealEvent:
    return DealEvent(
        type="launch",
        subtype=None,
        parties=(launcher,) if launcher else (),
        roles=("launcher",) if launcher else (),
        product=product,
        evidence=sentence.text,
        confidence=_confidence(sentence, product is not None),
    )


# German splits a launch verb or puts it last, with the product between: "Quillon stellt seinen
# KI-Assistenten Lumen vor", "Google bringt Gemini 2 auf den Markt", "Quillon hat ein neues Modell namens
# Lumen veröffentlicht" (read as English, the name before the verb is the maker and the one after it the
# product: "Lumen" launching "Texte").
_GERMAN_LAUNCH = re.compile(
    r"\b(?:(?:stellt|stellen|stellte|stellten|führt|führen|führte|führten|bringt|bringen|brachte|brachten)\s"
    r"(?P<split>(?:[^.;:!?]|\.(?=\w)){1,120}?)\s"
    r"(?:vor|ein|heraus|auf den Markt)"
    r"|(?:hat|haben|hatte|hatten)\s(?P<last>[^.;:!?]{1,100}?)\s(?:vorgestellt|veröffentlicht|präsentiert|"
    r"eingeführt|gestartet|lanciert|herausgebracht|auf den Markt gebracht))(?=\s*(?:[.,;:!?]|$))"
)
_CALLED = re.compile(r"\b(?:namens|mit dem Namen|genannt)\s+")


def _german_launch(text: str, main: list[str]) -> tuple[str | None, str | None] | None:
    """The maker and the product of a German launch told with the verb split or last: the maker the
    clause's subject (before the verb, or right after it when the clause opens otherwise: "Am Montag
    stellte Quillon ... vor"; "der Konzern" is the company the story is about), the product the names that
    end the words between (or follow "namens"), less the common nouns and the "KI-" compounds that say
    what it is."""
    told = _GERMAN_LAUNCH.search(text)
    if not told or not (lx.AI_TERMS.search(text) or lx.AI_CASE_TERMS_CS.search(text)):
        return None
    between = told.group("split") or told.group("last")
    called = _CALLED.search(between)
    words = (between[called.end() :] if called else between).split()
    run: list[str] = []
    for written in reversed(words):
        word = written.strip("\"„“”'")
        name_like = word[:1].isupper() and not is_common_word(word, "de") and not _AI_COMPOUND.match(word)
        if not (word[:1].isdigit() or name_like):
            break
        run.insert(0, word)
    product = " ".join(run) if run and not run[0][:1].isdigit() else None
    makers = [n for _, end, n in _organisations(text) if end <= told.start()]
    launcher = makers[-1] if makers else _inverted_subject(between, main)
    return (launcher, product) if launcher else None


_GERMAN_GENERIC_COMPANY = re.compile(
    r"(?:der|das|die)\s+(?:\w+)?(?:konzern|unternehmen|firma|start-?up|hersteller|anbieter|entwickler)\b",
    re.IGNORECASE,
)


def _inverted_subject(between: str, main: list[str]) -> str | None:
    """The subject right after a German verb: a name, or "der Konzern" for the story's company."""
    if _GERMAN_GENERIC_COMPANY.match(between):
        return main[0] if main else None
    first = _organisations(between)
    return first[0][2] if first and first[0][0] == 0 else None


_AI_COMPOUND = re.compile(r"(?i)(?:KI|AI|IA)-")


_MADE = re.compile(r"\b(?:makes?|made|making)\s+(?:its\s+|their\s+|the\s+)?(?=[A-Z])([^,.;]{1,60}?)\s*$")


def _made_available(text: str, cue: re.Match[str]) -> tuple[str | None, str | None]:
    """The maker and the product of a launch told as availability: "Orvane made its Nova AI assistant
    generally available" is Orvane's launch of Nova (read as `_around` reads it, Nova would be the maker)."""
    made = _MADE.search(text, 0, cue.start()) if lx.AVAILABILITY.fullmatch(cue.group(0)) else None
    if not made:
        return None, None
    makers = [n for _, end, n in _organisations(text) if end <= made.start()]
    return (makers[-1] if makers else None), _product(made.group(1))


def _raiser(
    text: str, cue: re.Match[str], sentence: Sentence, sentences: list[Sentence], wider: bool
) -> str | None:
    """The company raising money: the name before the cue; read wider, where none stands there, the one
    "the company" opening the clause refers to."""
    raiser, _ = _around(text, cue)
    talks = _TALKS_WITH.search(text, 0, cue.start()) if wider and raiser is not None else None
    if talks and talks.group(1) == raiser:
        raiser, _ = _around(text, talks)  # "Orvane is in talks with Quillon to raise": Orvane raises
    return _antecedent(text[: cue.start()], sentence, sentences) if wider and raiser is None else raiser


def _talked_with(text: str, cue: re.Match[str]) -> str | None:
    """The company a raiser is in talks with to raise ("Orvane is in talks with Quillon to raise"): an
    investor, not the raiser."""
    talks = _TALKS_WITH.search(text, 0, cue.start())
    return talks.group(1) if talks else None


_TALKS_WITH = re.compile(
    r"\b(?:talks|discussions|negotiations|in touch)\s+with\s+([A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})\s+"
    r"(?:to|about|on|over)\s+(?:\w+\s+){0,2}$"
)


def _antecedent(before: str, sentence: Sentence, sentences: list[Sentence]) -> str | None:
    """The company "the company" or "the French startup" opening a clause refers to: the last one the
    sentence before named ("... one major player in generative AI: Mistral. The French startup raised").
    None where the clause opens otherwise."""
    if sentence.index == 0 or not _opens_with_a_generic_company(before):
        return None
    previous = next((s.text for s in sentences if s.index == sentence.index - 1), "")
    named = [n for _, _, n in _organisations(previous)]
    return named[-1] if named else None


def _generic_subject(before: str, product: str | None, main: list[str]) -> str | None:
    """Who "the company" or "the startup" is: the organisation the product is named after ("Mistral Large":
    Mistral), else the one the story is most about."""
    if not main or not _opens_with_a_generic_company(before):
        return None
    first_word = company_key(product.split()[0]) if product else ""
    return next((name for name in main if company_key(name) == first_word), main[0])


def _opens_with_a_generic_company(before: str, generic: re.Pattern[str] = lx.GENERIC_COMPANY) -> bool:
    """Whether the clause ending where `before` ends opens with "the company", "the startup" and the like
    (`generic`, anchored at the clause's start)."""
    return bool(generic.search(re.split(r"[,;:]\s", before)[-1]))


def _is_subject_of_story(name: str, lead: list[str]) -> bool:
    """A well-known organisation, or one the headline names."""
    key = company_key(name)
    return any(company_key(k) == key for k in KNOWN_ORGANISATIONS) or any(
        company_key(n) == key for n in names_in(lead[0] if lead else "")
    )


def _is_launch(text: str, cue: re.Match[str], sentence: Sentence, wider: bool = False) -> bool:
    after = text[cue.end() : cue.end() + 120]
    # read wider, a capitalised word is a product's name, not what it says ("to all Office users")
    not_product = [m for m in lx.NOT_PRODUCT.finditer(after[:60]) if not (wider and m.group(0)[:1].isupper())]
    if not_product or (lx.WEAK_LAUNCH.match(cue.group(0)) and not sentence.lead):
        return False
    if wider and _TOLD_NOT_LAUNCHED.match(after):
        return False  # "revealed it will pump 15 million euros": something said, not a product shown
    if cue.group(0).lower().startswith("announc") and (
        lx.PARTNERSHIP.search(after[:50]) or lx.STRATEGIC.search(after[:50])
    ):
        return False
    evidence = lx.AI_TERMS.search(text) or lx.AI_CASE_TERMS_CS.search(text) or lx.PRODUCT_WORD.search(text)
    return bool(evidence or (sentence.index == 0 and names_in(after)))


_TOLD_NOT_LAUNCHED = re.compile(r"(?i)\s+(?:that|it|they|he|she|we|plans?|how|what|details|whether)\b")
_PRODUCT_RUN = re.compile(
    r"\s*(?:(?:its|a|an|the|new|first|latest|own|next-generation|son|sa|ses|le nouveau|la nouvelle|"
    r"seinen|seine|ihr|ihre|neues?|neuen)\s+)*"
    r"((?:[A-Z][\w.:+-]*|\d[\w.]*)(?:[ -](?:[A-Z][\w.:+-]*|\d[\w.]*))*)"
)


def _product(after: str) -> str | None:
    """The product a launch cue is followed by: a quoted name, or the capitalised run right after it
    ("unveiled Mistral Large, ...", "releases Llama 4 models", "Introducing GPT-4o")."""
    quoted = re.match(
        r"\s*(?:its |a |an |the |new |first |latest )*[\"“«‘']\s*([^\"”»’']{2,40})[\"”»’']", after
    )
    if quoted:
        return quoted.group(1).strip()
    run = _PRODUCT_RUN.match(after)
    if not run:
        return None
    words = run.group(1).split()
    while words and fold(words[-1]) in {"ai", "for", "in", "on"}:
        words.pop()
    product = " ".join(words[:5]).rstrip(".,:")
    return product if len(product) >= 2 and fold(product) not in {"ai", "ki", "ia"} else None


# --- shared helpers -----------------------------------------------------------------------------------


def names_in(text: str) -> list[str]:
    return [name for _, _, name in _spanned_names(text)]


def _organisations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of a text's organisations, less the outlets reporting it ("Reuters")."""
    return [(s, e, n) for s, e, n in _spanned_names(text) if not is_source(n)]


@functools.lru_cache(maxsize=1024)
def _spanned_names(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, name) of the organisations in a sentence. Cached: every rule of a sentence asks."""
    return tuple((s, e, n) for s, e, n in find_names(text) if _plausible_name(n))


_CUE_WORDS = (lx.PARTNERSHIP, lx.LAUNCH, lx.FUNDING_VERB, lx.ACQUISITION, lx.STRATEGIC, lx.ROUND, lx.RUMOR)
_GERMAN_NOUN = re.compile(
    r"(?:ung|heit|keit|schaft|tion|tät|ismus|nis|tum|enz|anz|ität|ungen|runde|ierung)$", re.IGNORECASE
)
_MONEY_WORD = re.compile(
    r"\b(?:millions?|milliards?|millionen|milliarden|billions?|euros?|dollars?|mrd|mio)\b", re.IGNORECASE
)


@functools.lru_cache(maxsize=4096)
def _plausible_name(name: str) -> bool:
    """Drop capitalised words that are cues, money, or German common nouns rather than organisations."""
    if name in KNOWN_ORGANISATIONS:
        return True
    first = name.split(maxsplit=1)[0]
    if any(p.fullmatch(first) or p.fullmatch(name) for p in _CUE_WORDS):
        return False
    if _MONEY_WORD.search(name) or re.match(r"(?:KI|IA|AI)-", name):
        return False
    return not (" " not in name and _GERMAN_NOUN.search(name) and not name.isupper())


def _around(text: str, cue: re.Match[str]) -> tuple[str | None, str | None]:
    """The organisation just before the cue (its subject) and the first one after it (its object)."""
    names = _organisations(text)
    before = [(s, e, n) for s, e, n in names if e <= cue.start()]
    after = [(s, e, n) for s, e, n in names if s >= cue.end()]
    subject = before[-1][2] if before else None
    if len(after) > 1 and _DESCRIBES_NEXT.fullmatch(text[after[0][1] : after[1][0]]):
        after = after[1:]  # "acquires OpenAI rival Mosaic": the first name only describes the second
    obj = after[0][2] if after and after[0][0] - cue.end() < 60 else None
    return subject, obj


# Between two names, words that make the first describe the second: "OpenAI rival Mistral",
# "Nvidia-backed Run:ai", "Google's former partner Acme".
_DESCRIBES_NEXT = re.compile(
    r"(?:['’]s)?[- ](?:\w+ ){0,2}?(?:rival|competitor|challenger|peer|backed|owned|spin-?off|spinout|"
    r"unit|subsidiary|partner|supplier|customer|concurrent|konkurrent)s? ",
    re.IGNORECASE,
)


def _describes(text: str, name: tuple[int, int, str], after: tuple[int, int, str] | None) -> bool:
    """Whether a name only describes the one after it ("allies with OpenAI rival Mistral AI"), not where
    the words between join the two ("Quillon and its partner Orvane")."""
    if after is None:
        return False
    between = text[name[1] : after[0]]
    return bool(_DESCRIBES_NEXT.fullmatch(between)) and not _JOINING.search(between)


_JOINING = re.compile(r"(?i)\b(?:and|with|und|mit|et|avec)\b")


def is_source(name: str) -> bool:
    return fold(name) in lx.NEWS_SOURCES or fold(name).endswith(" news")


def _site_owner(url: str | None) -> str | None:
    """The organisation whose own site published the story (anthropic.com -> Anthropic), if known."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    label = host.split(".")[-2] if host.count(".") >= 1 else host
    for name in KNOWN_ORGANISATIONS:
        if company_key(name).replace(" ", "") == label.replace("-", ""):
            return name
    return None


def _confidence(sentence: Sentence, detailed: bool) -> float:
    base = 0.85 if sentence.index == 0 else 0.7 if sentence.lead else 0.55
    return min(1.0, base + (0.1 if detailed else 0.0))


def merge_events(
    events: list[DealEvent], same: Callable[[DealEvent, DealEvent], bool] | None = None
) -> list[DealEvent]:
    """One event per deal, details filled from later mentions. Two events are one deal by `same`; by
    default when they share type and parties (launches: product)."""
    is_same = same or _same
    merged: list[DealEvent] = []
    for event in events:
        match = next((m for m in merged if is_same(m, event)), None)
        if match is None:
            merged.append(event)
            continue
        index = merged.index(match)
        parties = list(match.parties)
        roles = list(match.roles)
        for party, role in zip(event.parties, event.roles, strict=False):
            if company_key(party) not in {company_key(p) for p in parties}:
                parties.append(party)
                roles.append(role)
        merged[index] = replace(
            match,
            parties=tuple(parties),
            roles=tuple(roles),
            amount=match.amount if match.amount is not None else event.amount,
            currency=match.currency if match.amount is not None else event.currency,
            amount_usd=match.amount_usd if match.amount is not None else event.amount_usd,
            round=match.round or event.round,
            valuation=match.valuation or event.valuation,
            valuation_currency=match.valuation_currency or event.valuation_currency,
            product=match.product or event.product,
            confidence=max(match.confidence, event.confidence),
        )
    return merged


def _same(a: DealEvent, b: DealEvent) -> bool:
    if a.type != b.type:
        return False
    if a.type == "launch":
        return not a.product or not b.product or company_key(a.product) == company_key(b.product)
    if a.type == "partnership":
        return True  # a story's partnership sentences describe one deal far more often than several
    keys_a = {company_key(p) for p in a.parties[:2]}
    keys_b = {company_key(p) for p in b.parties[:2]}
    return a.subtype == b.subtype and (not keys_a or not keys_b or bool(keys_a & keys_b))
