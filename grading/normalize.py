"""Text normalisation shared by every matcher: Unicode folding, tokens, numbers spoken in words.

Answers are typed by a help-desk agent from what the caller said, so "fourteen twenty-three",
"one four two three" and "1423" must all reach the matchers as the same digits.
"""

from __future__ import annotations

import functools
import re

from vocabulary.folding import fold as fold

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
_NUMBER_WORDS = set(_UNITS) | set(_TENS) | set(_SCALES)

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Letters/digits runs of the folded text; punctuation and underscores separate tokens."""
    return _TOKEN_RE.findall(fold(text))


def _is_number_word(token: str, previous_is_number: bool) -> bool:
    # "oh" is a zero only inside a spoken number ("one four oh two"), never on its own.
    return token in _NUMBER_WORDS or (token == "oh" and previous_is_number)


def _group_value(words: list[str]) -> str:
    """Digits for one run of number words.

    Runs of single digits are read digit by digit ("one four two three" -> 1423); runs without
    hundred/thousand are read in pairs ("fourteen twenty three" -> 1423); otherwise as a
    cardinal ("one hundred five" -> 105).
    """
    values = [0 if w == "oh" else _UNITS.get(w, _TENS.get(w, _SCALES.get(w, 0))) for w in words]
    if any(w in _SCALES for w in words):
        total, current = 0, 0
        for word, value in zip(words, values, strict=True):
            if word == "hundred":
                current = max(current, 1) * 100
            elif word == "thousand":
                total, current = (total + max(current, 1)) * 1000, 0
            else:
                current += value
        return str(total + current)
    parts: list[int] = []
    for word, value in zip(words, values, strict=True):
        if parts and word not in _TENS and value < 10 and parts[-1] >= 20 and parts[-1] % 10 == 0:
            parts[-1] += value  # "twenty three" -> 23
        else:
            parts.append(value)
    return "".join(str(p) for p in parts)


def numbers_to_digits(text: str) -> str:
    """Replace runs of English number words with digits; other text is folded and tokenised."""
    out: list[str] = []
    run: list[str] = []
    for token in tokens(text.replace("-", " ")):
        if _is_number_word(token, bool(run)) or (token == "and" and run and run[-1] in _SCALES):
            run.append(token)
            continue
        _flush(run, out)
        run = []
        out.append(token)
    _flush(run, out)
    return " ".join(out)


def _flush(run: list[str], out: list[str]) -> None:
    trailing_and = bool(run) and run[-1] == "and"  # "a hundred and Bob": the "and" is a word
    words = [w for w in run if w != "and"]
    if words:
        out.append(_group_value(words))
    if trailing_and:
        out.append("and")


def normalize(text: str) -> str:
    """The canonical form matchers compare: folded tokens, number words as digits."""
    return numbers_to_digits(text)


@functools.lru_cache(maxsize=1 << 16)  # pure, and the text matchers ask it of a token many times
def has_digit(token: str) -> bool:
    return any(ch.isdigit() for ch in token)
