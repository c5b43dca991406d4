"""Money amounts in English, German and French news text: "$1.5bn", "€15 million", "1,5 Mrd. Euro",
"15 millions d'euros", "two billion euros", "half a billion dollars". Pure.

Each mention keeps its position and the words just before and after it, so the classifier can tell an
investment amount from a valuation, a range or an upper bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "RS": "INR",
    "RS.": "INR",
}
CURRENCY_CODES = {
    "USD",
    "EUR",
    "GBP",
    "CHF",
    "JPY",
    "CNY",
    "RMB",
    "INR",
    "CAD",
    "AUD",
    "SEK",
    "NOK",
    "DKK",
    "KRW",
    "SGD",
    "HKD",
    "BRL",
    "ILS",
    "AED",
    "SAR",
}
_CURRENCY_WORDS = [
    (r"us[- ]?dollars?|u\.s\. dollars?|dollars?|dollar", "USD"),
    (r"euros?|euro", "EUR"),
    (r"pounds? sterling|pounds?|sterling", "GBP"),
    (r"swiss francs?|francs? suisses?|franken", "CHF"),
    (r"yuan|renminbi", "CNY"),
    (r"yen", "JPY"),
    (r"rupees?", "INR"),
    (r"(?:korean )?won", "KRW"),
]
_SCALES = [
    (r"trillions?|tn|trn|billionen", 1e12),
    (r"billions?|bn|bln|b|milliards?|mrd\.?|milliarden?|md", 1e9),
    (r"millions?|mn|mln|mio\.?|millionen|m", 1e6),
    (r"crores?", 1e7),  # Indian numbering: a crore is ten million, a lakh a hundred thousand
    (r"lakhs?|lacs?", 1e5),
    (r"thousands?|k|tsd\.?|mille", 1e3),
]
# Only India counts in crores and lakhs: such a sum with no currency given is in rupees.
_INDIAN_SCALES = re.compile(r"(?i)crores?|lakhs?|lacs?")
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
    "a": 1,
    "an": 1,
    "half a": 0.5,
    "a half": 0.5,
    "halbe": 0.5,
    "eine halbe": 0.5,
    "ein": 1,
    "eine": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "zehn": 10,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "dix": 10,
    "demi": 0.5,
}

_SYMBOL = r"(?P<sym>US\$|C\$|CA\$|A\$|AU\$|HK\$|S\$|R\$|[$€£¥₹₩]|(?<![a-z])Rs\.?)"
_CODE = r"(?P<code>" + "|".join(sorted(CURRENCY_CODES)) + r")"
_NUMBER = r"(?P<num>\d{1,3}(?:[,. \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_WORDNUM = (
    r"(?P<word>" + "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True)) + r")"
)
_SCALE = r"(?P<scale>" + "|".join(p for p, _ in _SCALES) + r")"
_CURWORD = r"(?P<cur>(?:d['’]\s*)?(?:" + "|".join(p for p, _ in _CURRENCY_WORDS) + r"))"

# symbol/code first: "$1.5bn", "€ 15 million", "USD 2 billion", "US$ 300m"
_PREFIXED = re.compile(rf"(?:{_SYMBOL}|{_CODE}\s?)\s?{_NUMBER}[\s-]?(?:{_SCALE}\b\.?)?(?!\w)", re.IGNORECASE)
# number first: "15 millions d'euros", "1,5 Mrd. Euro", "two billion euros", "2.065 billion"
_SUFFIXED = re.compile(
    rf"(?<![\w$€£¥₹₩.,])(?:{_NUMBER}\s?|{_WORDNUM}\s)(?:{_SCALE}\b\.?)?\s?(?:de\s)?(?:{_CURWORD}\b|{_SYMBOL}|{_CODE}\b)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Money:
    """One amount of money found in a text."""

    amount: float
    currency: str | None  # ISO 4217, None when the text names no currency
    start: int
    end: int
    text: str


def parse_number(text: str, decimal_comma: bool = False) -> float | None:
    """ "1,500,000" -> 1500000; "1.5" -> 1.5; "1,5" -> 1.5 (a comma before one or two digits is a
    decimal comma); "1.500" with decimal_comma -> 1500; "1 500" -> 1500."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if re.fullmatch(r"\d{1,3}(?: \d{3})+(?:,\d+)?", text):
        text = text.replace(" ", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text) and (
        decimal_comma or text.count(".") > 1 or "," in text
    ):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", text) or (decimal_comma and re.fullmatch(r"\d+,\d+", text)):
        text = text.replace(",", ".")
    elif "," in text:
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def find_money(text: str, language: str = "en") -> list[Money]:
    """Every amount of money in the text, in order. An amount needs a currency or a scale word
    ("2.065 billion"); a bare number ("105") is not money."""
    decimal_comma = language in ("de", "fr")
    found: list[Money] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_PREFIXED, _SUFFIXED):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            money = _money(match, decimal_comma)
            if money is None:
                continue
            taken.append((start, end))
            found.append(Money(money[0], money[1], start, end, text[start:end].strip()))
    return sorted(found, key=lambda m: m.start)


def _money(match: re.Match[str], decimal_comma: bool) -> tuple[float, str | None] | None:
    groups = match.groupdict()
    scale = _scale(groups.get("scale"))
    currency = _currency(groups)
    if groups.get("word"):
        if scale is None:  # "two euros" is not a deal size; "two billion euros" is
            return None
        value = _WORD_NUMBERS[groups["word"].lower()]
    else:
        number = parse_number(groups["num"], decimal_comma)
        if number is None:
            return None
        value = number
    if currency is None and scale is None:
        return None
    if (groups.get("scale") or "").lower() == "m" and not (groups.get("sym") or groups.get("code")):
        return None  # "5 m" alone is more often metres than millions
    if (groups.get("scale") or "").lower() == "b" and not (groups.get("sym") or groups.get("code")):
        return None
    if currency is None and _INDIAN_SCALES.fullmatch(groups.get("scale") or ""):
        currency = "INR"
    return value * (scale or 1), currency


def _scale(word: str | None) -> float | None:
    if not word:
        return None
    lowered = word.lower().rstrip(".")
    for pattern, factor in _SCALES:
        if re.fullmatch(pattern.replace(r"\.?", ""), lowered):
            return factor
    return None


def _currency(groups: dict[str, str | None]) -> str | None:
    if groups.get("sym"):
        return _SYMBOLS.get(groups["sym"].upper() if groups["sym"] else "", _SYMBOLS.get(groups["sym"] or ""))
    if groups.get("code"):
        code = (groups["code"] or "").upper()
        return "CNY" if code == "RMB" else code
    if groups.get("cur"):
        word = re.sub(r"^d['’]\s*", "", (groups["cur"] or "").lower())
        for pattern, code in _CURRENCY_WORDS:
            if re.fullmatch(pattern, word):
                return code
    return None
