"""Organisation names: finding them in a sentence, and one key for every spelling of a company. Pure."""

from __future__ import annotations

import re

from pipeline.names import company_key, fold

# Well-known AI companies and products whose spelling a capitalisation rule would miss or split.
KNOWN_ORGANISATIONS = (
    "OpenAI",
    "Anthropic",
    "Google DeepMind",
    "DeepMind",
    "Google Cloud",
    "Google",
    "Alphabet",
    "Microsoft",
    "Meta",
    "Nvidia",
    "NVIDIA",
    "Amazon Web Services",
    "AWS",
    "Amazon",
    "Apple",
    "IBM",
    "Oracle",
    "Salesforce",
    "SAP",
    "Intel",
    "AMD",
    "Advanced Micro Devices",
    "Qualcomm",
    "Samsung",
    "Baidu",
    "Alibaba",
    "Tencent",
    "ByteDance",
    "Hugging Face",
    "Stability AI",
    "Cohere",
    "Perplexity",
    "Databricks",
    "Snowflake",
    "Inflection AI",
    "Character.AI",
    "Runway",
    "Midjourney",
    "Aleph Alpha",
    "Mistral AI",
    "Mistral",
    "xAI",
    "SoftBank",
    "SoftBank Group",
    "Sequoia Capital",
    "Andreessen Horowitz",
    "a16z",
    "Lightspeed Venture Partners",
    "Index Ventures",
    "Accel",
    "General Catalyst",
    "Thrive Capital",
    "Tiger Global",
    "Y Combinator",
    "Khosla Ventures",
    "Greylock",
    "Kleiner Perkins",
    "Bpifrance",
    "Deutsche Telekom",
    "Telekom",
    "Vodafone",
    "Siemens",
    "Bosch",
    "Axel Springer",
    "Run:ai",
    "Scale AI",
    "Adept",
    "MosaicML",
    "Nuance",
    "Figma",
    "Adobe",
    "Arm",
    "TSMC",
    "Tesla",
    "X",
    "Bloomberg",
    "Reuters",
    "Silo AI",
    "Helsing",
    "DeepL",
    "Synthesia",
)
_NOT_NAMES = {
    # quantifiers that open a sentence ("Existing investors Sequoia and a16z also joined")
    "existing",
    "other",
    "several",
    "both",
    "all",
    "some",
    "many",
    "ki-start-up",
    "ki-startup",
    "ai-startup",
    "unternehmen",
    "konzern",
    "konzerne",
    "firma",
    "firmen",
    "münchner",
    "berliner",
    "hamburger",
    "heidelberger",
    "pariser",
    "londoner",
    "kölner",
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "on",
    "in",
    "at",
    "for",
    "with",
    "by",
    "from",
    "as",
    "of",
    "to",
    "this",
    "that",
    "these",
    "those",
    "its",
    "it",
    "his",
    "her",
    "their",
    "our",
    "we",
    "they",
    "he",
    "she",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "ai",
    "ki",
    "ia",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "us",
    "u.s.",
    "uk",
    "eu",
    "europe",
    "european",
    "america",
    "american",
    "french",
    "german",
    "british",
    "chinese",
    "israeli",
    "indian",
    "japanese",
    "paris",
    "london",
    "berlin",
    "munich",
    "new",
    "series",
    "seed",
    "today",
    "yesterday",
    "last",
    "next",
    "after",
    "before",
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "du",
    "de",
    "der",
    "die",
    "das",
    "ein",
    "eine",
    "und",
    "mit",
    "im",
    "am",
    "zum",
    "zur",
    "sur",
    "pour",
    "avec",
    "dans",
    "selon",
    "über",
    "nach",
    "wie",
    "als",
    "here",
    "what",
    "why",
    "how",
    "when",
    "who",
    "exclusive",
    "update",
    "breaking",
    "report",
    "reports",
    "introducing",
    "announcing",
    "according",
    "startup",
    "start-up",
    "start",
    "techcrunch",
    "chatgpt",
    "generative",
    "artificial",
    "intelligence",
    "künstliche",
    "intelligenz",
    "gpu",
    "gpus",
    "billion",
    "million",
    "percent",
    "inc",
    "corp",
    "ltd",
    "n",
    "s",
    "regulators",
    "lawmakers",
    "investors",
    "analysts",
    "officials",
    "sources",
    "researchers",
    "scientists",
    "startups",
    "companies",
    "shares",
    "stocks",
    "users",
    "customers",
    "developers",
    "experts",
    "people",
    "read",
    "more",
    "see",
    "also",
    "photo",
    "image",
    "getty",
    "images",
    "video",
    "watch",
    "listen",
    "english",
    "spanish",
    "italian",
    "dutch",
    "swiss",
    "canadian",
    "australian",
    "korean",
    "emirati",
    "français",
    "française",
    "allemand",
    "deutsche",
    "deutschen",
    "deutschlands",
    "deutschland",
    "europas",
    "es",
    "er",
    "sie",
    "wir",
    "mehrere",
    "seit",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "angaben",
    "zeiten",
    "bereich",
    "trio",
    "forscher",
    "gipfel",
    "regierung",
    "risiken",
    "en",
    "il",
    "elle",
    "ils",
    "parmi",
    "l'annonce",
    "however",
    "recently",
    "moreover",
    "meanwhile",
    "under",
    "llm",
    "llms",
    "fms",
    "api",
    "u.s",
    "so",
    "if",
    "what's",
    "who's",
}
_NAME_ARTICLES = {"Le", "La", "Les", "The"}
_TOKEN = r"(?:(?![A-Za-z]+-(?:powered|driven|based|backed|led|focused|native|first|generated|enabled)\b)(?:[A-Z][\w&.'’:+-]*[\w&+]|[A-Z]|[a-z]+[A-Z][\w.-]*))"  # noqa: E501, S105 - a regex, not a secret
_NAME = re.compile(rf"(?<![\w$€£¥.:]){_TOKEN}(?:\s(?:{_TOKEN}|&|of)(?=\s|$|[,;:.!?)\"”’]))*(?:\s{_TOKEN})?")
_KNOWN = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(n) for n in sorted(KNOWN_ORGANISATIONS, key=len, reverse=True))
    + r")(?![\w-])"
)


