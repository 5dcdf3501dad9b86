"""Role planning: pick a mix of questions across sources, days and answer kinds.

Greedy and deterministic: each step takes the candidate with the best preference score after
penalties for repeating a source, a day, an answer kind or a topic. A question on a fact already
used, or with an answer already expected, is never taken (questions/exposure.py `repeats`), a set
holds at most one question whose answer is in a shared system's history (a Jira project, a
repository: every teammate reads it), and questions few others could answer (a small audience
outside the caller's team, an uncommon answer) are preferred.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from context.models import Source
from questions.exposure import (
    is_team_group,
    knower_load,
    read_by_every_teammate,
    repeats,
    shares_a_system,
)
from questions.models import Question
from vocabulary.roles import FRONTLINE_ROLES

# How much each role's work shows in each source (1.0 = the role lives there).
ROLE_SOURCES: dict[str, dict[Source, float]] = {
    "engineer": {Source.GIT: 1.0, Source.JIRA: 1.0, Source.CALENDAR: 0.7, Source.MAIL: 0.5},
    "data_engineer": {Source.GIT: 1.0, Source.JIRA: 0.9, Source.CALENDAR: 0.7, Source.MAIL: 0.5},
    "it_admin": {Source.JIRA: 1.0, Source.CALENDAR: 0.8, Source.GIT: 0.8, Source.MAIL: 0.7},
    "helpdesk": {Source.JIRA: 1.0, Source.CALENDAR: 0.7, Source.MAIL: 0.7, Source.GIT: 0.3},
    "ciso": {Source.CALENDAR: 1.0, Source.MAIL: 0.9, Source.JIRA: 0.7, Source.GIT: 0.3},
}
# Frontline staff (vocabulary/roles.py): their rota, swaps, time off and their own IT tickets.
FRONTLINE_SOURCES = {Source.SHIFTS: 1.0, Source.ITSM: 1.0, Source.MAIL: 0.5, Source.CALENDAR: 0.5}
ROLE_SOURCES |= dict.fromkeys(FRONTLINE_ROLES, FRONTLINE_SOURCES)
DEFAULT_SOURCES = {
    Source.CALENDAR: 1.0,
    Source.MAIL: 1.0,
    Source.JIRA: 0.6,
    Source.GIT: 0.4,
    Source.ITSM: 0.8,
    Source.SHIFTS: 0.8,
}
# Discount per chosen question repeating the candidate's source, day, kind or topic; "audience":
# per chosen question sharing someone who could answer it (one colleague's mailbox or one
# repository's history should answer as few questions of a set as possible).
PENALTY = {"source": 0.35, "day": 0.2, "kind": 0.15, "topic": 0.25, "audience": 0.3}
# Kinds an insider guesses more often carry fewer bits (`deskguard eval`: attendees ~7%, text and
# identifiers under 0.5%), so they are asked only when they are clearly the better fact.
KIND_WEIGHT = {"identifier": 1.0, "text": 1.0, "person": 0.75, "datetime": 0.6}
# Bits of a question's own guess estimate at which it counts as fully strong; below, its
# preference falls in proportion (a commit subject the whole repository sees, the team's usual
# repository), never below WEAKEST.
STRONG_BITS = 8.0
# A candidate's preference halves for every this many days of its fact's age: the caller
# remembers this week better than last (`deskguard eval --employees 1000 --seed 3`: 17-22% of
# facts 4-6 days old went unremembered against 4-6% of today's and yesterday's; genuine pass
# 91.3% -> 93.8%, colleague 0 -> 1 of 1000). A much stronger older fact still wins.
RECALL_HALF_LIFE_DAYS = 3.0
WEAKEST = 0.15
# Questions per set whose answer a shared system's history holds: a teammate's account reads
# them all (`deskguard eval`: the colleague answers 93-100% of ticket moves, summaries and
# commit subjects), so a second one adds nothing against it.
MAX_SHARED_SYSTEM = 1
# Questions per set one other person could answer (a shared system's question counts for every
# teammate): one colleague's account then holds at most this many answers, and the policy's
# `beyond_one_knower` rule needs right answers outside it. When the pool cannot fill a set
# within the cap, the rest is filled without it and the policy decides.
MAX_PER_KNOWER = 2


def plan(
    pool: Sequence[Question],
    *,
    role: str,
    count: int,
    now: datetime,
    taken: Sequence[Question] = (),
) -> list[Question]:
    """Choose up to `count - len(taken)` more questions from `pool` (ordered best first)."""
    weights = ROLE_SOURCES.get(role, DEFAULT_SOURCES)
    chosen: list[Question] = list(taken)
    for capped in (True, False):
        load = _Load(chosen)
        remaining = [q for q in pool if q.evidence and _fits(q, chosen, load, capped)]
        while len(chosen) < count and remaining:
            best = max(
                enumerate(remaining),
                key=lambda pair: (
                    _preference(pair[0], pair[1], len(pool), weights, chosen, now),
                    -pair[0],
                ),
            )[1]
            chosen.append(best)
            load = _Load(chosen)
            remaining = [q for q in remaining if _fits(q, chosen, load, capped)]
    return chosen[len(taken) :]


class _Load:
    """`knower_load` of the chosen questions, kept once per step: a candidate's own load is
    theirs plus its own (the same numbers as knower_load with the candidate added)."""

    def __init__(self, chosen: Sequence[Question]) -> None:
        self.counts = knower_load(chosen)
        self.everyone = sum(1 for q in chosen if read_by_every_teammate(q))
        self.shared = sum(1 for q in chosen if shares_a_system(q))

    def most_with(self, question: Question) -> int:
        """The most questions of the set any one other person could answer, with `question`."""
        everyone = read_by_every_teammate(question)
        named = set(question.knowers)
        most = self.everyone + everyone  # a teammate named nowhere reads only what all read
        for person, n in self.counts.items():
            most = max(most, n + (everyone or person in named))
        if any(not is_team_group(k) and k not in self.counts for k in named):
            most = max(most, self.everyone + 1)  # someone only this question names
        return most


def _fits(question: Question, chosen: Sequence[Question], load: _Load, capped: bool) -> bool:
    """May `question` join `chosen`: a new fact and answer, no shared system over its cap and,
    when `capped`, nobody else able to answer more than MAX_PER_KNOWER of the set."""
    if repeats(question, chosen) is not None:
        return False
    if shares_a_system(question) and load.shared >= MAX_SHARED_SYSTEM:
        return False
    return not capped or load.most_with(question) <= MAX_PER_KNOWER


def strength(question: Question) -> float:
    """0..1: how hard the question is for anyone but the employee, from its own estimate."""
    if question.guess_probability is None:
        return 1.0
    bits = -math.log2(max(question.guess_probability, 1e-9))
    return max(WEAKEST, min(1.0, bits / STRONG_BITS))


def _preference(
    index: int,
    question: Question,
    total: int,
    weights: dict[Source, float],
    chosen: Sequence[Question],
    now: datetime | None = None,
) -> float:
    """The candidate's worth, discounted for each chosen question it repeats a source, day,
    kind, topic or knower of. The discounts multiply: a second fact only strangers know can
    still beat a first fact the caller's team knows (penalties subtracted made variety win
    over strength)."""
    rank = 1.0 - index / max(total, 1)
    score = rank * weights.get(question.source, 0.3) * KIND_WEIGHT.get(question.kind, 1.0)
    score *= strength(question)
    if now is not None and question.fact_time is not None:
        age_days = max((now - question.fact_time).total_seconds() / 86400, 0.0)
        score *= 0.5 ** (age_days / RECALL_HALF_LIFE_DAYS)
    day = question.fact_time.date() if question.fact_time else None
    repeats = {
        "source": sum(1 for q in chosen if q.source == question.source),
        "kind": sum(1 for q in chosen if q.kind == question.kind),
        "topic": sum(1 for q in chosen if q.topic == question.topic),
        "audience": sum(1 for q in chosen if set(question.knowers) & set(q.knowers)),
        "day": sum(1 for q in chosen if day and q.fact_time and q.fact_time.date() == day),
    }
    for what, count in repeats.items():
        score *= (1.0 - PENALTY[what]) ** count
    return score
