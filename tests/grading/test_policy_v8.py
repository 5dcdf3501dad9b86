"""decision@v8: strict thresholds (an elevated signal, an MFA reset without one) tolerate one
forgotten answer; they still need one more correct answer and a higher mean score. Everything
else is v7."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from grading.models import AnswerKind, DecisionOutcome, Grade, Signal, SignalProvenance, Verdict
from grading.policy import DecisionInput, Policy, decide, load_policy

POLICIES = Path(str(resources.files("grading").joinpath("policies")))
V7 = load_policy(POLICIES / "decision_v7.yaml")
V8 = load_policy(POLICIES / "decision_v8.yaml")
RIGHT, HALF, WRONG = (Verdict.CORRECT, 1.0), (Verdict.PARTIAL, 0.5), (Verdict.INCORRECT, 0.0)
ELEVATED = Signal(score=0.5, provenance=SignalProvenance.PROVIDER_API)


def outcome(
    policy: Policy, action: str, answers: list[tuple[Verdict, float]], signal: Signal | None
) -> DecisionOutcome:
    grades = [
        Grade(id=f"q{i}", kind=AnswerKind.TEXT, verdict=v, score=s, method="m", reason="r")
        for i, (v, s) in enumerate(answers)
    ]
    facts = DecisionInput(action=action, grades=grades, questions_asked=len(grades), signal=signal)
    return decide(policy, facts).decision


def test_an_mfa_reset_without_a_signal_tolerates_one_forgotten_answer() -> None:
    five_and_a_miss = [RIGHT] * 5 + [WRONG]
    assert outcome(V7, "mfa_reset", five_and_a_miss, None) is not DecisionOutcome.ALLOW
    assert outcome(V8, "mfa_reset", five_and_a_miss, None) is DecisionOutcome.ALLOW


def test_strict_still_needs_one_more_right_answer_than_normal() -> None:
    # four right, a half and a miss: 4.5 of the 5 strict needs (normal MFA needs 4)
    answers = [RIGHT] * 4 + [HALF, WRONG]
    assert outcome(V8, "mfa_reset", answers, None) is not DecisionOutcome.ALLOW
    assert outcome(V8, "mfa_reset", [RIGHT] * 4 + [WRONG, WRONG], None) is not (
        DecisionOutcome.ALLOW
    )


def test_an_elevated_password_reset_tolerates_one_miss_and_a_privileged_account_none() -> None:
    answers = [RIGHT] * 5 + [WRONG]
    assert outcome(V7, "password_reset", answers, ELEVATED) is not DecisionOutcome.ALLOW
    assert outcome(V8, "password_reset", answers, ELEVATED) is DecisionOutcome.ALLOW
    assert outcome(V8, "privileged_account", answers, ELEVATED) is not DecisionOutcome.ALLOW


def test_v8_changes_only_the_strict_incorrect_allowance() -> None:
    v7, v8 = V7.model_dump(), V8.model_dump()
    assert (v7["strict"]["max_incorrect"], v8["strict"]["max_incorrect"]) == (0, 1)
    v8["strict"]["max_incorrect"] = 0
    v8["version"] = v7["version"]
    assert v8 == v7
