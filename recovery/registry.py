"""Executor registry: DESKGUARD_RECOVERY__PROVIDER -> a configured executor. Each executor
declares the operations it supports per action; a chosen operation it does not declare is a
configuration error that names the ones it does."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from recovery.demo import DemoIdentityProvider
from recovery.entra import EntraExecutor, GraphFactory
from recovery.models import Executor, Operation, RecoveryAction, RecoveryConfigError
from recovery.okta import OktaConfig, OktaExecutor

ProviderName = Literal["okta", "entra", "demo", "none"]


@dataclass(frozen=True)
class ExecutorDeps:
    okta: OktaConfig
    graph: GraphFactory | None = None  # Entra: a factory for an app-only GraphServiceClient
    tap_lifetime_minutes: int = 60


def _entra(deps: ExecutorDeps) -> Executor:
    if deps.graph is None:
        raise RecoveryConfigError("entra", "no Graph client configured for recovery")
    return EntraExecutor(deps.graph, tap_lifetime_minutes=deps.tap_lifetime_minutes)


BUILDERS: dict[str, Callable[[ExecutorDeps], Executor]] = {
    "okta": lambda deps: OktaExecutor(deps.okta),
    "entra": _entra,
    "demo": lambda deps: DemoIdentityProvider(),  # the demo tenant's, in memory
}

# What each provider runs when the settings choose nothing.
DEFAULT_OPERATIONS: dict[str, dict[RecoveryAction, Operation]] = {
    "okta": {
        RecoveryAction.MFA_RESET: Operation.RESET_FACTORS,
        RecoveryAction.PASSWORD_RESET: Operation.RESET_PASSWORD_EMAIL,
    },
    "entra": {
        RecoveryAction.MFA_RESET: Operation.TEMPORARY_ACCESS_PASS,
        RecoveryAction.PASSWORD_RESET: Operation.TEMP_PASSWORD,
    },
    "demo": {
        RecoveryAction.MFA_RESET: Operation.RESET_FACTORS,
        RecoveryAction.PASSWORD_RESET: Operation.RESET_PASSWORD_EMAIL,
    },
}


def known_providers() -> list[str]:
    return [*sorted(BUILDERS), "none"]


def build_executor(provider: str, deps: ExecutorDeps) -> Executor | None:
    """None for `none` (decision only); an unknown name lists the known ones."""
    if provider == "none":
        return None
    if provider not in BUILDERS:
        raise RecoveryConfigError(
            provider, f"unknown recovery provider; known: {', '.join(known_providers())}"
        )
    return BUILDERS[provider](deps)


def operations_for(
    executor: Executor, chosen: Mapping[RecoveryAction, Operation | None]
) -> dict[RecoveryAction, Operation]:
    """The operation per action: the chosen one, else the provider's default; refuses a choice
    the executor does not declare."""
    result = dict(DEFAULT_OPERATIONS.get(executor.provider, {}))
    for action, operation in chosen.items():
        if operation is None:
            continue
        if operation not in executor.operations.get(action, frozenset()):
            allowed = ", ".join(sorted(o.value for o in executor.operations.get(action, ())))
            raise RecoveryConfigError(
                executor.provider,
                f"{action.value} cannot run {operation.value}; this provider offers: "
                f"{allowed or 'nothing'}",
            )
        result[action] = operation
    return result
