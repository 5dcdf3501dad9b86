"""decision@v9: a password reset (seven questions asked since v9) tolerates three incorrect
answers, never half or more of those asked (`allow_incorrect_share_below`). The rest is v8."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from api.settings import QuestionSettings
from grading.models import AnswerKind, DecisionOutcome, Grade, Signal, SignalProvenance, Verdict
from grading.policy import DecisionInput, Policy, decide, load_policy

POLICIES = Path(str(resources.files("grading").joinpath("policies")))
V8 = load_policy(POLICIES / "decision_v8.yaml")
V9 = load_policy(POLICIES / "decision_v9.yaml")
RIGHT, WRONG = (Verdict.CORRECT, 1.0), (Verdict.INCORRECT, 0.0)
ELEVATED = Signal(score=0.5, provenance=SignalProvenance.PROVIDER_API)


def decided(
    policy: Policy, action: str, answers: list[tuple[Verdict, float]], signal: Signal | None = None
) -> tuple[DecisionOutcome, list[str]]:
    grades = [
        Grade(id=f"q{i}", kind=AnswerKind.TEXT, verdict=v, score=s, method="m", reason="r")
        for i, (v, s) in enumerate(answers)
    ]
    facts = DecisionInput(action=action, grades=grades, questions_asked=len(grades), signal=signal)
    decision = decide(policy, facts)
    return decision.decision, decision.reasons


def test_v9_is_its_file_and_the_service_asks_seven() -> None:
    assert V9.id == "decision@v9"
    assert QuestionSettings().count == 7


def test_three_forgotten_answers_of_seven_allow_a_password_reset() -> None:
    four_and_three_misses = [RIGHT] * 4 + [WRONG] * 3
    assert decided(V8, "password_reset", four_and_three_misses)[0] is not DecisionOutcome.ALLOW
    assert decided(V9, "password_reset", four_and_three_misses)[0] is DecisionOutcome.ALLOW


@pytest.mark.parametrize(
    ("right", "wrong"),
    [
        (3, 3),  # a set cut short to six: three wrong is half
        (2, 2),  # the minimum of four questions: two wrong is half
    ],
)
def test_never_with_half_the_answers_wrong(right: int, wrong: int) -> None:
    outcome, reasons = decided(V9, "password_reset", [RIGHT] * right + [WRONG] * wrong)
    assert outcome is not DecisionOutcome.ALLOW
    assert any("needs fewer than 50% incorrect" in r for r in reasons)


def test_strict_thresholds_are_v8s() -> None:
    # an MFA reset without a signal, or an elevated password reset: one miss only
    five_and_two = [RIGHT] * 5 + [WRONG] * 2
    assert decided(V9, "mfa_reset", five_and_two)[0] is not DecisionOutcome.ALLOW
    assert decided(V9, "mfa_reset", [RIGHT] * 6 + [WRONG])[0] is DecisionOutcome.ALLOW
    assert decided(V9, "password_reset", five_and_two, ELEVATED)[0] is not DecisionOutcome.ALLOW


def test_v9_changes_only_the_password_reset_allowance_and_the_share_rule() -> None:
    v8, v9 = V8.model_dump(), V9.model_dump()
    reset8, reset9 = v8["actions"]["password_reset"], v9["actions"]["password_reset"]
    assert (reset8["max_incorrect"], reset9["max_incorrect"]) == (2, 3)
    assert (v8["allow_incorrect_share_below"], v9["allow_incorrect_share_below"]) == (None, 0.5)
    v9["actions"]["password_reset"]["max_incorrect"] = 2
    v9["allow_incorrect_share_below"] = None
    v9["version"] = v8["version"]
    assert v9 == v8
