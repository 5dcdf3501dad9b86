"""decision@v7: a password reset with five answers' worth of knowledge but two half-remembered
answers is no longer refused on the mean score alone; everything else is v6."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from grading.models import AnswerKind, DecisionOutcome, Grade, Signal, SignalProvenance, Verdict
from grading.policy import DecisionInput, Policy, decide, load_policy

POLICIES = Path(str(resources.files("grading").joinpath("policies")))
V6 = load_policy(POLICIES / "decision_v6.yaml")
V7 = load_policy(POLICIES / "decision_v7.yaml")
CLEAN = Signal(score=0.0, provenance=SignalProvenance.PROVIDER_API)


def facts(scores: list[tuple[Verdict, float]]) -> DecisionInput:
    grades = [
        Grade(id=f"q{i}", kind=AnswerKind.TEXT, verdict=v, score=s, method="m", reason="r")
        for i, (v, s) in enumerate(scores)
    ]
    return DecisionInput(
        action="password_reset", grades=grades, questions_asked=len(grades), signal=CLEAN
    )


def outcome(policy: Policy, scores: list[tuple[Verdict, float]]) -> DecisionOutcome:
    return decide(policy, facts(scores)).decision


RIGHT, HALF, WRONG = (Verdict.CORRECT, 1.0), (Verdict.PARTIAL, 0.35), (Verdict.INCORRECT, 0.0)


def test_two_right_two_half_remembered_passes_under_v7_only() -> None:
    answers = [RIGHT, RIGHT, HALF, HALF, RIGHT, WRONG]  # mean 0.53: both allow
    assert outcome(V6, answers) is outcome(V7, answers) is DecisionOutcome.ALLOW
    answers = [RIGHT, RIGHT, HALF, HALF, WRONG, WRONG]  # mean 0.45: 3 correct with the halves
    assert outcome(V6, answers) is not DecisionOutcome.ALLOW
    assert outcome(V7, answers) is DecisionOutcome.ALLOW


def test_below_the_new_mean_still_escalates() -> None:
    low = (Verdict.PARTIAL, 0.3)
    answers = [RIGHT, RIGHT, low, low, WRONG, WRONG]  # mean 0.43
    assert outcome(V7, answers) is not DecisionOutcome.ALLOW
    assert "mean answer score" in " ".join(decide(V7, facts(answers)).reasons)


def test_v7_changes_only_the_password_reset_mean_score() -> None:
    v6, v7 = V6.model_dump(), V7.model_dump()
    assert v7["actions"]["password_reset"]["min_score"] == 0.45
    v7["actions"]["password_reset"]["min_score"] = v6["actions"]["password_reset"]["min_score"]
    v7["version"] = v6["version"]
    assert v7 == v6
