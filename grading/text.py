"""Free text: rapidfuzz similarity guarded by distinctive-token coverage and a number guard.

Fuzzy ratios alone accept too much: token_set_ratio scores "the migration" 100 against "Loyalty
API migration to Postgres 16", and "Q3 planning" is one character from "Q4 planning". So an answer
must also cover the expected answer's distinctive tokens (not stopwords or generic work words),
and must not state a number or code that the expected answer does not contain.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from grading.carriers import carrier_conflict, incidental_numbers, spoken_forms
from grading.identifiers import match_identifier
from grading.match import Match, clamp
from grading.models import Verdict
from grading.normalize import fold, has_digit, normalize
from vocabulary.words import GENERIC_WORDS, STOPWORDS, capitalised_names

# Coverage at or above ACCEPT (with a fuzzy ratio at or above MIN_RATIO) is correct; below
# REJECT is incorrect; in between is the uncertain band (judge, or partial without one).
ACCEPT, REJECT, MIN_RATIO = 0.75, 0.34, 55.0
# Partial recall that is still specific: at least RECALL_TOKENS distinctive words of the answer,
# RECALL_COVERAGE of them, and not one word that is not in the expected answer. People on the
# phone drop words ("risk committee prep" for "Board risk committee prep"); a guess brings its own.
RECALL_TOKENS, RECALL_COVERAGE = 2, 0.5


def _wordlist(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True)
class TextScore:
    coverage: float  # share of the expected distinctive tokens the answer covers (weighted)
    precision: float  # share of the answer's distinctive tokens found in the expected answer
    ratio: float  # rapidfuzz similarity, 0..100
    conflict: str | None  # why a number, code or carrying word contradicts the expected answer
    matched: int = 0  # distinctive expected tokens the answer covers
    long_number: bool = False  # the answer repeats a 4+ digit number of the expected (a SKU, PO)
    swapped_name: tuple[str, str] | None = None  # (name missing, word said in its place)


# Tokenising is pure and the same texts come back many times (an expected answer is compared
# with every answer of its verification, and again by grading/reuse.py), so each text's words
# are computed once; callers get a list of their own. Bounded: an eval sees many texts.
_TEXTS, _PAIRS = 1 << 14, 1 << 17


@functools.lru_cache(maxsize=_TEXTS)
def _word_tuple(text: str) -> tuple[str, ...]:
    return tuple(default_process(normalize(spoken_forms(fold(text)))).split())


@functools.lru_cache(maxsize=_TEXTS)
def _content_tuple(text: str) -> tuple[str, ...]:
    # "q four" arrives as "q 4": glue a lone letter to the number after it ("q4").
    glued: list[str] = []
    for word in _word_tuple(text):
        if word.isdigit() and glued and len(glued[-1]) == 1 and glued[-1].isalpha():
            glued[-1] += word
        else:
            glued.append(word)
    return tuple(t for t in glued if t not in STOPWORDS)


@functools.lru_cache(maxsize=_TEXTS)
def _distinctive_tuple(text: str) -> tuple[str, ...]:
    # One- and two-letter words outside ASCII are function words (Russian "в", "во", "на").
    return tuple(
        t for t in _content_tuple(text) if t not in GENERIC_WORDS and (t.isascii() or len(t) > 2)
    )


def _words(text: str) -> list[str]:
    return list(_word_tuple(text))


def _content(text: str) -> list[str]:
    return list(_content_tuple(text))


def distinctive(text: str) -> list[str]:
    return list(_distinctive_tuple(text))


@functools.lru_cache(maxsize=_PAIRS)
def _same_token(a: str, b: str) -> bool:
    if a == b or (a.isdigit() and b.isdigit() and a.lstrip("0") == b.lstrip("0")):
        return True  # "store 87" is store 087
    if has_digit(a) or has_digit(b):
        return False  # codes and numbers match exactly or not at all
    if min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return True  # postgres/postgresql, renew/renewal, cert/certificate
    if min(len(a), len(b)) >= 5:
        return fuzz.ratio(a, b, processor=default_process) >= 80  # typos: loyality/loyalty
    return False


def _covered(token: str, others: list[str]) -> bool:
    return any(_same_token(token, o) for o in others)


def same_words(a: str, b: str) -> bool:
    """Do two answers say the same distinctive words (typos, fillers and word order aside)?"""
    first, second = distinctive(a), distinctive(b)
    if not first or not second:
        return False
    return all(_covered(t, second) for t in first) and all(_covered(t, first) for t in second)


def _coverage(expected: list[str], answer: list[str]) -> float:
    """Weighted share of expected tokens covered; bare numbers weigh half (often dropped)."""
    weights = [0.5 if t.isdigit() else 1.0 for t in expected]
    got = sum(w for t, w in zip(expected, weights, strict=True) if _covered(t, answer))
    return got / sum(weights) if weights else 0.0


_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*-\d+$")
PRONOUN_ONE = re.compile(r"\b(the|that|this)\s+\S+\s+one\b|\S+\s+one\b\s*$", re.IGNORECASE)


def _specific_number(token: str) -> bool:
    """4+ digits and not a year: a SKU, PO or ticket number nobody guesses."""
    return (
        token.isdigit() and len(token) >= 4 and not (len(token) == 4 and token[:2] in {"19", "20"})
    )


def proper_names(expected: str) -> set[str]:
    """The expected answer's names as distinctive tokens (Dallas, Voyix, Manhattan)."""
    return {t for w in capitalised_names(expected) for t in distinctive(w)}


