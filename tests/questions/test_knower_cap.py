"""No one other person can answer more than MAX_PER_KNOWER questions of a set while the pool
allows it (questions/planner.py); a shared system's question counts for every teammate."""

from __future__ import annotations

from context.models import Source
from questions.exposure import TEAMMATE, knower_load
from questions.models import Question
from questions.planner import MAX_PER_KNOWER, plan
from tests.questions.factories import NOW
from vocabulary.answers import AnswerKind


def q(n: int, *knowers: str, source: Source = Source.MAIL) -> Question:
    return Question(
        id=f"q{n}", text=f"question {n}", kind=AnswerKind.TEXT, expected=f"answer {n}",
        evidence=[f"item{n}"], source=source, topic="mail.subject", fact=f"fact{n}",
        knowers=list(knowers), guess_probability=0.01,
    )  # fmt: skip


def test_a_commit_counts_for_every_teammate_and_a_mail_for_its_recipients() -> None:
    load = knower_load([q(1, "Elena"), q(2, "repository:pos", source=Source.GIT), q(3, "Ravi")])
    assert load == {"Elena": 2, "Ravi": 2, TEAMMATE: 1}


def test_the_closest_colleague_is_in_at_most_two_questions_when_others_exist() -> None:
    # Elena received the four best-ranked mails; the pool has enough mail to others.
    pool = [q(i, "Elena") for i in range(4)] + [q(10 + i, f"Other {i}") for i in range(6)]
    chosen = plan(pool, role="finance", count=6, now=NOW)
    assert len(chosen) == 6
    assert knower_load(chosen)["Elena"] == MAX_PER_KNOWER


def test_a_shared_system_question_uses_up_one_place_of_everyone() -> None:
    pool = [q(0, "repository:pos", source=Source.GIT), *[q(i, "Elena") for i in range(1, 4)]]
    pool += [q(10 + i, f"Other {i}") for i in range(6)]
    chosen = plan(pool, role="engineer", count=6, now=NOW)
    assert max(knower_load(chosen).values()) <= MAX_PER_KNOWER
    assert sum(1 for c in chosen if "Elena" in c.knowers) == MAX_PER_KNOWER - 1


def test_a_narrow_pool_still_fills_the_set_and_leaves_the_decision_to_the_policy() -> None:
    pool = [q(i, "Elena") for i in range(5)]  # one colleague received everything
    chosen = plan(pool, role="finance", count=5, now=NOW)
    assert len(chosen) == 5