def clean_name(name: str) -> str:
    return re.sub(r"['’]s$", "", name.strip(" ,;:.!?\"“”'’()"))


def find_names(sentence: str) -> list[tuple[int, int, str]]:
    """Organisation-like names in a sentence: known names first, then runs of capitalised words.
    Returns (start, end, name), in order of appearance."""
    found: list[tuple[int, int, str]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in found)

    for match in _KNOWN.finditer(sentence):
        found.append((match.start(), match.end(), match.group(1)))
    for match in _NAME.finditer(sentence):
        start, end = match.span()
        words = match.group(0).split()
        # drop leading words that are not names ("The", "French", "On")
        while (
            words
            and fold(words[0]).strip(".,'’") in _NOT_NAMES
            and not (
                start > 0
                and len(words) > 1
                and words[0] in _NAME_ARTICLES  # "Le Chat" mid-sentence is a name
            )
        ):
            start += len(words[0]) + 1
            words = words[1:]
        while words and fold(words[-1]).strip(".,'’") in _NOT_NAMES:
            words = words[:-1]
        if not words:
            continue
        name = clean_name(" ".join(words))
        end = start + len(" ".join(words))
        known_inside = [(s, e) for s, e, _ in found if start <= s < end or start < e <= end]
        if known_inside and all(s == start for s, _ in known_inside):
            # "Google Eric Schmidt": a known name followed by another one; keep the rest
            rest_start = max(e for _, e in known_inside)
            rest = sentence[rest_start:end].strip()
            if rest and rest[0].isupper() and fold(rest) not in _NOT_NAMES:
                found.append((end - len(rest), end, clean_name(rest)))
            continue
        if len(name) < 2 or overlaps(start, end) or fold(name) in _NOT_NAMES:
            continue
        found.append((start, end, name))
    return sorted(found)


def unique_names(names: list[str]) -> list[str]:
    """Names in order, one per company key."""
    seen: set[str] = set()
    result = []
    for name in names:
        key = company_key(name)
        if key and key not in seen:
            seen.add(key)
            result.append(name)
    return result
