"""Released policy versions: each file is its own version, the newest is the default, and the
current one never allows a password reset with half the answers wrong."""

from __future__ import annotations

import itertools
import re
from importlib import resources
from pathlib import Path

import pytest

from grading.models import AnswerKind, DecisionOutcome, Grade, Signal, SignalProvenance, Verdict
from grading.policy import AskedQuestion, DecisionInput, Policy, decide, load_policy

POLICIES = Path(str(resources.files("grading").joinpath("policies")))
KINDS = (AnswerKind.TEXT, AnswerKind.PERSON, AnswerKind.IDENTIFIER)
VOUCHED = SignalProvenance.PROVIDER_API  # posted by the risk provider itself
SIGNALS = (None, Signal(score=0.0, provenance=VOUCHED), Signal(score=0.6, provenance=VOUCHED))


def versions() -> dict[int, Path]:
    found = {}
    for path in POLICIES.glob("decision_v*.yaml"):
        match = re.fullmatch(r"decision_v(\d+)\.yaml", path.name)
        if match:
            found[int(match.group(1))] = path
    return found


@pytest.mark.parametrize("number", sorted(versions()))
def test_each_file_holds_its_own_version(number: int) -> None:
    assert load_policy(versions()[number]).id == f"decision@v{number}"


def test_the_default_is_the_newest_version() -> None:
    assert load_policy().id == f"decision@v{max(versions())}"


def grades(verdicts: tuple[Verdict, ...]) -> list[Grade]:
    score = {Verdict.CORRECT: 1.0, Verdict.PARTIAL: 0.5, Verdict.INCORRECT: 0.0}
    return [
        Grade(id=f"q{i}", kind=KINDS[i % 3], verdict=v, score=score[v], method="m", reason="r")
        for i, v in enumerate(verdicts)
    ]


@pytest.fixture(scope="module")
def current() -> Policy:
    return load_policy()


def allowed(policy: Policy, verdicts: tuple[Verdict, ...], signal: Signal | None) -> bool:
    facts = DecisionInput(
        action="password_reset",
        grades=grades(verdicts),
        questions_asked=len(verdicts),
        signal=signal,
    )
    return decide(policy, facts).decision is DecisionOutcome.ALLOW


@pytest.mark.parametrize("asked", [4, 5, 6])
def test_password_reset_never_allows_with_half_the_answers_wrong(
    current: Policy, asked: int
) -> None:
    # every combination of verdicts over the questions asked, under every signal
    for verdicts in itertools.product(list(Verdict), repeat=asked):
        if 2 * verdicts.count(Verdict.INCORRECT) < asked:
            continue
        for signal in SIGNALS:
            assert not allowed(current, verdicts, signal), (verdicts, signal)


def test_password_reset_allows_a_caller_who_forgot_one_answer(current: Policy) -> None:
    # the reason the policy is usable: a genuine caller may forget one of six
    verdicts = (Verdict.CORRECT,) * 5 + (Verdict.INCORRECT,)
    assert allowed(current, verdicts, Signal(score=0.0, provenance=VOUCHED))


def asked(estimate: float, count: int) -> list[AskedQuestion]:
    return [
        AskedQuestion(id=f"q{i}", fact=f"fact{i}", guess_probability=estimate) for i in range(count)
    ]


@pytest.mark.parametrize(
    ("estimate", "allows"),
    [
        (0.98, False),  # six Jira / git facts every teammate reads: about 0.9 bits each
        (0.8, False),  # six facts most of the team could read: 6 x 1.06 bits, below the floor
        (0.003, True),  # six facts only strangers know: the kind's floor counts
    ],
)
def test_the_current_policy_counts_what_a_teammate_could_read(
    current: Policy, estimate: float, allows: bool
) -> None:
    facts = DecisionInput(
        action="password_reset",
        grades=grades((Verdict.CORRECT,) * 6),
        questions_asked=6,
        signal=Signal(score=0.0, provenance=VOUCHED),
        asked=asked(estimate, 6),
    )
    assert (decide(current, facts).decision is DecisionOutcome.ALLOW) is allows
