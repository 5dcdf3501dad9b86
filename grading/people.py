"""People: one or several names, first name or full name, nicknames, small typos.

A set gets partial credit: every expected person named and nobody else -> correct; some right and
none wrong -> partial; every name that is not expected lowers the score (shotgun lists fail).
Descriptions without a name ("the new guy from finance") neither help nor hurt.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from rapidfuzz.utils import default_process

from grading.match import Match, clamp
from grading.models import Verdict
from grading.nicknames import forms
from grading.normalize import fold

_SPLIT_RE = re.compile(
    r",|;|/|&|\+|\.\s|\band\b|\bwith\b|\bplus\b|\balso\b|\bund\b|\bet\b|\by\b", re.IGNORECASE
)
_FILLERS = {
    "i", "think", "it", "was", "were", "maybe", "probably", "um", "uh", "er", "erm", "me",
    "myself", "just", "only", "so", "well", "like", "oh", "guess", "pretty", "sure", "there",
    "mr", "mrs", "ms", "dr", "from", "my", "side", "yeah", "yes", "hmm", "believe", "i'm",
    "i’m", "im", "it's", "it’s", "i'd", "i’d", "i've", "i’ve", "honestly", "actually",
}  # fmt: skip
# Words that make a fragment a description of someone rather than their name.
_DESCRIPTIVE = {
    "the", "a", "an", "someone", "somebody", "guy", "girl", "woman", "man", "person", "people",
    "team", "new", "manager", "boss", "lead", "folks", "others", "colleague", "colleagues",
    "few", "some", "couple", "who", "whose", "name", "her", "his", "their", "everyone",
}  # fmt: skip
_CUT = {"from", "in", "of", "on", "at", "who", "over", "for", "des", "de", "von"}
EXACT, NICKNAME, FUZZY, UNSURE = 1.0, 0.95, 0.9, 0.75
ACCEPT = 0.8  # a matched name scored below this sends a would-be-correct answer to the band


@dataclass(frozen=True)
class Person:
    first: str
    last: str | None
    aliases: frozenset[str] = field(default_factory=frozenset)  # folded full-name variants


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", fold(text))


def _person(name: str, aliases: frozenset[str] = frozenset()) -> Person | None:
    words = _words(name.split("@")[0].replace(".", " "))
    if not words:
        return None
    return Person(words[0], words[-1] if len(words) > 1 else None, aliases)


def expected_people(expected: str, variants: list[str]) -> list[Person]:
    """Parse the expected set; a variant aligned by position (or a sole person) adds aliases."""
    names = [n for n in expected.split(",") if n.strip()]
    people = [p for p in (_person(n) for n in names) if p is not None]
    for variant in variants:
        parts = [v for v in variant.split(",") if v.strip()]
        if len(parts) == len(people):
            pairs = list(zip(range(len(people)), parts, strict=True))
        elif len(people) == 1:
            pairs = [(0, part) for part in parts]
        else:
            continue
        for i, alias in pairs:
            p = people[i]
            alias_words = " ".join(_words(alias.split("@")[0].replace(".", " ")))
            people[i] = Person(p.first, p.last, p.aliases | {alias_words})
    return people


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "oe", "æ": "ae"})


def _spellings(word: str) -> set[str]:
    """The word, without accents, and with German/Nordic transliteration (Müller -> Mueller)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return {word, plain, word.translate(_TRANSLIT)}


def _distance(a: str, b: str) -> int:
    return min(
        Levenshtein.distance(x, y, processor=default_process)
        for x in _spellings(a)
        for y in _spellings(b)
    )


def _first_score(expected: str, said: str) -> float:
    if _distance(said, expected) == 0:
        return EXACT
    if said in forms(expected):
        return NICKNAME
    # "within two edits" for names long enough that two edits still leave them recognisable.
    if min(len(said), len(expected)) < 3:
        return 0.0
    distance = _distance(said, expected)
    if distance == 1:
        return FUZZY if len(expected) > 4 else 0.0  # Tom/Tim, Dan/Don: different people
    # Two edits: accepted for longer names only through the judge band ("Katharina"/"Katarina"
    # vs "Tom"/"Jim"), so a guess two letters off is never accepted on its own.
    return UNSURE if distance == 2 and len(expected) >= 5 else 0.0


