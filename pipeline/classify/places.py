"""Country and region names, to tell a place ("China", "Saudi Arabia", "Allemagne") from a company. Pure.

The names are the Unicode CLDR's, as Babel ships them: every country, territory and world region, in the
three languages the news we read is written in; and, from ISO 3166-2 as pycountry ships it, the states,
provinces and territories of the countries whose governments the news most often tells spending on AI
("Quebec", "North Carolina", "Bayern"; their lower levels, counties and districts, share names with
companies and people far more often). Of cities, only the few where AI deals are made and told
("a San Francisco startup", "A Montreal startup", "Abu Dhabi's MGX"), in their English, German and French
names: a gazetteer of cities is tens of megabytes, and a city shares its name with companies more often
than a country does ("Nice", "Orange", "Phoenix", "Austin", "Oxford" are left out).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pycountry
from babel import Locale

from pipeline.names import fold

_LANGUAGES = ("en", "de", "fr")


TECH_HUBS = (
    "San Francisco",
    "Silicon Valley",
    "Bay Area",
    "Palo Alto",
    "Mountain View",
    "Menlo Park",
    "Cupertino",
    "Santa Clara",
    "Sunnyvale",
    "San Jose",
    "Redmond",
    "Seattle",
    "Los Angeles",
    "New York",
    "Boston",
    "Toronto",
    "Montreal",
    "Montréal",
    "Vancouver",
    "London",
    "Paris",
    "Berlin",
    "Munich",
    "München",
    "Hamburg",
    "Frankfurt",
    "Düsseldorf",
    "Heidelberg",
    "Stuttgart",
    "Cologne",
    "Köln",
    "Zurich",
    "Zürich",
    "Geneva",
    "Genf",
    "Genève",
    "Amsterdam",
    "Stockholm",
    "Helsinki",
    "Copenhagen",
    "Oslo",
    "Dublin",
    "Brussels",
    "Brüssel",
    "Bruxelles",
    "Madrid",
    "Barcelona",
    "Lisbon",
    "Lissabon",
    "Lisbonne",
    "Milan",
    "Mailand",
    "Vienna",
    "Wien",
    "Vienne",
    "Tel Aviv",
    "Dubai",
    "Abu Dhabi",
    "Riyadh",
    "Doha",
    "Bangalore",
    "Bengaluru",
    "Mumbai",
    "New Delhi",
    "Beijing",
    "Peking",
    "Pékin",
    "Shanghai",
    "Shenzhen",
    "Hangzhou",
    "Tokyo",
    "Tokio",
    "Seoul",
    "Séoul",
    "Sydney",
    "Londres",
    "Francfort",
)


# ISO 3166-2 first-level subdivisions by country: which kinds are a state or province
SUBDIVISIONS = {
    "US": ("State", "District"),
    "CA": ("Province", "Territory"),
    "DE": ("Land",),
    "AU": ("State", "Territory"),
    "IN": ("State", "Union territory"),
    "GB": ("Country", "Province"),
}
_OTHER_NAME = re.compile(r"\s*\[.*\]$")  # "Wales [Cymru GB-CYM]"


@functools.cache
def place_names() -> frozenset[str]:
    territories = (name for language in _LANGUAGES for name in Locale.parse(language).territories.values())
    return frozenset(fold(name) for name in (*territories, *TECH_HUBS, *subdivision_names()))


def subdivision_names() -> list[str]:
    """The states and provinces of SUBDIVISIONS, read from pycountry's data file directly: its query
    interface keeps all 5,000 subdivisions of the world in memory for the life of the process."""
    data = json.loads((Path(pycountry.DATABASE_DIR) / "iso3166-2.json").read_text(encoding="utf-8"))
    return [
        _OTHER_NAME.sub("", entry["name"])
        for entry in data["3166-2"]
        if entry["type"] in SUBDIVISIONS.get(entry["code"][:2], ())
    ]


def is_place(name: str) -> bool:
    """Whether the name is a country's, a region's, a state's or province's, or a tech hub's."""
    return fold(name) in place_names()
