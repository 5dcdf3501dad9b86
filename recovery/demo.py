"""The demo tenant's identity provider: in memory, like the demo tenant's directory. It keeps a
log of what was done so `deskguard demo` can show the reset happened, once. Never for a real
tenant (DESKGUARD_RECOVERY__PROVIDER=demo)."""

from __future__ import annotations

import secrets
import uuid
from typing import ClassVar

from pydantic import SecretStr

from recovery.models import (
    OneTimeSecret,
    Operation,
    RecoveryAction,
    RecoveryOutcome,
    RecoveryRequest,
    Step,
    mask_address,
)


class DemoIdentityProvider:
    provider: ClassVar[str] = "demo"
    operations: ClassVar[dict[RecoveryAction, frozenset[Operation]]] = {
        RecoveryAction.MFA_RESET: frozenset({Operation.RESET_FACTORS}),
        RecoveryAction.PASSWORD_RESET: frozenset(
            {Operation.RESET_PASSWORD_EMAIL, Operation.TEMP_PASSWORD}
        ),
    }

    def __init__(self) -> None:
        self.performed: list[tuple[str, str]] = []  # (operation, employee)

    def _step(self, name: str, employee: str) -> Step:
        self.performed.append((name, employee))
        return Step(name=f"demo.{name}", request_id=f"demo-{uuid.uuid4().hex[:12]}")

    async def execute(self, request: RecoveryRequest) -> RecoveryOutcome:
        steps = [self._step("revoke_sessions", request.employee)] if request.revoke_sessions else []
        outcome = RecoveryOutcome(
            provider=self.provider,
            action=request.action,
            operation=request.operation,
            target_id=f"demo:{request.employee}",
            steps=steps,
        )
        steps.append(self._step(request.operation.value, request.employee))
        outcome.steps = steps
        if request.operation == Operation.RESET_PASSWORD_EMAIL:
            outcome.delivered_to = mask_address(request.employee)
        if request.operation == Operation.TEMP_PASSWORD:
            value = SecretStr(secrets.token_urlsafe(9))
            outcome.secret = OneTimeSecret(kind="temporary_password", value=value)
        return outcome

    async def repudiate(self, employee: str, undo: dict[str, str]) -> list[Step]:
        return [self._step("revoke_sessions", employee)]
