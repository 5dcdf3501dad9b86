"""Which model-suggested variants an answer may accept.

A variant widens what the grader takes as correct, and the model writing it has read text that
other people wrote (ticket summaries, commit messages): a variant is an injection path unless it
is provably another spelling of the SAME fact's value. So a suggestion is kept only when it is
  - a spelling of the expected answer: the same identifier (or its number without the project
    key), the same people (first names or small typos), or a short form of the title whose every
    word is in the title and that keeps most of its distinctive words; and
  - not also a spelling of any other item's values (then it would accept another fact).
Everything else is dropped with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from context.models import ContextItem
from questions.facts import distinctive_words, words
from vocabulary.answers import AnswerKind
from vocabulary.people import split_people

MAX_LENGTH = 120
SIMILAR = 85.0  # rapidfuzz ratio at which two words or names are one spelling
TITLE_COVERAGE = 0.6  # share of the title's distinctive words a short form must keep


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _same_identifier(variant: str, value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return _alnum(variant) == _alnum(value) or bool(digits and _alnum(variant) == digits)


def _word_in(word: str, title_words: Iterable[str]) -> str | None:
    """The title word `word` spells (equal, an abbreviation of 3+ letters, or a typo)."""
    for other in title_words:
        if word == other or (len(word) >= 3 and other.startswith(word)):
            return other
        if len(word) >= 4 and fuzz.ratio(word, other) >= SIMILAR:
            return other
    return None


def _short_form(variant: str, value: str) -> bool:
    title = words(value)
    said = words(variant)
    if not said or not title:
        return False
    # Words that tell facts apart must come from the title; "for", "the" and the like need not.
    telling = {w for w in distinctive_words(variant) if not (w.isalpha() and len(w) <= 3)}
    matched = [_word_in(w, title) for w in said]
    if any(m is None and w in telling for w, m in zip(said, matched, strict=True)):
        return False  # a word the title does not have: another answer, not a spelling
    needed = set(distinctive_words(value)) or set(title)
    kept = needed & {m for m in matched if m}
    return len(kept) / len(needed) >= TITLE_COVERAGE


def _same_people(variant: str, value: str) -> bool:
    expected = split_people(value)
    said = split_people(variant)
    if not said or len(said) != len(expected):
        return False  # fewer people is a vaguer answer, more is a different one
    found = set()
    for name in said:
        hits = [i for i, e in enumerate(expected) if _names_one(name, e)]
        if len(hits) != 1:
            return False
        found.add(hits[0])
    return len(found) == len(expected)


def _names_one(said: str, person: str) -> bool:
    first = person.split()[0] if person.split() else person
    return any(fuzz.ratio(said.casefold(), p.casefold()) >= SIMILAR for p in (person, first))


def spells(variant: str, value: str, kind: AnswerKind) -> bool:
    """Is `variant` another way to write `value` (an answer of `kind`)?"""
    if kind == AnswerKind.IDENTIFIER:
        return _same_identifier(variant, value)
    if kind == AnswerKind.PERSON:
        return _same_people(variant, value)
    if kind == AnswerKind.TEXT:
        return _short_form(variant, value) or _same_identifier(variant, value)
    return False  # a time has one value; the datetime matcher handles its spellings


def _values(item: ContextItem) -> list[str]:
    return [item.title, *item.identifiers.values(), *(p.name for p in item.participants)]


def other_item_spelled(variant: str, others: Sequence[ContextItem]) -> ContextItem | None:
    """An item (not the question's) whose title, identifier or participant `variant` spells."""
    for item in others:
        for value in _values(item):
            if value and (
                _same_identifier(variant, value) or _short_form(variant, value)
                or _same_people(variant, value)
            ):  # fmt: skip
                return item
    return None


def screen_variants(
    suggested: Sequence[str],
    *,
    expected: str,
    kind: AnswerKind,
    others: Sequence[ContextItem],
) -> tuple[list[str], list[str]]:
    """(variants kept, a reason for each one dropped)."""
    kept: list[str] = []
    dropped: list[str] = []
    for raw in suggested:
        variant = " ".join(raw.split())
        if not variant or variant.casefold() == expected.casefold() or variant in kept:
            continue
        if len(variant) > MAX_LENGTH:
            dropped.append(f"variant longer than {MAX_LENGTH} characters")
        elif not spells(variant, expected, kind):
            dropped.append(f"variant {variant!r} is not a spelling of the fact's value")
        elif (other := other_item_spelled(variant, others)) is not None:
            dropped.append(f"variant {variant!r} also names another item ({other.id})")
        else:
            kept.append(variant)
    return kept, dropped
