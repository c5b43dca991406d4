"""Country and region names, to tell a place ("China", "Saudi Arabia", "Allemagne") from a company. Pure.

The names are the Unicode CLDR's, as Babel ships them: every country, territory and world region, in the
three languages the news we read is written in. Cities are not among them: a gazetteer of cities is tens
of megabytes, and a city shares its name with companies more often ("Nice", "Orange", "Phoenix").
"""

from __future__ import annotations

import functools

from babel import Locale

from pipeline.names import fold

_LANGUAGES = ("en", "de", "fr")


@functools.cache
def place_names() -> frozenset[str]:
    return frozenset(
        fold(name) for language in _LANGUAGES for name in Locale.parse(language).territories.values()
    )


def is_place(name: str) -> bool:
    return fold(name) in place_names()
