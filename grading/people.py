"""People: one or several names, first name or full name, nicknames, small typos.

A set gets partial credit: every expected person named and nobody else -> correct; some right and
none wrong -> partial; every name that is not expected lowers the score (shotgun lists fail).
Descriptions without a name ("the new guy from finance") neither help nor hurt.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA
from rapidfuzz.utils import default_process

from grading.match import Match, clamp
from grading.models import Verdict
from grading.names import another_known_name, gendered_pair
from grading.nicknames import forms
from grading.normalize import fold
from vocabulary.people import split_people

_SPLIT_RE = re.compile(
    r",|;|/|&|\+|\.\s|\band\b|\bor\b|\bwith\b|\bplus\b|\balso\b|\bund\b|\bet\b|\by\b", re.IGNORECASE
)
_FILLERS = {
    "i", "think", "it", "was", "were", "maybe", "probably", "um", "uh", "er", "erm", "me",
    "myself", "just", "only", "so", "well", "like", "oh", "guess", "pretty", "sure", "there",
    "mr", "mrs", "ms", "dr", "from", "my", "side", "yeah", "yes", "hmm", "believe", "i'm",
    "i’m", "im", "either", "it's", "it’s", "i'd", "i’d", "i've", "i’ve", "honestly", "actually",
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


# Pure, and asked of the whole directory for every people question (Colleagues.of): memoised.
@functools.lru_cache(maxsize=1 << 14)
def _person(name: str, aliases: frozenset[str] = frozenset()) -> Person | None:
    words = _words(name.split("@")[0].replace(".", " "))
    if not words:
        return None
    return Person(words[0], words[-1] if len(words) > 1 else None, aliases)


def expected_people(expected: str, variants: list[str]) -> list[Person]:
    """Parse the expected set; a variant aligned by position (or a sole person) adds aliases."""
    names = split_people(expected)
    people = [p for p in (_person(n) for n in names) if p is not None]
    for variant in variants:
        parts = split_people(variant)
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


@functools.lru_cache(maxsize=1 << 17)  # pure; the same name pairs come back per directory entry
def _distance(a: str, b: str) -> int:
    return min(
        OSA.distance(x, y, processor=default_process)  # a transposition is one slip
        for x in _spellings(a)
        for y in _spellings(b)
    )


def _first_score(expected: str, said: str, known: frozenset[str] = frozenset()) -> float:
    if _distance(said, expected) == 0:
        return EXACT
    if said in forms(expected):
        return NICKNAME
    if gendered_pair(expected, said):
        return 0.0  # Robert / Roberta: another person, not a slip
    score = _near_score(expected, said)
    if score and another_known_name(expected, said, known):
        return min(score, UNSURE)  # Katharina / Katarina: a name of its own, for a reviewer
    return score


def _near_score(expected: str, said: str) -> float:
    # "within two edits" for names long enough that two edits still leave them recognisable.
    if min(len(said), len(expected)) < 3:
        return 0.0
    distance = _distance(said, expected)
    if distance == 1:
        return FUZZY if len(expected) > 4 else 0.0  # Tom/Tim, Dan/Don: different people
    # Two edits: accepted for longer names only through the judge band ("Katharina"/"Katrina"
    # vs "Tom"/"Jim"), so a guess two letters off is never accepted on its own.
    return UNSURE if distance == 2 and len(expected) >= 5 else 0.0


def _last_score(expected: str, said: str) -> float:
    if _distance(said, expected) == 0:
        return EXACT
    if len(expected) >= 6 and _distance(said, expected) <= 1:
        return FUZZY  # surnames: close to exact, one slip in a long name
    return 0.0


def name_score(person: Person, words: list[str], known: frozenset[str] = frozenset()) -> float:
    """How well one spoken name (its words) identifies `person`; 0 when it does not. `known`
    are other first names in the organisation (a near miss onto one of them is not a typo)."""
    if " ".join(words) in person.aliases:
        return EXACT
    if len(words) == 1:
        first = _first_score(person.first, words[0], known)
        last = _last_score(person.last, words[0]) if person.last else 0.0
        return max(first, last)
    first = _first_score(person.first, words[0], known)
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


@dataclass(frozen=True)
class Colleagues:
    """The rest of the organisation: people a spoken name may belong to instead."""

    people: tuple[Person, ...] = ()
    first_names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: list[str] | None, expected: list[Person]) -> Colleagues:
        """Directory names, minus anyone whose full name identifies an expected person."""
        others = []
        for name in names or []:
            person = _person(name)
            words = [person.first, person.last] if person and person.last else []
            if person and not _is_expected(words or [person.first], expected):
                others.append(person)
        firsts = frozenset(p.first for p in others) | frozenset(p.first for p in expected)
        return cls(tuple(others), firsts)

    def closer(self, words: list[str], score: float) -> Person | None:
        """Another employee this name fits better than a fuzzy `score` for the expected one."""
        if score >= NICKNAME or not self.people:
            return None  # the right name or a nickname of it: ties go to the expected person
        best = max(self.people, key=lambda p: name_score(p, words, self.first_names))
        return best if name_score(best, words, self.first_names) > score else None


def _is_expected(words: list[str], expected: list[Person]) -> bool:
    return any(name_score(p, words) >= NICKNAME for p in expected)


@dataclass
class _Assignment:
    strengths: dict[int, float] = field(default_factory=dict)  # expected index -> best score
    wrong: int = 0
    notes: list[str] = field(default_factory=list)


def _assign(people: list[Person], names: list[list[str]], others: Colleagues) -> _Assignment:
    """Each spoken name to the expected person it identifies (each at most once), or wrong."""
    out = _Assignment()
    for words in names:
        scores = [name_score(p, words, others.first_names) for p in people]
        best = max(range(len(people)), key=lambda i: scores[i], default=-1)
        rival = others.closer(words, scores[best]) if best >= 0 and scores[best] else None
        said = " ".join(words).title()
        out.notes += _notes(said, people, scores, rival, others.first_names)
        if best < 0 or scores[best] == 0.0 or rival is not None:
            out.wrong += 1
        else:
            out.strengths[best] = max(out.strengths.get(best, 0.0), scores[best])
    return out


def _notes(
    said: str,
    people: list[Person],
    scores: list[float],
    rival: Person | None,
    known: frozenset[str],
) -> list[str]:
    """Why a near name was not taken for the expected person."""
    word = said.split()[0].casefold()
    pair = next((p for p in people if gendered_pair(p.first, word)), None)
    near = [p for p, s in zip(people, scores, strict=True) if 0 < s < ACCEPT]
    if rival is not None:
        return [f"'{said}' is closer to {_display(rival)}, another employee"]
    if pair is not None and max(scores, default=0.0) == 0.0:
        return [f"'{said}' is another name than {pair.first.title()}, not a typo"]
    if any(another_known_name(p.first, word, known) for p in near):
        return [f"'{said}' is a first name of its own"]
    return []


def _display(person: Person) -> str:
    return " ".join(w.title() for w in (person.first, person.last) if w)


def match_people(
    expected: str, variants: list[str], response: str, directory: list[str] | None = None
) -> Match:
    """`directory`: names of other people in the organisation (optional)."""
    people = expected_people(expected, variants)
    names, descriptions = spoken_names(response)
    if not people:
        return Match(Verdict.INCORRECT, 0.0, "person.set", "no expected person to compare")
    found = _assign(people, names, Colleagues.of(directory, people))
    strengths, wrong = list(found.strengths.values()), found.wrong
    hits = len(strengths)
    recall = hits / len(people)
    precision = hits / (hits + wrong) if hits + wrong else 0.0
    score = clamp(recall * precision * (sum(strengths) / hits if hits else 0.0))
    summary = f"{hits} of {len(people)} people named, {wrong} not expected"
    if descriptions:
        summary += f", {descriptions} described without a name"
    summary = "; ".join([summary, *found.notes])
    if hits == 0 or wrong >= hits:
        return Match(Verdict.INCORRECT, score, "person.set", summary)
    if hits == len(people) and wrong == 0:
        unsure = min(strengths) < ACCEPT
        verdict = Verdict.PARTIAL if unsure else Verdict.CORRECT
        note = " (a near name or another first name: needs review)" if unsure else ""
        return Match(verdict, score, "person.set", summary + note, uncertain=unsure)
    return Match(Verdict.PARTIAL, score, "person.set", summary)
