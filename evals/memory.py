"""The genuine caller's memory model: what a real employee says on the phone about their own work.

A genuine caller answers from the true fact behind each question (the stored expected answer
stands for their own memory), filtered through two stages:

1. Recall. The probability of remembering the fact at all falls with its age, following the
   shape of Ebbinghaus's forgetting curve (exponential decay towards a floor of well-learned
   material): p(age) = top * (floor + (1 - floor) * 0.5 ** (age_days / half_life)). A caller who
   does not recall says so ("I don't remember"), as people asked about an unlogged detail do.
2. Surface form. A recalled fact is said the way people say things, not the way systems store
   them: first names and nicknames, part of a group of attendees, a ticket number without its
   project key, an approximate time ("yesterday around 3 pm", sometimes an hour off), a
   paraphrase keeping some of the subject's words, a typing slip (the agent types what it hears).

Where the numbers come from: they are ASSUMPTIONS chosen to be plausible, not fitted to data.
The ordering is the reasoning: people recall who they met and what a meeting or a mail was about
better than exact times, and exact identifiers (ticket numbers, repository names) worst; recent
work (today, yesterday) is recalled far better than last week's. No study of help-desk callers
answering work-activity questions exists that we know of; replace these constants with measured
ones when pilot data exists (every report prints the parameters it ran with).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from dateutil import parser as dateparser

from evals.seeding import stable_rng
from evals.speech import approximate_time, nickname_for, paraphrase

DONT_KNOW = ("I don't remember", "sorry, I can't recall that", "no idea, honestly", "not sure")


@dataclass(frozen=True)
class MemoryModel:
    """Parameters of the genuine caller (see the module docstring for their status)."""

    top: float = 0.98  # best-case recall of a fact from a few hours ago
    half_life_days: Mapping[str, float] = field(
        default_factory=lambda: {"person": 10.0, "text": 8.0, "datetime": 5.0, "identifier": 4.0}
    )
    floor: Mapping[str, float] = field(
        default_factory=lambda: {"person": 0.6, "text": 0.55, "datetime": 0.5, "identifier": 0.35}
    )
    name_recall: float = 0.85  # each co-attendee of a recalled meeting is named
    first_name_only: float = 0.6  # "Dana" rather than "Dana Whitfield"
    nickname: float = 0.25  # "Liz" for Elizabeth, when a nickname exists
    number_only: float = 0.4  # "the 4412 one" rather than "FIN-4412"
    hour_slip: float = 0.15  # the time is remembered an hour off
    keep_words: tuple[float, float] = (0.5, 1.0)  # share of the subject's words kept
    typo_rate: float = 0.25  # one slip in the longest word

    def recall_probability(self, kind: str, age_days: float) -> float:
        half_life = self.half_life_days.get(kind, 6.0)
        floor = self.floor.get(kind, 0.5)
        decay: float = 0.5 ** (max(age_days, 0.0) / half_life)
        return self.top * (floor + (1.0 - floor) * decay)

    def describe(self) -> dict[str, Any]:
        values = asdict(self)
        values["half_life_days"] = dict(self.half_life_days)
        values["floor"] = dict(self.floor)
        return values


class GenuineCaller:
    """Answers truthfully from the fact behind a question, through a MemoryModel.

    The same seed, employee and question always give the same answer, so two configurations
    that ask the same question are compared on the same caller."""

    def __init__(self, memory: MemoryModel | None = None, *, seed: int = 0) -> None:
        self.memory = memory or MemoryModel()
        self.seed = seed

    def answer(
        self, question: Mapping[str, Any], *, upn: str, asked_at: datetime, timezone: str
    ) -> str:
        kind, expected = str(question["kind"]), str(question["expected"])
        rng = stable_rng(self.seed, upn, kind, expected, question.get("text", ""))
        age = _age_days(question.get("fact_time"), asked_at)
        if rng.random() > self.memory.recall_probability(kind, age):
            return rng.choice(DONT_KNOW)
        if kind == "person":
            return self._people(expected, rng)
        if kind == "identifier":
            return self._identifier(expected, rng)
        if kind == "datetime":
            return approximate_time(expected, asked_at, timezone, rng, self.memory.hour_slip)
        low, high = self.memory.keep_words
        keep = rng.uniform(low, high)
        return paraphrase(expected, rng, keep=keep, with_typo=rng.random() < self.memory.typo_rate)

    def _people(self, expected: str, rng: random.Random) -> str:
        names = [n.strip() for n in expected.split(",") if n.strip()]
        kept = [n for n in names if rng.random() < self.memory.name_recall] or names[:1]
        said = []
        for name in kept:
            first = name.split()[0]
            if rng.random() < self.memory.nickname:
                first = nickname_for(first, rng)
            said.append(first if rng.random() < self.memory.first_name_only else name)
        return " and ".join(said).lower() if len(said) > 1 else said[0]

    def _identifier(self, expected: str, rng: random.Random) -> str:
        numbers = re.findall(r"\d+", expected)
        if "-" in expected and numbers and rng.random() < self.memory.number_only:
            return f"the {numbers[-1]} one"
        if rng.random() < self.memory.typo_rate / 2:
            return expected.lower().replace("-", " ")  # said aloud, typed as heard
        return expected


def _age_days(fact_time: object, asked_at: datetime) -> float:
    if not fact_time:
        return 1.0
    when = fact_time if isinstance(fact_time, datetime) else dateparser.isoparse(str(fact_time))
    return max((asked_at - when).total_seconds() / 86400.0, 0.0)
