"""The policy does not take the agent's word for a low risk; a warning counts from anyone."""

import pytest

from grading.models import DecisionOutcome, Signal, SignalProvenance
from grading.policy import DecisionInput, Policy, decide, load_policy
from tests.grading.test_policy import STRONG

AGENT, API, JWS = (
    SignalProvenance.AGENT,
    SignalProvenance.PROVIDER_API,
    SignalProvenance.PROVIDER_JWS,
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def run(policy: Policy, action: str, signal: Signal | None):
    grades = [*STRONG, *STRONG]  # eight right answers: only the signal can stand in the way
    return decide(policy, DecisionInput(action=action, grades=grades, signal=signal,
                                        questions_asked=len(grades)))  # fmt: skip


@pytest.mark.parametrize(
    "action, provenance, outcome",
    [
        ("privileged_account", API, DecisionOutcome.ALLOW),
        ("privileged_account", JWS, DecisionOutcome.ALLOW),
        # An agent's 0.0 is no signal at all: privileged accounts need one.
        ("privileged_account", AGENT, DecisionOutcome.ESCALATE),
        ("password_reset", AGENT, DecisionOutcome.ALLOW),  # unknown is fine for this tier
    ],
)
def test_a_low_score_counts_only_from_its_provider(
    policy: Policy, action: str, provenance: SignalProvenance, outcome: DecisionOutcome
) -> None:
    d = run(policy, action, Signal(score=0.0, provenance=provenance))
    assert d.decision is outcome, d.reasons
    unknown = decide(policy, DecisionInput(action=action, grades=[*STRONG, *STRONG],
                                           signal=None, questions_asked=8))  # fmt: skip
    if provenance is AGENT:
        assert d.decision is unknown.decision
        assert any("not from its provider" in r for r in d.agent_reasons)


def test_an_agent_score_makes_mfa_resets_strict(policy: Policy) -> None:
    d = run(policy, "mfa_reset", Signal(score=0.0, provenance=AGENT))
    assert any("stricter thresholds" in r for r in d.reasons)
    assert not any(
        "stricter" in r for r in run(policy, "mfa_reset", Signal(score=0.0, provenance=API)).reasons
    )


def test_a_high_score_counts_from_anyone(policy: Policy) -> None:
    d = run(policy, "password_reset", Signal(score=0.95, provenance=AGENT))
    assert d.decision is DecisionOutcome.ESCALATE
    assert "the device/network risk signal is high" in d.agent_reasons
