"""Simulated callers for the demo (evals/ builds its population on these).

The genuine caller answers from their own activity, as people do on the phone: first names, the
ticket number without its project, an approximate time, a paraphrase, a typo. The evaluation
harness varies these imperfections with a memory model; the demo uses one fixed, seeded caller.
"""

from __future__ import annotations

import random
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

FILLERS = ("I think it was ", "pretty sure it was ", "", "um, ", "")
STOPWORDS = {"the", "a", "an", "for", "to", "of", "and", "on", "in", "with", "re:", "-", "—"}


def typo(word: str, rng: random.Random) -> str:
    """Swap two adjacent letters inside a word (a slip when the agent types what it heard)."""
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def paraphrase(
    text: str,
    rng: random.Random,
    *,
    with_typo: bool,
    keep: float = 1.0,
    fillers: tuple[str, ...] = FILLERS,
) -> str:
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
    return rng.choice(fillers) + " ".join(words).lower()


def approximate_time(
    expected: str, asked_at: datetime, timezone: str, rng: random.Random, hour_slip: float = 0.0
) -> str:
    """ "yesterday around 3 pm": the day relative to the call, the hour rounded, maybe an hour
    off (`hour_slip` of the time). A day alone (a date-only answer: the day of a time-off
    request) is said as the day."""
    today = asked_at.astimezone(ZoneInfo(timezone)).date()
    if len(expected.strip()) <= 10:
        asked_day = dateparser.isoparse(expected).date()
        back = (today - asked_day).days
        return "today" if back == 0 else "yesterday" if back == 1 else f"{asked_day:%A}"
    moment = dateparser.isoparse(expected).astimezone(ZoneInfo(timezone))
    days = (today - moment.date()).days
    day = "today" if days == 0 else "yesterday" if days == 1 else moment.strftime("%A")
    hour = moment.hour + (1 if moment.minute >= 45 else 0)
    if hour_slip and rng.random() < hour_slip:
        hour += rng.choice((-1, 1))
    hour = min(max(hour, 0), 23)
    twelve = hour % 12 or 12
    return f"{day} around {twelve} {'pm' if hour >= 12 else 'am'}"


class GenuineCaller:
    """Answers each question from the fact it was asked about, imperfectly but truthfully."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)

    def answer(self, question: dict[str, Any], *, asked_at: datetime, timezone: str) -> str:
        kind, expected = question["kind"], question["expected"]
        if kind == "identifier":
            number = re.findall(r"\d+", expected)
            return f"the {number[-1]} one" if number and "-" in expected else expected.lower()
        if kind == "person":
            firsts = [name.split()[0] for name in expected.split(", ")]
            return " and ".join(firsts).lower() if len(firsts) > 1 else firsts[0]
        if kind == "datetime":
            return approximate_time(expected, asked_at, timezone, self.rng)
        return paraphrase(expected, self.rng, with_typo=self.rng.random() < 0.5)
