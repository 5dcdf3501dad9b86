"""Executors declare their operations; the registry refuses what a provider cannot do."""

import pytest

from recovery.models import Operation, RecoveryAction, RecoveryConfigError
from recovery.okta import OktaConfig
from recovery.registry import ExecutorDeps, build_executor, known_providers, operations_for

OKTA = OktaConfig(org_url="https://corp.okta.com", api_token="t")


def test_none_means_decision_only() -> None:
    assert build_executor("none", ExecutorDeps(okta=OKTA)) is None
    assert known_providers() == ["demo", "entra", "okta", "none"]


def test_unknown_provider_names_the_known_ones() -> None:
    with pytest.raises(RecoveryConfigError, match="known: demo, entra, okta, none"):
        build_executor("ping", ExecutorDeps(okta=OKTA))


def test_entra_needs_a_graph_client() -> None:
    with pytest.raises(RecoveryConfigError, match="Graph"):
        build_executor("entra", ExecutorDeps(okta=OKTA))


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({}, Operation.RESET_PASSWORD_EMAIL),  # the safe default: the link goes to the employee
        ({RecoveryAction.PASSWORD_RESET: Operation.TEMP_PASSWORD}, Operation.TEMP_PASSWORD),
        ({RecoveryAction.PASSWORD_RESET: None}, Operation.RESET_PASSWORD_EMAIL),
    ],
)
def test_okta_operations(chosen, expected) -> None:
    executor = build_executor("okta", ExecutorDeps(okta=OKTA))
    assert executor is not None
    chosen_ops = operations_for(executor, chosen)
    assert chosen_ops[RecoveryAction.PASSWORD_RESET] == expected
    assert chosen_ops[RecoveryAction.MFA_RESET] == Operation.RESET_FACTORS


def test_an_operation_the_provider_does_not_declare_is_refused() -> None:
    executor = build_executor("okta", ExecutorDeps(okta=OKTA))
    assert executor is not None
    with pytest.raises(RecoveryConfigError, match="offers: reset_factors"):
        operations_for(executor, {RecoveryAction.MFA_RESET: Operation.TEMPORARY_ACCESS_PASS})
