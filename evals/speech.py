"""How people say things on the phone: paraphrase, typing slips, nicknames, approximate times.

The nickname list is deliberately independent of grading/nicknames.py: the caller must not be
built from the grader's own table, or a missing nickname in the grader could never show up.
"""

from __future__ import annotations

import random

from api import demo_callers as spoken
from api.demo_callers import approximate_time, typo

__all__ = ["approximate_time", "nickname_for", "paraphrase", "typo"]

FILLERS = ("I think it was ", "pretty sure it was ", "", "um, ", "", "it was ")
NICKNAMES: dict[str, tuple[str, ...]] = {
    "alexander": ("alex",),
    "alexandra": ("alex", "lexi"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony",),
    "benjamin": ("ben",),
    "catherine": ("cathy", "kate"),
    "christopher": ("chris",),
    "daniel": ("dan", "danny"),
    "david": ("dave",),
    "deborah": ("deb",),
    "edward": ("ed", "eddie"),
    "elizabeth": ("liz", "beth"),
    "gregory": ("greg",),
    "james": ("jim", "jamie"),
    "jennifer": ("jen", "jenny"),
    "jonathan": ("jon",),
    "joseph": ("joe",),
    "katherine": ("kate", "katie"),
    "kimberly": ("kim",),
    "margaret": ("maggie", "meg"),
    "matthew": ("matt",),
    "michael": ("mike",),
    "nicholas": ("nick",),
    "patricia": ("pat", "trish"),
    "patrick": ("pat",),
    "rebecca": ("becky",),
    "richard": ("rick", "rich"),
    "robert": ("rob", "bob"),
    "samantha": ("sam",),
    "samuel": ("sam",),
    "stephanie": ("steph",),
    "steven": ("steve",),
    "susan": ("sue",),
    "thomas": ("tom",),
    "timothy": ("tim",),
    "victoria": ("vicky", "tori"),
    "william": ("will", "bill"),
}


def paraphrase(text: str, rng: random.Random, *, keep: float, with_typo: bool) -> str:
    """The subject as remembered (see api.demo_callers.paraphrase), with this module's fillers."""
    return spoken.paraphrase(text, rng, keep=keep, with_typo=with_typo, fillers=FILLERS)


def nickname_for(first_name: str, rng: random.Random) -> str:
    options = NICKNAMES.get(first_name.lower())
    return rng.choice(options).capitalize() if options else first_name
