"""beyond_one_knower: the right answers that the best-informed other person could not have
given must carry the policy's bits on their own (grading/policy.py)."""

from __future__ import annotations

import pytest

from grading.models import AnswerKind, DecisionOutcome, Grade, Verdict
from grading.policy import (
    ANY_TEAMMATE,
    AskedQuestion,
    DecisionInput,
    KnowerRules,
    Policy,
    bits_beyond_one_knower,
    decide,
    load_policy,
)

C, X = Verdict.CORRECT, Verdict.INCORRECT


@pytest.fixture(scope="module")
def policy() -> Policy:
    base = load_policy()
    return base.model_copy(update={"beyond_one_knower": KnowerRules(min_bits=4.0)})


def grades(*verdicts: Verdict) -> list[Grade]:
    score = {C: 1.0, X: 0.0}
    return [
        Grade(id=f"q{i}", kind=AnswerKind.TEXT, verdict=v, score=score[v], method="m", reason="r")
        for i, v in enumerate(verdicts)
    ]


def asked(*knowers: tuple[str, ...] | str) -> list[AskedQuestion]:
    """One question per argument: a tuple of people, or "team" for a shared history."""
    return [
        AskedQuestion(id=f"q{i}", fact=f"f{i}", guess_probability=0.002,
                      knowers=[] if k == "team" else list(k), team_reads=k == "team")
        for i, k in enumerate(knowers)
    ]  # fmt: skip


def decision(
    policy: Policy, verdicts: list[Grade], questions: list[AskedQuestion]
) -> DecisionOutcome:
    facts = DecisionInput(
        action="password_reset", grades=verdicts, questions_asked=len(verdicts), asked=questions
    )
    return decide(policy, facts).decision


def test_one_colleague_who_received_the_right_mails_and_reads_the_repository_is_not_enough(
    policy: Policy,
) -> None:
    # Elena got both mails answered right and reads the commit: only wrong answers remain.
    verdicts = grades(C, C, C, X, X, C)
    questions = asked(("Elena",), ("Elena",), "team", ("Ravi",), ("Zoe",), ("Elena", "Ravi"))
    assert bits_beyond_one_knower(policy, verdicts, questions) == 0.0
    result = decide(policy, DecisionInput(action="password_reset", grades=verdicts,
                                          questions_asked=6, asked=questions))  # fmt: skip
    assert result.decision is DecisionOutcome.ESCALATE
    assert any("one other person could not know carry 0.0 bits" in r for r in result.reasons)


def test_right_answers_spread_over_different_people_allow(policy: Policy) -> None:
    verdicts = grades(C, C, C, C, X, C)
    questions = asked(("Elena",), ("Ravi",), "team", ("Zoe",), ("Tom",), ("Aisha",))
    # Whoever the other person is, at least three right mails stay out of their reach.
    assert bits_beyond_one_knower(policy, verdicts, questions) >= 3 * 3.8
    assert decision(policy, verdicts, questions) is DecisionOutcome.ALLOW


def test_a_teammate_named_nowhere_still_reads_the_shared_history(policy: Policy) -> None:
    verdicts = grades(C, C, X, X)
    questions = asked("team", ("Elena",), ("Ravi",), ("Zoe",))
    # ANY_TEAMMATE knows q0; Elena q0 and q1: the least is Elena's, one mail's worth... none.
    assert ANY_TEAMMATE not in {k for q in questions for k in q.knowers}
    assert bits_beyond_one_knower(policy, verdicts, questions) == 0.0


def test_a_grade_without_its_question_counts_in_full(policy: Policy) -> None:
    verdicts = grades(C, C)
    assert bits_beyond_one_knower(policy, verdicts, asked(("Elena",))) > 0.0


def test_a_policy_without_the_rule_ignores_who_knows(policy: Policy) -> None:
    plain = policy.model_copy(update={"beyond_one_knower": None})
    verdicts = grades(C, C, C, X, X, C)
    questions = asked(("Elena",), ("Elena",), "team", ("Ravi",), ("Zoe",), ("Elena", "Ravi"))
    reasons = decide(plain, DecisionInput(action="password_reset", grades=verdicts,
                                          questions_asked=6, asked=questions)).reasons  # fmt: skip
    assert not any("one other person" in r for r in reasons)
