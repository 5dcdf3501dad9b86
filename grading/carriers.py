"""Answer-carrying words (vocabulary/carriers.py) and numbers the caller adds in passing.

A carrying word of the answer where the expected answer has another of the same class (weekly
for monthly, Tuesday for Thursday, second for third, am for pm) is a conflict, whatever the fuzzy
score. A number that is a time of day ("around 3", "2 pm", "3:30") or a count ("the 5 of us",
"2 days") says nothing against the expected answer and must not trip the number guard.
"""

from __future__ import annotations

import re

from vocabulary.carriers import FREQUENCIES, FREQUENCY_FORMS, MERIDIEM, MONTHS, ORDINALS, WEEKDAYS

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = {n: name for name, n in MONTHS.items() if len(name) > 4 or name == "june"}
# word -> (class, canonical form). "may" is left out: in an answer it is mostly the verb.
_CARRIERS: dict[str, tuple[str, str]] = {
    **{w: ("weekday", _WEEKDAY_NAMES[d]) for w, d in WEEKDAYS.items()},
    **{w: ("month", _MONTH_NAMES.get(n, w)) for w, n in MONTHS.items() if w != "may"},
    **{w: ("frequency", w) for w in FREQUENCIES},
    **{w: ("frequency", canonical) for w, canonical in FREQUENCY_FORMS.items()},
    **{w: ("ordinal", w) for w in ORDINALS},
    **{w: ("am/pm", w) for w in MERIDIEM},
}
_PHRASES = [
    (r"\bbi[\s-]+weekly\b|\bevery[\s-]+(?:other|2|two|second)[\s-]+weeks?\b", "biweekly"),
    (r"\bbi[\s-]+monthly\b|\bevery[\s-]+(?:other|2|two)[\s-]+months?\b", "bimonthly"),
    (r"\bsemi[\s-]+annual(?:ly)?\b|\btwice a year\b", "semiannual"),
    (r"\b(?:every|each|once a) day\b", "daily"),
    (r"\b(?:every|each|once a) week\b", "weekly"),
    (r"\b(?:every|each|once a) month\b", "monthly"),
    (r"\b(?:every|each|once a) quarter\b", "quarterly"),
    (r"\b(?:every|each|once a) year\b", "annual"),
    (r"\b(\d{1,2})?\s*a\.\s?m\.?", r"\1 am"),
    (r"\b(\d{1,2})?\s*p\.\s?m\.?", r"\1 pm"),
    (r"\b(\d{1,2})(am|pm)\b", r"\1 \2"),
]
_FORMS_RE = re.compile(r"\b(?:" + "|".join(FREQUENCY_FORMS) + r")\b")


def spoken_forms(folded: str) -> str:
    """Folded text with spoken frequency and am/pm forms written one way."""
    for pattern, word in _PHRASES:
        folded = re.sub(pattern, word, folded)
    return _FORMS_RE.sub(lambda m: FREQUENCY_FORMS[m.group(0)], folded)


def carried(tokens: list[str]) -> dict[str, set[str]]:
    """Class -> the canonical carrying words among `tokens`."""
    out: dict[str, set[str]] = {}
    for i, token in enumerate(tokens):
        if token in _CARRIERS:
            name, canonical = _CARRIERS[token]
            if name == "am/pm" and not (i and tokens[i - 1].isdigit()):
                continue  # "I am sure": am/pm only after a clock number
            out.setdefault(name, set()).add(canonical)
    return out


def carrier_conflict(expected: list[str], answer: list[str]) -> str | None:
    """The first carrying word of the answer where the expected says another of its class."""
    want, said = carried(expected), carried(answer)
    for name, words in said.items():
        extra = words - want.get(name, set())
        if name in want and extra:
            return (
                f"the answer says '{sorted(extra)[0]}' where the expected answer says "
                f"'{sorted(want[name])[0]}' ({name})"
            )
    return None


_BEFORE_TIME = "at around about by until till from before after approximately roughly"
_TIME_BEFORE = frozenset(_BEFORE_TIME.split())
_TIME_AFTER = frozenset({"am", "pm", "oclock", "o", "ish", "h", "sharp"})
_COUNTED = """people persons person folks attendees minutes mins minute hours hour hrs days day
    weeks week times tickets files commits slides pages emails mails messages calls participants
    guests"""
_COUNT_AFTER = frozenset(_COUNTED.split())


def incidental_numbers(tokens: list[str]) -> set[str]:
    """Numbers among `tokens` that are a time of day or a count the caller added."""
    out: set[int] = set()
    for i, token in enumerate(tokens):
        if not (token.isdigit() and len(token) <= 2):
            continue
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        after2 = tokens[i + 2] if i + 2 < len(tokens) else ""
        timed = (
            before in _TIME_BEFORE or after in _TIME_AFTER or (i - 1 in out and before.isdigit())
        )
        counted = after in _COUNT_AFTER or (after == "of" and after2 in {"us", "them"})
        if timed or counted:
            out.add(i)
    return {tokens[i] for i in out}
