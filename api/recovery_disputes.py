""" "This wasn't me": the single-use link in every notification. Following it (a POST from the
page, so mail scanners that fetch links change nothing) revokes the sessions and the TAP, marks
the verification disputed, locks help-desk recovery for the employee, raises an alert and calls
the SOC webhook."""

from __future__ import annotations

from datetime import timedelta

from api.errors import Conflict, Gone, NotFound
from api.recovery_schemas import DisputeOutcome, StepPublic
from api.recovery_soc import tell_soc
from api.recovery_store import AlertRow, DisputeRow, LockRow, token_digest
from api.recovery_wiring import RecoveryKit
from api.runtime import Runtime
from recovery.models import RecoveryError, Step


class Disputes:
    def __init__(self, runtime: Runtime, kit: RecoveryKit) -> None:
        self.rt, self.kit = runtime, kit

    def pending(self, token: str) -> DisputeRow:
        """The link, when it can still be used (for the page)."""
        row = self.kit.store.dispute(token)
        if row is None:
            raise NotFound("this link is not valid")
        if row.used_at is not None:
            raise Conflict("this link has already been used; the security team was alerted")
        if row.expires_at <= self.rt.clock():
            raise Gone("this link has expired; call the security team")
        return row

    async def confirm(self, token: str) -> DisputeOutcome:
        row = self.pending(token)
        now = self.rt.clock()
        if not self.kit.store.use_dispute(token, now):
            raise Conflict("this link has already been used; the security team was alerted")
        steps, errors = await self._revoke(row)
        until = now + timedelta(hours=self.kit.settings.lock_hours)
        reason = f"the employee disputed verification {row.verification_id}"
        self.kit.store.save(
            LockRow(
                employee=row.employee,
                until=until,
                reason=reason,
                verification_id=row.verification_id,
            )
        )
        recovery = self.kit.store.recovery_for(row.verification_id)
        if recovery is not None:
            recovery.status = "disputed"
            self.kit.store.save(recovery)
        detail = {
            "verification_id": row.verification_id,
            "revoked": [s.model_dump() for s in steps],
            "errors": errors,
            "locked_until": until.isoformat(),
        }
        self.kit.store.add_alert(
            AlertRow(key=f"dispute:{token_digest(token)}", at=now, kind="disputed",
                     employee=row.employee, detail=detail)
        )  # fmt: skip
        self.rt.audit.append(
            actor="employee",
            event="verification.disputed",
            verification_id=row.verification_id,
            detail=detail,
        )
        await tell_soc(
            self.rt.audit,
            self.kit.settings.soc_webhook_url,
            "verification.disputed",
            {"employee": row.employee, **detail},
            verification_id=row.verification_id,
        )
        return DisputeOutcome(
            verification_id=row.verification_id,
            revoked=[StepPublic(**s.model_dump()) for s in steps],
            locked_until=until,
            errors=errors,
        )

    async def _revoke(self, row: DisputeRow) -> tuple[list[Step], list[str]]:
        executor = self.kit.executor
        if executor is None:
            return [], ["no identity provider configured: sessions were not revoked"]
        recovery = self.kit.store.recovery_for(row.verification_id)
        try:
            return await executor.repudiate(row.employee, recovery.undo if recovery else {}), []
        except RecoveryError as exc:
            return exc.steps, [exc.message]
