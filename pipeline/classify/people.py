"""Given names, to tell a person ("Jeff Bezos", "Esther Dyson") from a company. Pure.

The list is Faker's: its person providers carry thousands of real given names per locale, curated and kept
up by its maintainers, in the languages and regions the news we read comes from. Only those word lists are
imported, never Faker's generator.
"""

from __future__ import annotations

import functools
import importlib

# The locales whose names appear in deal news: English-, German- and French-speaking countries, and the
# home countries of the founders and investors these stories name most.
_LOCALES = (
    "en_US",
    "en_GB",
    "en_IN",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "pl_PL",
    "sv_SE",
    "fi_FI",
)


# Given names AI business news writes often that none of those locales lists (the founders and chief
# executives of its companies, from general knowledge, reading no labelled story).
_NEWS_GIVEN_NAMES = (
    "Elon",
    "Sundar",
    "Satya",
    "Jensen",
    "Jen-Hsun",
    "Demis",
    "Aidan",
    "Reid",
    "Masayoshi",
    "Ilya",
    "Emad",
    "Yann",
    "Clem",
    "Alexandr",
    "Aravind",
    "Arvind",
    "Kai-Fu",
    "Fei-Fei",
    "Ginni",
    "Safra",
    "Sergey",
    "Elad",
    "Noam",
    "Yoshua",
    "Arkady",
    "Jony",
    "Lip-Bu",
    "Cristiano",
    "Lukasz",
)


@functools.cache
def given_names() -> frozenset[str]:
    names: set[str] = set(_NEWS_GIVEN_NAMES)
    for locale in _LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            values = getattr(provider, attribute, ())
            names.update(values.keys() if isinstance(values, dict) else values)
    return frozenset(names)


def is_given_name(word: str) -> bool:
    return word in given_names()


def is_given_and_surname(name: str) -> bool:
    """Two words written as a person's name: a given name, then a capitalised surname ("Scott Guthrie",
    "Elon Musk"). Companies and products are written so too ("Meta Platforms", "Nova 2" is not): callers
    add what tells them apart for their case."""
    words = name.split()
    return len(words) == 2 and is_given_name(words[0]) and words[1].isalpha() and words[1].istitle()
