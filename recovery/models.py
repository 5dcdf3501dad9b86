"""The recovery vocabulary: actions, the provider operations that carry them out, and the typed
records an executor returns. Secrets are SecretStr so they never reach a log or a repr."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class RecoveryAction(StrEnum):
    """The verification actions a provider can carry out (names of the decision policy)."""

    MFA_RESET = "mfa_reset"
    PASSWORD_RESET = "password_reset"


class Operation(StrEnum):
    """How a provider carries out an action; chosen per action in the settings."""

    RESET_FACTORS = "reset_factors"  # Okta: every enrolled factor removed, the user re-enrols
    RESET_PASSWORD_EMAIL = "reset_password_email"  # Okta: link mailed to the employee's own address
    TEMP_PASSWORD = "temp_password"  # a one-time password, change forced at next sign-in
    TEMPORARY_ACCESS_PASS = "temporary_access_pass"  # Entra: one-time pass to re-enrol MFA


class Step(BaseModel):
    """One provider call that succeeded, with the provider's own request id for its logs."""

    model_config = ConfigDict(frozen=True)

    name: str  # e.g. "okta.reset_factors", "entra.revoke_sign_in_sessions"
    request_id: str | None = None


class OneTimeSecret(BaseModel):
    """A temporary access pass or temporary password: shown to the caller once, never stored."""

    kind: Literal["temporary_access_pass", "temporary_password"]
    value: SecretStr
    expires_at: datetime | None = None


class RecoveryRequest(BaseModel):
    employee: str  # the verified employee's UPN / Okta login
    action: RecoveryAction
    operation: Operation
    revoke_sessions: bool = True
    reference: str  # the deskguard verification id, for the provider-side correlation


class RecoveryOutcome(BaseModel):
    """What was done. `undo` holds what a repudiation needs (e.g. the TAP method id)."""

    provider: str
    action: RecoveryAction
    operation: Operation
    target_id: str  # the provider's user id
    steps: list[Step]
    delivered_to: str | None = None  # masked address a reset link was sent to
    secret: OneTimeSecret | None = None
    undo: dict[str, str] = Field(default_factory=dict)

    def summary(self) -> str:
        done = ", ".join(s.name for s in self.steps)
        return f"{self.provider} {self.operation.value}: {done}"


class RecoveryError(Exception):
    """The provider refused or failed. `steps` lists what did complete (only steps that leave the
    account safer, such as a session revocation); the recovery as a whole did not happen."""

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        steps: list[Step] | None = None,
    ) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider, self.message, self.status = provider, message, status
        self.request_id = request_id
        self.steps = steps or []


class RecoveryConfigError(RecoveryError):
    """The executor is misconfigured (the message says what to set); nothing was called."""


@runtime_checkable
class Executor(Protocol):
    """One identity provider. `operations` declares, per action, what it can do."""

    provider: ClassVar[str]
    operations: ClassVar[dict[RecoveryAction, frozenset[Operation]]]

    async def execute(self, request: RecoveryRequest) -> RecoveryOutcome: ...

    async def repudiate(self, employee: str, undo: dict[str, str]) -> list[Step]:
        """ "This wasn't me": revoke sessions and any one-time credential issued."""
        ...


def supports(executor: Executor, action: RecoveryAction, operation: Operation) -> bool:
    return operation in executor.operations.get(action, frozenset())


def mask_address(address: str) -> str:
    """j***@corp.example: enough for the caller to recognise, too little to harvest."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
