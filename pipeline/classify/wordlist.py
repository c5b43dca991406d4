"""Word-list patterns that Python's regex engine can scan fast. Pure.

The lexicon's patterns are long alternations of words ("raises|raised|secures|..."), matched whole and
case-insensitive. Written plainly (`(?<![\\w-])(?:a|b|c)(?![\\w])` with IGNORECASE) the engine tries
every alternative at every word start, and these scans were most of the classifier's time. The same
language is compiled here as

    [rRsS...](?<![\\w-].)(?i:(?<=[rR])(?:aises|aised|...)|(?<=[sS])(?:ecures|...))(?![\\w])

that is: alternatives grouped by their first letter, and a case-sensitive class of those letters in front.
A pattern that starts with a plain character class lets the engine skip, in C, every position that cannot
start a match; within a group only the alternatives of that letter are tried. Where some alternative does
not start with a letter (after leading groups are spread out: "(?:deal|accord) with" is "deal with|accord
with"), the plain form is kept. The fast form matches exactly what the plain one does: at a given position
only alternatives starting with that letter could match, and their order is kept.
"""

from __future__ import annotations

import re

_BEFORE = r"(?<![\w-])"
_AFTER = r"(?![\w])"


def plain_pattern(*alternatives: str) -> re.Pattern[str]:
    """The reference form: what `word_pattern` must match, written the obvious way."""
    return re.compile(_BEFORE + "(?:" + "|".join(alternatives) + ")" + _AFTER, re.IGNORECASE)


def word_pattern(*alternatives: str) -> re.Pattern[str]:
    """Any of the alternatives as a whole word (not inside a longer word or a hyphenated one), any case."""
    for alternative in alternatives:
        if re.search(r"(?<!\\)\((?!\?)", alternative):
            raise ValueError(f"capturing group in word alternative {alternative!r}: use (?:...)")
    spread = [s for a in alternatives for s in _spread_leading_group(a)]
    if not all(_starts_with_letter(a) for a in spread):
        return plain_pattern(*alternatives)  # rare (the AI terms), and only ever read on a few sentences
    groups: dict[str, list[str]] = {}
    for alternative in spread:
        groups.setdefault(alternative[0].lower(), []).append(alternative[1:] or "(?:)")
    letters = "".join(_both_cases(k) for k in groups)
    branches = "|".join(f"(?<=[{_both_cases(k)}])(?:{'|'.join(tails)})" for k, tails in groups.items())
    # the lookbehind sees two characters: the first letter, already consumed, and the one before it
    return re.compile(f"[{letters}](?<![\\w-].)(?i:{branches}){_AFTER}")


def _starts_with_letter(alternative: str) -> bool:
    return alternative[0].isalpha() and alternative[1:2] not in ("?", "*", "+", "{")


def _both_cases(letter: str) -> str:
    upper = letter.upper()
    return letter + upper if len(upper) == 1 and upper != letter else letter


def _spread_leading_group(alternative: str) -> list[str]:
    """ "(?:deal|accord) with" -> ["deal with", "accord with"]; other alternatives as they are."""
    if not alternative.startswith("(?:"):
        return [alternative]
    depth, inner_end = 0, -1
    choices: list[str] = []
    start = 3
    i = 0
    while i < len(alternative):
        char = alternative[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = alternative.index("]", i + 2) + 1  # "[]...]" never occurs in the lexicon
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                inner_end = i
                break
        elif char == "|" and depth == 1:
            choices.append(alternative[start:i])
            start = i + 1
        i += 1
    rest = alternative[inner_end + 1 :]
    if inner_end < 0 or rest[:1] in ("?", "*", "+", "{"):
        return [alternative]  # an optional or repeated leading group stays as it is
    choices.append(alternative[start:inner_end])
    return [s for choice in choices for s in _spread_leading_group(choice + rest)]
