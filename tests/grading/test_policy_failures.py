"""Fail closed by policy, under every released version (decision_v1..vN; the newest is the
default): a failed source, directory or database never allows, for any action, unless a policy
relaxes a source failure for one action by name."""

from pathlib import Path

import pytest
import yaml

from grading.models import DecisionOutcome, Signal, SignalProvenance
from grading.policy import (
    DecisionInput,
    Policy,
    StartInput,
    database_failure,
    decide,
    decide_start,
    load_policy,
)
from tests.grading.test_policy import STRONG
from tests.grading.test_policy_versions import versions

ESCALATE, ALLOW = DecisionOutcome.ESCALATE, DecisionOutcome.ALLOW
CLEAN = Signal(score=0.0, provenance=SignalProvenance.PROVIDER_API)
VERSIONS = sorted(versions())


@pytest.fixture(params=VERSIONS, ids=lambda n: f"v{n}")
def policy(request: pytest.FixtureRequest) -> Policy:
    return load_policy(versions()[request.param])


def test_the_default_policy_is_the_newest_and_at_least_v4() -> None:
    assert load_policy().version == max(VERSIONS) >= 4


def after(policy: Policy, action: str, degraded: list[str]) -> DecisionOutcome:
    facts = DecisionInput(
        action=action,
        grades=STRONG * 2,
        questions_asked=8,
        signal=CLEAN,
        degraded_sources=degraded,
    )
    return decide(policy, facts).decision


def test_a_failed_source_escalates_before_asking_for_every_action(policy: Policy) -> None:
    for action in policy.actions:
        facts = StartInput(action=action, questions_available=6, failed_sources=["jira"])
        d = decide_start(policy, facts)
        assert d is not None and d.decision is ESCALATE, action
        assert any("jira failed or timed out" in r for r in d.reasons)
        assert d.agent_reasons and not any("jira" in r for r in d.agent_reasons)


def test_a_failed_source_never_allows_after_answers(policy: Policy) -> None:
    for action in policy.actions:
        assert after(policy, action, ["jira"]) is ESCALATE, action
        assert after(policy, action, []) is ALLOW, action  # the same answers, no failure


def test_a_failed_source_with_a_high_signal_never_allows(policy: Policy) -> None:
    high = Signal(score=0.95, provenance=SignalProvenance.PROVIDER_API)
    for action in policy.actions:
        facts = DecisionInput(
            action=action, grades=STRONG * 2, questions_asked=8, signal=high,
            degraded_sources=["graph"],
        )  # fmt: skip
        assert decide(policy, facts).decision is not ALLOW


def test_a_directory_error_escalates_for_every_action(policy: Policy) -> None:
    for action in policy.actions:
        facts = StartInput(action=action, questions_available=0, directory_error="ConnectError")
        d = decide_start(policy, facts)
        assert d is not None and d.decision is ESCALATE
        assert "directory failed (ConnectError)" in d.reasons[0]


def test_a_database_error_escalates(policy: Policy) -> None:
    d = database_failure(policy, "OperationalError")
    assert d.decision is ESCALATE and "database failed (OperationalError)" in d.reasons[0]
    assert d.policy == policy.id


def test_one_number_or_ticket_across_employees_escalates(policy: Policy) -> None:
    for counts in ({"employees_per_caller": 2}, {"employees_per_ticket": 2}):
        facts = StartInput(action="password_reset", questions_available=6, **counts)
        d = decide_start(policy, facts)
        assert d is not None and d.decision is ESCALATE
    alone = StartInput(
        action="password_reset", questions_available=6, employees_per_caller=1,
        employees_per_ticket=1,
    )  # fmt: skip
    assert decide_start(policy, alone) is None


def relaxed(tmp_path: Path, **top: object) -> Policy:
    data = yaml.safe_load(versions()[max(VERSIONS)].read_text())
    data["actions"]["password_reset"]["on_source_failure"] = "proceed"
    data.update(top)
    path = tmp_path / "relaxed.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_policy(path)


def test_an_action_may_relax_a_source_failure_by_name(tmp_path: Path) -> None:
    policy = relaxed(tmp_path)
    assert after(policy, "password_reset", ["jira"]) is ALLOW
    assert after(policy, "mfa_reset", ["jira"]) is ESCALATE  # the others keep the default
    start = StartInput(action="password_reset", questions_available=6, failed_sources=["jira"])
    assert decide_start(policy, start) is None


def test_the_default_cannot_be_relaxed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="on_source_failure"):
        relaxed(tmp_path, on_source_failure="proceed")
