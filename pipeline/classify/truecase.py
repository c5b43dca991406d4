"""Headlines written in title case, read in the case of ordinary prose. Pure.

An English headline often capitalises every word ("CoreWeave Acquires Core Scientific in $9 Billion Stock
Deal"), so capitals there say nothing about which words are names, and the rules, which find names as runs
of capitalised words, read "Stock Deal" as a company and "DeepSeek Releases Open-Source Reasoning Model" as
one name. The story's own sentences say how each word is written in prose: a word they capitalise in the
middle of a sentence ("to acquire Core Scientific") is a name and keeps its capital; a word they write in
lower case, or a common word they never write at all, loses it. A rare word the story never writes in prose
is taken for a name, and so is one the prose only opens sentences with ("Humane"), since prose cannot tell.
Lines of the prose in title case (the headline repeated above a page's text, subheadings) are no prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.classify import lexicon as lx
from pipeline.classify.vetting import zipf

# A word's share of the headline's words that must be capitalised for the headline to be title case, and
# how many words that counts at least ("Microsoft invests in Mistral" is sentence case).
_TITLE_CASE_SHARE = 0.75
_TITLE_CASE_WORDS = 3
# How common (Zipf scale) a word the story never writes in prose must be to lose its capital: "Landmark"
# (3.9), "Bolsters" (by its stem "bolster", 3.3); not "Anthropic" (0.0).
_COMMON = 2.5
_EVERYDAY = 5.0  # "top", "with", "version", "model": words too everyday to name a product before a number
# Words without their possessive and hyphenated parts apart ("Rakuten’s", "Open-Source").
_WORD = re.compile(r"[^\W\d_][\w.]*")
# Where a new clause starts in a headline, so its first word keeps the capital ("NVIDIA Ampere unleashed:
# NVIDIA announces ...").
_CLAUSE_START = re.compile(r"(?:^|[:;!?|—–]\s*|\s[-–]\s+|[\"“‘«]\s*)$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“‘«(\[—–-]\s*|\n\s*)$")


def is_title_case(headline: str) -> bool:
    """Whether most of the headline's longer words start with a capital."""
    words = [w for w in _WORD.findall(headline) if len(w) >= 4]
    capitalised = sum(w[0].isupper() for w in words)
    return len(words) >= _TITLE_CASE_WORDS and capitalised >= _TITLE_CASE_SHARE * len(words)


def truecased(headline: str, prose: str, language: str | None) -> str:
    """The headline with each capital the story's prose does not give its word set in lower case; a
    headline not in title case, or not in English, as it is."""
    if (language or "en") != "en" or not is_title_case(headline):
        return headline
    # lines in title case are no prose: the headline repeated above the text, subheadings, related links
    prose = "\n".join(line for line in prose.splitlines() if not is_title_case(line))
    pieces: list[str] = []
    written = 0
    name_ends = -1  # where the last word kept as a name ends
    for match in _WORD.finditer(headline):
        word = match.group(0)
        after_name = headline[name_ends : match.start()] == " "
        # a word numbered is a product's name ("Nova 2", "Gemini 1.5"), unless it is an everyday one ("Top
        # 10", "With 20 million users", "Series B")
        numbered = (
            _NUMBER_AFTER.match(headline, match.end()) is not None and zipf(word.lower(), "en") < _EVERYDAY
        )
        cased = word if numbered else _cased(word, headline[: match.start()], prose, after_name)
        pieces += [headline[written : match.start()], cased]
        written = match.end()
        # "AI" before "Security" names a field ("AI Security startup Orvane"), not a company it closes
        name_ends = match.end() if cased[0].isupper() and not _FIELD.fullmatch(cased) else -1
    return "".join(pieces) + headline[written:]


_FIELD = re.compile(r"AI|KI|IA|ML|GenAI")
_NUMBER_AFTER = re.compile(r" \d+(?:\.\d+)?\b(?![%$€£]| ?(?:million|billion|m\b|bn\b|percent|per cent))")


def _cased(word: str, before: str, prose: str, after_name: bool) -> str:
    if not _plainly_capitalised(word) or _CLAUSE_START.search(before):
        return word
    if after_name and lx.ORGANISATION_ENDING.fullmatch(word):
        return word  # "Northgate Systems": a company's closing word, after a name the story may not repeat
    lower = word.lower()
    capitalised = _capitalised_in(word, prose)
    if capitalised == "mid-sentence":
        return word
    if next(_occurrences(lower, prose), None) is not None:
        return lower
    if capitalised == "sentence start":  # "Humane is ...": a name or not, prose cannot tell; kept
        return word
    return lower if _is_common(lower) else word


def _is_common(word: str) -> bool:
    """A common word, or an inflection of one the word list lacks ("bolsters", "outperforms")."""
    stems = [word] + [
        word[: -len(end)] for end in _ENDINGS if word.endswith(end) and len(word) > len(end) + 3
    ]
    return any(zipf(stem, "en") >= _COMMON for stem in stems)


_ENDINGS = ("s", "es", "ed", "d", "ing", "ly")


def _plainly_capitalised(word: str) -> bool:
    """ "Acquires", not "AMD", "DeepSeek" or "U.K."."""
    return word[0].isupper() and word[1:].islower() and "." not in word


def _capitalised_in(word: str, prose: str) -> str | None:
    """Where the prose writes the word with its capital: "mid-sentence", only at a "sentence start", or
    nowhere (None)."""
    where = None
    for at in _occurrences(word, prose):
        if not _SENTENCE_START.search(prose[max(0, at - 3) : at]):
            return "mid-sentence"
        where = "sentence start"
    return where


def _occurrences(word: str, prose: str) -> Iterator[int]:
    """Where the prose writes the word as a word of its own, found as a plain string (a pattern compiled
    for each word of each headline would cost more than the search)."""
    at = prose.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not prose[at - 1].isalnum()) and (end == len(prose) or not prose[end].isalnum()):
            yield at
        at = prose.find(word, at + 1)