def _last_score(expected: str, said: str) -> float:
    if _distance(said, expected) == 0:
        return EXACT
    if len(expected) >= 6 and _distance(said, expected) <= 1:
        return FUZZY  # surnames: close to exact, one slip in a long name
    return 0.0


def name_score(person: Person, words: list[str]) -> float:
    """How well one spoken name (its words) identifies `person`; 0 when it does not."""
    if " ".join(words) in person.aliases:
        return EXACT
    if len(words) == 1:
        first = _first_score(person.first, words[0])
        last = _last_score(person.last, words[0]) if person.last else 0.0
        return max(first, last)
    first = _first_score(person.first, words[0])
    if person.last is None:
        return first
    if len(words[-1]) == 1:  # "Alice J.": an initial must agree with the surname
        return first if person.last.startswith(words[-1]) else 0.0
    last = _last_score(person.last, words[-1])
    return min(first, last) if first and last else 0.0


def _cased(response: str) -> bool:
    """True when capitals mark names here: a capital beyond the first word and "I"."""
    raw = re.findall(r"[^\W\d_]+", response)
    return any(w[0].isupper() and w != "I" for w in raw[1:]) and not response.isupper()


def spoken_names(response: str) -> tuple[list[list[str]], int]:
    """Name fragments (lists of folded words) and the number of descriptions without a name.

    In an answer typed with capitals, a fragment starting with a lower-case word ("calls and
    reviews all day") is a description, not a wrong name; all-lower-case answers are read
    without that signal.
    """
    names: list[list[str]] = []
    descriptions = 0
    cased = _cased(response)
    for fragment in _SPLIT_RE.split(response):
        raw = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", fragment)
        cut = next((i for i, w in enumerate(raw) if fold(w) in _CUT), len(raw))
        kept = [w for w in raw[:cut] if fold(w) not in _FILLERS]
        words = [fold(w) for w in kept]
        if not words:
            descriptions += cut == 0 and bool(raw)
            continue
        lower_start = cased and kept[0][0].islower()
        if len(words) > 3 or lower_start or any(w in _DESCRIPTIVE for w in words):
            descriptions += 1
        else:
            names.append(words)
    return names, descriptions


def _assign(people: list[Person], names: list[list[str]]) -> tuple[list[float], int]:
    """Strengths of the people matched (each at most once) and the count of wrong names."""
    matched: dict[int, float] = {}
    wrong = 0
    for words in names:
        scores = [name_score(p, words) for p in people]
        best = max(range(len(people)), key=lambda i: scores[i], default=-1)
        if best < 0 or scores[best] == 0.0:
            wrong += 1
        else:
            matched[best] = max(matched.get(best, 0.0), scores[best])
    return list(matched.values()), wrong


def match_people(expected: str, variants: list[str], response: str) -> Match:
    people = expected_people(expected, variants)
    names, descriptions = spoken_names(response)
    if not people:
        return Match(Verdict.INCORRECT, 0.0, "person.set", "no expected person to compare")
    strengths, wrong = _assign(people, names)
    hits = len(strengths)
    recall = hits / len(people)
    precision = hits / (hits + wrong) if hits + wrong else 0.0
    score = clamp(recall * precision * (sum(strengths) / hits if hits else 0.0))
    summary = f"{hits} of {len(people)} people named, {wrong} not expected"
    if descriptions:
        summary += f", {descriptions} described without a name"
    if hits == 0 or wrong >= hits:
        return Match(Verdict.INCORRECT, score, "person.set", summary)
    if hits == len(people) and wrong == 0:
        unsure = min(strengths) < ACCEPT
        verdict = Verdict.PARTIAL if unsure else Verdict.CORRECT
        note = " (a name two edits away: needs review)" if unsure else ""
        return Match(verdict, score, "person.set", summary + note, uncertain=unsure)
    return Match(Verdict.PARTIAL, score, "person.set", summary)
