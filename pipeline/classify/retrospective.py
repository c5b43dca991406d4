"""Whether a story tells its news long after the fact: a retrospective, an explainer, a recap. Pure.

The labelling rules give such a story no events, however its headline reads ("Adobe launches Firefly" over
a lead that begins "On March 21, 2023, Adobe unveiled Firefly", written years later). News of the day
dates what it tells by weekday or by a date without its year, or by the day it is published; a lead that
says a thing happened on a day and year well before the story's own date is looking back. Month names are
the Unicode CLDR's, as Babel ships them, in the three languages the news we read is written in.
"""

from __future__ import annotations

import functools
import re
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta

from babel.dates import get_month_names

# How long after the fact a story is a recap rather than news: later news of an announced deal (its
# closing, its approval) comes within weeks; the recaps the labelling rules name come "months later".
RECAP_AGE = timedelta(days=90)

_LANGUAGES = ("en", "de", "fr")


@functools.cache
def _months() -> dict[str, int]:
    """Month names and their abbreviations, folded to lower case, to their numbers."""
    names: dict[str, int] = {}
    for language in _LANGUAGES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=language).items():
                names[name.lower().rstrip(".")] = number
    return names


@functools.cache
def _dated() -> re.Pattern[str]:
    month = "|".join(sorted((re.escape(m) for m in _months()), key=len, reverse=True))
    year = r"(?P<year>(?:19|20)\d\d)"
    return re.compile(
        # "on March 21, 2023", "on 21 March 2023", "am 21. März 2023", "le 21 mars 2023"; "in March 2023"
        rf"(?i)\b(?:on|am|le)\s+(?:(?P<month1>{month})\.?\s+(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?,?"
        rf"|(?P<day2>\d{{1,2}})(?:er|\.)?\s+(?P<month2>{month})\.?,?)\s+{year}\b"
        rf"|\b(?:in|im|en)\s+(?P<month3>{month})\.?\s+{year.replace('year', 'year3')}\b"
    )


# "the deal, first announced on June 4, 2024, closed today": a date that recalls when a deal was agreed
# dates the deal, not the news, which may be its closing or its approval months later
_AGREEMENT_RECALLED = re.compile(
    r"(?i)\b(?:announced|agreed|signed|struck|reached|angekündigt|vereinbart|unterzeichnet|annoncée?s?"
    r"|conclue?s?|signée?s?)\W+(?:\w+\W+)?$"
)


def dates_told(text: str) -> list[date]:
    """The days (or, for "in March 2023", the month's last day) the text says something happened on,
    less those that recall when a deal was agreed."""
    found = []
    for match in _dated().finditer(text):
        if _AGREEMENT_RECALLED.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        groups = match.groupdict()
        month_name = groups["month1"] or groups["month2"] or groups["month3"]
        month = _months()[month_name.lower().rstrip(".")]
        year = int(groups["year"] or groups["year3"])
        day_text = groups["day1"] or groups["day2"]
        day = int(day_text) if day_text else monthrange(year, month)[1]
        if 1 <= day <= monthrange(year, month)[1]:
            found.append(date(year, month, day))
    return found


def is_retrospective(lead: str, published: datetime | None) -> bool:
    """Whether the lead dates what it tells well before the story was published. An undated story that
    dates its news by day and year is read as told after the fact: stored stories always carry a date (the
    feed's, the page's or the time they were fetched), so only a story given by hand lacks one."""
    told = dates_told(lead)
    if not told:
        return False
    if published is None:
        return True
    day = (published if published.tzinfo else published.replace(tzinfo=UTC)).date()
    return max(told) < day - RECAP_AGE
