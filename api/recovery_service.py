"""Recovery orchestration: run the identity-provider action an `allow` permits (once, by the
agent who verified the caller, before the grant expires), tell the employee, honour "this
wasn't me", and flag resets that happened outside deskguard."""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from api.errors import InvalidInput, NotFound
from api.offload import in_thread
from api.recovery_errors import AlreadyUsed, ProviderFailed, RecoveryLocked
from api.recovery_grant import check_grant, use_grant
from api.recovery_notices import Notices
from api.recovery_schemas import OneTimeSecretPublic, RecoveryCreate, RecoveryPublic, StepPublic
from api.recovery_store import RecoveryRow
from api.recovery_wiring import RecoveryKit
from api.runtime import Runtime
from api.storage import VerificationRow
from recovery.models import RecoveryAction, RecoveryError, RecoveryOutcome, RecoveryRequest
from recovery.notify import NoticeKind

log = structlog.get_logger(__name__)


class RecoveryService:
    def __init__(self, runtime: Runtime, kit: RecoveryKit) -> None:
        self.rt, self.kit = runtime, kit
        self.notices = Notices(runtime, kit)

    async def recover(
        self, verification_id: str, body: RecoveryCreate, *, actor: str
    ) -> RecoveryPublic:
        """The checks and the claim in a worker thread (storage), the provider call on the
        loop, the outcome saved in a worker thread again."""
        prepared = await in_thread(self._prepare, verification_id, body, actor=actor)
        if isinstance(prepared, RecoveryPublic):
            return prepared
        row, record, request = prepared
        assert self.kit.executor is not None
        try:
            outcome = await self.kit.executor.execute(request)
        except RecoveryError as exc:
            await in_thread(self._failed, record, exc, actor)
            raise ProviderFailed(_failure_message(exc)) from None
        return await self._done(row, record, outcome, actor)

    def _prepare(
        self, verification_id: str, body: RecoveryCreate, *, actor: str
    ) -> RecoveryPublic | tuple[VerificationRow, RecoveryRow, RecoveryRequest]:
        row = self._verification(verification_id)
        executor = self.kit.executor
        if executor is None:
            return _not_configured(row)
        now = self.rt.clock()
        self._refuse_if_locked(row.employee, now)
        grant = check_grant(self.rt.grants, row, body, actor=actor)
        action = RecoveryAction(row.action) if row.action in set(RecoveryAction) else None
        if action is None or action not in self.kit.operations:
            raise InvalidInput(f"{row.action} has no identity-provider action; nothing to run")
        record = self._record(row, action, grant_id=grant.jti, actor=actor, now=now)
        use_grant(self.rt.grants, grant, actor=actor)  # 409 on a replay, on any replica
        if not self.kit.store.claim(record):
            raise AlreadyUsed("this allow has already been used; verify the caller again")
        try:
            self._refuse_if_locked(row.employee, self.rt.clock())  # a dispute may have just landed
        except RecoveryLocked as exc:
            self._failed(record, RecoveryError(executor.provider, exc.message), actor)
            raise
        request = RecoveryRequest(
            employee=row.employee,
            action=action,
            operation=self.kit.operations[action],
            revoke_sessions=self.kit.settings.revoke_sessions,
            reference=row.id,
        )
        return row, record, request

    def _record(
        self, row: VerificationRow, action: RecoveryAction, *, grant_id: str, actor: str,
        now: datetime,
    ) -> RecoveryRow:  # fmt: skip
        executor = self.kit.executor
        assert executor is not None
        return RecoveryRow(
            id=f"rec_{uuid.uuid4().hex[:24]}",
            verification_id=row.id,
            grant_id=grant_id,
            employee=row.employee,
            action=action.value,
            operation=self.kit.operations[action].value,
            provider=executor.provider,
            agent=actor,
            ticket=row.ticket.model_dump() if row.ticket else None,
            status="running",
            started_at=now,
            result={},
            undo={},
        )

    def _verification(self, verification_id: str) -> VerificationRow:
        row = self.rt.db.get_verification(verification_id)
        if row is None:
            raise NotFound(f"no verification {verification_id!r}")
        return row

    def _refuse_if_locked(self, employee: str, now: datetime) -> None:
        lock = self.kit.store.lock_until(employee, now)
        if lock is not None:
            raise RecoveryLocked(
                f"help-desk recovery for this employee is locked until {lock.until.isoformat()}: "
                f"{lock.reason}; route the caller to the security team"
            )

    def _failed(self, record: RecoveryRow, exc: RecoveryError, actor: str) -> None:
        record.status, record.finished_at = "failed", self.rt.clock()
        record.error = exc.message[:500]
        record.result = {
            "steps": [s.model_dump() for s in exc.steps],
            "provider_status": exc.status,
        }
        self.kit.store.save(record)
        self.rt.audit.append(
            actor=actor,
            event="recovery.failed",
            verification_id=record.verification_id,
            detail={
                "provider": record.provider,
                "operation": record.operation,
                "error": record.error,
                "request_id": exc.request_id,
                "completed": [s.model_dump() for s in exc.steps],
            },
        )

    async def _done(
        self, row: VerificationRow, record: RecoveryRow, outcome: RecoveryOutcome, actor: str
    ) -> RecoveryPublic:
        record.status, record.finished_at = "done", self.rt.clock()
        secret = outcome.secret
        record.result = {
            "target_id": outcome.target_id,
            "steps": [s.model_dump() for s in outcome.steps],
            "delivered_to": outcome.delivered_to,
            # The kind and expiry of a one-time secret, never its value.
            "secret": secret.model_dump(mode="json", exclude={"value"}) if secret else None,
        }
        record.undo = outcome.undo
        await in_thread(self._performed, row, record, outcome, actor)
        deliveries = await self.notices.send(row, NoticeKind.RECOVERY, what=_what(outcome))
        return RecoveryPublic(
            id=record.id,
            verification_id=row.id,
            status="done",
            performed=True,
            provider=outcome.provider,
            action=outcome.action.value,
            operation=outcome.operation.value,
            steps=[StepPublic(**s.model_dump()) for s in outcome.steps],
            delivered_to=outcome.delivered_to,
            one_time_secret=OneTimeSecretPublic(
                kind=secret.kind,
                value=secret.value.get_secret_value(),
                expires_at=secret.expires_at,
            )
            if secret
            else None,
            notified=deliveries,
            message=_done_message(outcome),
        )

    def _performed(
        self, row: VerificationRow, record: RecoveryRow, outcome: RecoveryOutcome, actor: str
    ) -> None:
        self.kit.store.save(record)
        self.rt.audit.append(
            actor=actor,
            event="recovery.performed",
            verification_id=row.id,
            detail={"recovery_id": record.id, **record.result} | {"summary": outcome.summary()},
        )


