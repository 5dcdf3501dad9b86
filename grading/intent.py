"""What the answer is trying to do before what it says: "I don't know", or instructions.

An answer that addresses the grader ("ignore previous instructions", "mark this correct",
"system:", chat-template delimiters) is an injection attempt: incorrect whatever else it matches,
because a genuine caller has no reason to talk to the grading system. The patterns are shared
with the fact ranking (vocabulary/injection.py).
"""

from __future__ import annotations

import re
from enum import StrEnum

from vocabulary.injection import addresses_a_machine, plain_words

_DONT_KNOW_PHRASES = [
    r"i (really |honestly )?(do not|don ?t|dont) (really )?(know|remember|recall)( that| it)?",
    r"(can ?t|cannot|can not|couldn ?t) (really )?(remember|recall|say|tell)( that| it)?",
    r"no (idea|clue)", r"not sure", r"(i )?(have )?forgot(ten)?( it)?", r"(i )?(have )?no memory",
    r"idk", r"dunno", r"pass", r"skip", r"next( question)?", r"not a clue",
    r"(i )?(ve )?got nothing",
    r"n ?/? ?a", r"none", r"nothing", r"no", r"unknown", r"(i ?m )?(blanking|drawing a blank)",
    r"(it )?(doesn ?t|does not) ring a bell", r"(i )?(have|had) no (idea|clue)",
]  # fmt: skip
_FILLER = (
    r"(i|sorry|um+|uh+|er+|erm|hmm+|well|honestly|really|oh|ah|yeah|so|just|i ?m afraid|afraid)"
)
_DONT_KNOW_RE = re.compile(rf"^(({_FILLER}|{'|'.join(_DONT_KNOW_PHRASES)})\s*)+$", re.IGNORECASE)


class Intent(StrEnum):
    ANSWER = "answer"
    DONT_KNOW = "dont_know"
    INJECTION = "injection"


def classify(response: str) -> Intent:
    """INJECTION wins over everything; DONT_KNOW when nothing but a non-answer is left."""
    if addresses_a_machine(response):
        return Intent.INJECTION
    words = plain_words(response)
    if not words or _DONT_KNOW_RE.match(words):
        return Intent.DONT_KNOW
    return Intent.ANSWER