def _swapped_name(
    expected: str, exp_tokens: list[str], ans_tokens: list[str]
) -> tuple[str, str] | None:
    """A name of the expected answer replaced by another word, nothing else missing: the
    answer is the same template about another store, vendor or site."""
    missing = [t for t in dict.fromkeys(exp_tokens) if not _covered(t, ans_tokens)]
    said = _words(expected)  # a misspelt ordinary word of it ("requset") is no other name
    foreign = [
        t
        for t in ans_tokens
        if not _covered(t, exp_tokens) and not _covered(t, said) and not has_digit(t)
    ]
    names = proper_names(expected)
    if missing and foreign and all(t in names for t in missing):
        return missing[0], foreign[0]
    return None


def _similarity(expected: str, response: str) -> float:
    return max(
        fuzz.token_sort_ratio(expected, response, processor=default_process),
        fuzz.token_set_ratio(expected, response, processor=default_process),
    )


def _spoken(text: str) -> str:
    """The content words alone: "pretty sure it was bakrey" is compared as "bakrey", so the
    fillers of a spoken answer do not pull a right word's similarity below MIN_RATIO."""
    return " ".join(_content(text))


@functools.lru_cache(maxsize=_TEXTS)  # pure; TextScore is frozen
def score_text(expected: str, response: str) -> TextScore:
    exp_tokens, ans_tokens = distinctive(expected), distinctive(response)
    if not exp_tokens:  # an expected answer made only of generic words: compare content words
        exp_tokens, ans_tokens = _content(expected), _content(response)
    # "the 4417302 one": a spoken "one" after a number is a pronoun, not the number 1.
    pronoun = {"1"} if PRONOUN_ONE.search(response) else set()
    expected_content = _content(expected)
    # A time or a count the caller adds ("around 3", "the 5 of us") is no rival number.
    passing = pronoun | {
        n for n in incidental_numbers(_words(response)) if not _covered(n, expected_content)
    }
    ans_tokens = [t for t in ans_tokens if t not in passing]
    conflict = carrier_conflict(_words(expected), _words(response)) or next(
        (
            f"the answer states '{t}', which is not in the expected answer"
            for t in ans_tokens
            if has_digit(t) and not _covered(t, expected_content)
        ),
        None,
    )
    ratio = max(_similarity(expected, response), _similarity(*map(_spoken, (expected, response))))
    precision = (
        sum(_covered(t, exp_tokens) for t in ans_tokens) / len(ans_tokens) if ans_tokens else 0.0
    )
    matched = sum(_covered(t, ans_tokens) for t in set(exp_tokens))
    long_number = any(_specific_number(t) and t in ans_tokens for t in exp_tokens)
    coverage = _coverage(exp_tokens, ans_tokens)
    swapped = _swapped_name(expected, exp_tokens, ans_tokens)
    return TextScore(coverage, precision, ratio, conflict, matched, long_number, swapped)


# What joins the items of a list ("X and Y", "X, Y", "X plus Y"); a joiner the expected answer
# uses itself ("Q4 budget and headcount") is a word of the answer, never a list.
_JOINERS = (
    r"\band\b|&",
    r"[,;\n]",
    r"[()\[\]]",
    r"\bplus\b|\bas well as\b|\balong with\b|\bthen\b|\bvs\b|\bversus\b",
)
# A part starting with one of these says more about the same thing ("the card reader, it
# declines every tap", "the access request, for finance", "took about 2 hours"): no second item.
# "also", "maybe": what follows decides ("also for finance" says more, "maybe looker" is another).
_ADVERBS = _wordlist("also maybe perhaps probably possibly then")
_LINKING = STOPWORDS - _ADVERBS - _wordlist("the a an this that my our") | _wordlist(
    "who whose which because when where while but after before took lasted keeps kept"
)


def _items(options: list[str], response: str) -> list[str]:
    joiners = [j for j in _JOINERS if not any(re.search(j, fold(o)) for o in options)]
    if not joiners:
        return [response]
    items: list[str] = []
    for part in re.split("|".join(joiners), fold(response)):
        words = list(itertools.dropwhile(_ADVERBS.__contains__, _words(part)))
        if items and (not words or words[0] in _LINKING):
            items[-1] = f"{items[-1]} {part}"
        elif words:
            items.append(part)
    return items