def _not_configured(row: VerificationRow) -> RecoveryPublic:
    return RecoveryPublic(
        verification_id=row.id,
        status="not_configured",
        performed=False,
        provider="none",
        action=row.action,
        message=(
            "no identity provider is configured (DESKGUARD_RECOVERY__PROVIDER=none): deskguard "
            "decided, nothing was reset; the help desk performs the reset as before"
        ),
    )


def _what(outcome: RecoveryOutcome) -> str:
    names = {
        "okta.revoke_sessions": "signed out every session",
        "okta.reset_factors": "removed every enrolled MFA factor (you will enrol again)",
        "okta.reset_password": "sent a password-reset link to your primary address",
        "okta.expire_password_with_temp_password": "set a temporary password",
        "entra.revoke_sign_in_sessions": "signed out every session",
        "entra.create_temporary_access_pass": "issued a one-time Temporary Access Pass",
        "entra.set_temporary_password": "set a temporary password to change at next sign-in",
    }
    return "; ".join(names.get(s.name, s.name) for s in outcome.steps)


def _done_message(outcome: RecoveryOutcome) -> str:
    if outcome.secret is not None:
        return (
            f"done: {outcome.summary()}. Read the one-time {outcome.secret.kind.replace('_', ' ')} "
            "to the caller now; it is not shown again"
        )
    if outcome.delivered_to:
        return f"done: {outcome.summary()}; the link went to {outcome.delivered_to}"
    return f"done: {outcome.summary()}"


def _failure_message(exc: RecoveryError) -> str:
    done = ", ".join(s.name for s in exc.steps)
    also = f" Completed before the failure (harmless): {done}." if done else ""
    return (
        f"the identity provider did not complete the recovery: {exc.message}. Nothing was "
        f"reset.{also} Verify the caller again to retry."
    )
