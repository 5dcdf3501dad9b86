"""How people say things on the phone: paraphrase, typing slips, nicknames, approximate times.

The nickname list is deliberately independent of grading/nicknames.py: the caller must not be
built from the grader's own table, or a missing nickname in the grader could never show up.
"""

from __future__ import annotations

import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

FILLERS = ("I think it was ", "pretty sure it was ", "", "um, ", "", "it was ")
STOPWORDS = {"the", "a", "an", "for", "to", "of", "and", "on", "in", "with", "re:", "-", "—"}
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


def typo(word: str, rng: random.Random) -> str:
    """Swap two adjacent letters inside a word (a slip when the agent types what it heard)."""
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def paraphrase(text: str, rng: random.Random, *, keep: float, with_typo: bool) -> str:
    """The subject as remembered: filler words dropped, `keep` of the rest in order, lower case."""
    words = [w.strip(",:;()") for w in re.split(r"\s+", text.strip())]
    words = [w for w in words if w and w.lower() not in STOPWORDS]
    count = max(1, round(len(words) * keep))
    if count < len(words):
        chosen = sorted(rng.sample(range(len(words)), count))
        words = [words[i] for i in chosen]
    if with_typo and words:
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = typo(words[longest], rng)
    return rng.choice(FILLERS) + " ".join(words).lower()


def nickname_for(first_name: str, rng: random.Random) -> str:
    options = NICKNAMES.get(first_name.lower())
    return rng.choice(options).capitalize() if options else first_name


def approximate_time(
    expected: str, asked_at: datetime, timezone: str, rng: random.Random, hour_slip: float
) -> str:
    """ "yesterday around 3 pm": the day relative to the call, the hour rounded, maybe an hour
    off (`hour_slip` of the time)."""
    moment = dateparser.isoparse(expected).astimezone(ZoneInfo(timezone))
    today = asked_at.astimezone(ZoneInfo(timezone)).date()
    days = (today - moment.date()).days
    day = "today" if days == 0 else "yesterday" if days == 1 else moment.strftime("%A")
    hour = moment.hour + (1 if moment.minute >= 45 else 0)
    if rng.random() < hour_slip:
        hour += rng.choice((-1, 1))
    hour = min(max(hour, 0), 23)
    twelve = hour % 12 or 12
    return f"{day} around {twelve} {'pm' if hour >= 12 else 'am'}"