def listed_other(options: list[str], response: str) -> str | None:
    """An item of a listed answer that names something else beside the right one: "bakery and
    deli", "the store closure review, the daily huddle", "inbound dock and outbound dock".
    Two things said for one is a hedge, as "X or Y" is (grading/reading.py). An item with a
    number ("ITOPS-4173, the Globex renewal", "the 5 of us") is left to the number guard and
    the identifier checks."""
    own = [t for o in options for t in _content(o)]
    own += [a + b for a, b in itertools.pairwise(own)]  # "Wi-Fi" said as "wifi"

    def words(item: str) -> list[str]:
        return distinctive(item) or _content(item)

    items = [i for i in _items(options, response) if words(i) and not has_digit(i)]
    if len(items) < 2:
        return None
    for item in items:
        foreign = [t for t in words(item) if not _covered(t, own)]
        others_name_it = any(_covered(t, own) for o in items if o is not item for t in words(o))
        if foreign and len(foreign) * 2 >= len(words(item)) and others_name_it:
            return item.strip()
    return None


def mentions_expected(expected: str, span: str, besides: str) -> bool:
    """`span` names a distinctive word of the expected answer that `besides` does not:
    "the store audit, not the Joliet one" denies Joliet for "Joliet store audit"."""
    named = [t for t in distinctive(expected) if _covered(t, distinctive(span))]
    rest = distinctive(besides)
    return any(not _covered(t, rest) for t in named)


def _verdict(s: TextScore) -> Match:
    detail = f"coverage {s.coverage:.2f}, precision {s.precision:.2f}, similarity {s.ratio:.0f}"
    score = clamp(0.6 * s.coverage + 0.2 * s.precision + 0.2 * s.ratio / 100)
    if s.conflict is not None:  # a number or an answer-carrying word that contradicts
        return Match(Verdict.INCORRECT, min(score, 0.2), "text.number_guard", s.conflict)
    if s.swapped_name is not None:
        name, said = s.swapped_name
        reason = f"the answer says '{said}' where the expected answer names '{name}'"
        return Match(Verdict.INCORRECT, min(score, 0.2), "text.name_swap", reason)
    # A substitution (an expected word missing while the answer brings its own, "Globex" for
    # "Acme") is how a plausible guess looks: the band decides, never the fuzzy score alone.
    substituted = s.coverage < 1.0 and s.precision < 1.0
    if s.coverage >= ACCEPT and s.ratio >= MIN_RATIO and s.precision >= 0.5 and not substituted:
        return Match(Verdict.CORRECT, score, "text.fuzzy", f"text matches ({detail})")
    if s.long_number and s.precision >= 0.75:
        reason = f"a specific number of the answer recalled ({detail})"
        return Match(Verdict.CORRECT, max(score, 0.75), "text.recall", reason)
    if s.matched >= RECALL_TOKENS and s.coverage >= RECALL_COVERAGE and s.precision == 1.0:
        reason = f"specific partial recall, nothing wrong ({detail})"
        return Match(Verdict.CORRECT, max(score, 0.75), "text.recall", reason)
    if s.coverage < REJECT:
        return Match(Verdict.INCORRECT, score, "text.fuzzy", f"too little in common ({detail})")
    return Match(Verdict.PARTIAL, min(score, 0.6), "text.fuzzy", f"uncertain ({detail})", True)


def _contradicting_detail(expected: str, key: str, response: str) -> Match | None:
    """The right key ("ITOPS-4173") with words the expected answer does not have, where it has
    its own ("the Globex renewal" for "Acme contract renewal"): a detail that contradicts."""
    passing = {"1"} | incidental_numbers(_words(response))  # "the one about", "at 3"
    words = [t for t in distinctive(response) if t not in passing]
    extra = [t for t in words if not _covered(t, distinctive(key))]
    foreign = [t for t in extra if not _covered(t, _content(expected))]
    number = next((t for t in foreign if has_digit(t)), None)
    if number is not None:  # "FIN-311, the Q3 budget" for the Q4 one
        reason = f"the right identifier, but the answer states '{number}', which it does not have"
        return Match(Verdict.INCORRECT, 0.2, "text.detail", reason)
    if foreign and any(not _covered(t, extra) for t in distinctive(expected)):
        reason = f"the right identifier with a detail that is not in the answer ('{foreign[0]}')"
        return Match(Verdict.PARTIAL, 0.6, "text.detail", reason, uncertain=True)
    return None


def _checked_against(expected: str, option: str, response: str, m: Match) -> Match:
    """A match through an identifier variant must not contradict the expected answer."""
    if option == expected or m.verdict is not Verdict.CORRECT or not has_digit(option):
        return m
    conflict = carrier_conflict(_words(expected), _words(response))
    if conflict is not None:
        return Match(Verdict.INCORRECT, 0.2, "text.detail", f"the right identifier, but {conflict}")
    return _contradicting_detail(expected, option, response) or m


def _option_match(expected: str, option: str, response: str) -> Match:
    """A ticket key among the variants matches as an identifier does ("4173" for ITOPS-4173)."""
    if option != expected and _KEY_RE.match(option.strip()):
        return match_identifier(option, [], response)
    return _verdict(score_text(option, response))


def match_text(expected: str, variants: list[str], response: str) -> Match:
    """Best match over the expected answer and its variants."""
    results = [
        _checked_against(expected, option, response, _option_match(expected, option, response))
        for option in [expected, *variants]
    ]
    order = {Verdict.CORRECT: 2, Verdict.PARTIAL: 1, Verdict.INCORRECT: 0}
    return max(results, key=lambda m: (order[m.verdict], m.score))
