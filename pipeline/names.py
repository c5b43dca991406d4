"""Company names compared across spellings: folding case and accents, one key per company, and whether two
names are one company. Pure. The classifier, the deal merge, storage, the digest and evaluation all
compare names this one way."""

from __future__ import annotations

import functools
import re
import unicodedata

_LEGAL_SUFFIXES = re.compile(
    r"[\s,-]+(inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|sa|sas|sarl|gmbh|ag|se|nv|bv|"
    r"holdings?|group|gruppe|technologies|labs?|platforms)\.?$",
    re.IGNORECASE,
)
# Spellings of one company that no suffix rule joins.
_ALIASES = {
    "aws": "amazon",
    "amazon web services": "amazon",
    "amazon com": "amazon",
    "meta platforms": "meta",
    "alphabet": "google",
    "google deepmind": "deepmind",
    "advanced micro devices": "amd",
}


def fold(text: str) -> str:
    """Lower case without accents, for comparing words across spellings."""
    if text.isascii():  # most text: nothing to strip, and decomposing every character is the slow part
        return text.casefold()
    normalised = unicodedata.normalize("NFKD", text)
    return "".join(c for c in normalised if not unicodedata.combining(c)).casefold()


@functools.lru_cache(maxsize=4096)  # a story asks for the same few names many times
def company_key(name: str) -> str:
    """One key for every spelling of a company: "Mistral AI SAS", "Mistral AI", "Mistral" -> "mistral"."""
    key = fold(name).strip(" .,'’\"")
    key = re.sub(r"['’]s$", "", key)
    previous = None
    while previous != key:
        previous = key
        key = _LEGAL_SUFFIXES.sub("", key).strip()
        key = re.sub(r"\s+(ai|a\.i\.|\.ai)$", "", key)
    key = re.sub(r"[^\w]+", " ", key).strip()
    key = re.sub(r"^(?:u s|us|uk|eu|the) ", "", key)  # "U.S. Department of Defense": same department
    return _ALIASES.get(key, key)


def same_company(a: str, b: str) -> bool:
    """Whether two names are one company: equal keys, a key that starts the other ("WNS", "WNS India";
    "Meta", "Meta Platforms"), or an acronym ("AMD", "Advanced Micro Devices")."""
    key_a, key_b = company_key(a), company_key(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    short, long = sorted((key_a.split(), key_b.split()), key=len)
    if len(short) < len(long) and long[: len(short)] == short and len(short[0]) >= 3:
        return True
    return len(short) == 1 and len(long) >= 2 and short[0] == "".join(w[0] for w in long)
