"""The help desk's reasons are policy language: a caller cannot learn which answers were right."""

import itertools
import re

import pytest

from grading.models import DecisionOutcome, Grade, GradeFlag, Signal
from grading.policy import DecisionInput, Policy, StartInput, decide, decide_start, load_policy
from tests.grading.test_policy import HIGH, LOW, C, P, X, g

KINDS = ["identifier", "person", "text", "datetime", "identifier", "text"]
# Anything that counts or scores answers: digits, "of", "score", "bits", verdict words.
FEEDBACK = re.compile(r"\d|\bof\b|score|bits|entropy|\bcorrect|partial|incorrect", re.I)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def every_answer_pattern() -> list[list[Grade]]:
    """All 3^6 verdict patterns over six questions (the grid a persistent caller could probe)."""
    return [
        [g(kind, v) for kind, v in zip(KINDS, verdicts, strict=True)]
        for verdicts in itertools.product([C, P, X], repeat=len(KINDS))
    ]


@pytest.mark.parametrize("action", ["password_reset", "mfa_reset", "privileged_account"])
@pytest.mark.parametrize("signal", [None, LOW, Signal(score=0.6), HIGH])
def test_agent_reasons_never_count_or_score_answers(
    policy: Policy, action: str, signal: Signal | None
) -> None:
    for grades in every_answer_pattern():
        d = decide(policy, DecisionInput(action=action, grades=grades, signal=signal,
                                         questions_asked=6, degraded_sources=["jira"]))  # fmt: skip
        assert d.agent_reasons, d
        leaks = [r for r in d.agent_reasons if FEEDBACK.search(r)]
        assert not leaks, (d.decision, leaks)
        assert any(FEEDBACK.search(r) for r in d.reasons)  # security still sees the counts


def test_two_escalations_with_different_right_answers_read_the_same(policy: Policy) -> None:
    """Different patterns that both fall short give the help desk identical words."""
    near = [g("identifier", C), g("person", C), g("text", C), g("datetime", X), g("text", X)]
    other = [g("identifier", X), g("person", C), g("text", C), g("datetime", C), g("text", P)]
    a, b = (
        decide(policy, DecisionInput(action="mfa_reset", grades=gs, signal=LOW, questions_asked=5))
        for gs in (near, other)
    )
    assert a.decision == b.decision == DecisionOutcome.ESCALATE
    assert a.agent_reasons == b.agent_reasons and a.reasons != b.reasons


def test_fail_closed_and_start_reasons_are_plain(policy: Policy) -> None:
    d = decide_start(policy, StartInput(action="password_reset", questions_available=2,
                                        recent_failures=3))  # fmt: skip
    assert d is not None and d.agent_reasons == [
        "not enough recent work context to verify this caller by questions",
        "too many failed verifications for this employee in the last 24 h",
    ]
    assert "could ask 2" in d.reasons[0]
    grades = [*[g(k, C) for k in KINDS[:5]], g("text", X, GradeFlag.INJECTION)]
    d = decide(policy, DecisionInput(action="password_reset", grades=grades, signal=LOW,
                                     questions_asked=6))  # fmt: skip
    assert d.decision is DecisionOutcome.DENY
    assert d.agent_reasons[0] == "an answer contained instructions to the system"
