"""The planner prefers what the caller remembers: of facts otherwise alike, the newer one is
asked (questions/planner.py RECALL_HALF_LIFE_DAYS), without giving up a stronger older fact."""

from __future__ import annotations

from datetime import timedelta

from context.models import Source
from questions.models import Question
from questions.planner import plan
from tests.questions.factories import NOW
from vocabulary.answers import AnswerKind


def q(n: int, age_days: float, guess: float = 0.01) -> Question:
    return Question(
        id=f"q{n}", text=f"question {n}", kind=AnswerKind.TEXT, expected=f"answer {n}",
        evidence=[f"item{n}"], source=Source.MAIL, topic="mail.subject", fact=f"fact{n}",
        knowers=[f"Person {n}"], guess_probability=guess,
        fact_time=NOW - timedelta(days=age_days),
    )  # fmt: skip


def test_of_two_alike_facts_the_newer_is_asked_even_when_ranked_lower() -> None:
    old, new = q(1, age_days=6), q(2, age_days=0.5)
    assert plan([old, new], role="finance", count=1, now=NOW) == [new]


def test_a_much_stronger_older_fact_still_wins() -> None:
    old_strong, new_weak = q(1, age_days=2, guess=0.0001), q(2, age_days=0.5, guess=0.5)
    assert plan([new_weak, old_strong], role="finance", count=1, now=NOW) == [old_strong]
