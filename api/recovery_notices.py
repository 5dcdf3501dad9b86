"""Who is told what: the employee's addresses on file (work mail, personal address and phone
when configured, the manager for privileged accounts), each with a single-use "this wasn't me"
link. Every send is audited, failures included."""

from __future__ import annotations

import secrets
from datetime import timedelta

from api.offload import in_thread
from api.recovery_schemas import DeliveryPublic
from api.recovery_store import DisputeRow, token_digest
from api.recovery_wiring import RecoveryKit
from api.runtime import Runtime
from api.storage import VerificationRow
from recovery.models import RecoveryError
from recovery.notify import Notice, NoticeKind, Recipient, RecipientKind

PRIVILEGED_ACTION = "privileged_account"
WATCHED_ACTIONS = frozenset({"mfa_reset", PRIVILEGED_ACTION})  # deny/escalate is told for these


class Notices:
    def __init__(self, runtime: Runtime, kit: RecoveryKit) -> None:
        self.rt, self.kit = runtime, kit

    async def after_decision(self, row: VerificationRow) -> list[DeliveryPublic]:
        """A deny or escalate of an MFA or privileged verification is told to the employee."""
        decision = row.decision.decision.value if row.decision else None
        kinds = {"deny": NoticeKind.DENIED, "escalate": NoticeKind.ESCALATED}
        if decision not in kinds:
            return []
        what = f"a caller asked for a {row.action.replace('_', ' ')}; it was {decision}"
        try:  # a failing directory (who is privileged, where to write) must not fail the call
            if not await self._watched(row):
                return []
            return await self.send(row, kinds[decision], what=what)
        except Exception as exc:  # the decision stands; the failure is audited
            await in_thread(
                self.rt.audit.append,
                actor="deskguard",
                event="notification.failed",
                verification_id=row.id,
                detail={"kind": kinds[decision].value, "reason": type(exc).__name__},
            )
            return []

    async def send(
        self, row: VerificationRow, kind: NoticeKind, *, what: str
    ) -> list[DeliveryPublic]:
        employee = await self.rt.directory.get_employee(row.employee)
        name = employee.name if employee else row.employee
        dispute, link = self._dispute_link(row)
        notice = Notice(
            kind=kind,
            employee=row.employee,
            name=name,
            action=row.action,
            what=what,
            at=self.rt.clock(),
            ticket=_ticket(row),
            verification_id=row.id,
            dispute_url=link,
            organisation=self.rt.company_name,
        )
        recipients = [Recipient(kind=RecipientKind.WORK_MAIL, address=row.employee)]
        recipients += await self._personal(row.employee)
        if employee and employee.manager and await self._privileged(row):
            recipients.append(Recipient(kind=RecipientKind.MANAGER, address=employee.manager))
        deliveries = await self.kit.notifier.notify(notice, recipients)
        failed = [d for d in deliveries if not d.ok]
        await in_thread(
            self.rt.audit.append,  # one commit: the record and the link's row
            actor="deskguard",
            event="notification.failed" if failed else "notification.sent",
            verification_id=row.id,
            detail={
                "kind": kind.value,
                "deliveries": [d.model_dump(mode="json") for d in deliveries],
            },
            also=[dispute],
        )
        return [DeliveryPublic(**d.model_dump(mode="json")) for d in deliveries]

    def _dispute_link(self, row: VerificationRow) -> tuple[DisputeRow, str]:
        """The "this wasn't me" link and its row (saved with the notice's audit record)."""
        token = secrets.token_urlsafe(32)
        now = self.rt.clock()
        dispute = DisputeRow(
            digest=token_digest(token),
            verification_id=row.id,
            employee=row.employee,
            created_at=now,
            expires_at=now + timedelta(hours=self.kit.settings.notify.link_ttl_hours),
        )
        url = f"{self.kit.settings.notify.public_url.rstrip('/')}/v1/disputes/{token}"
        return dispute, url

    async def _personal(self, upn: str) -> list[Recipient]:
        if self.kit.contacts is None:
            return []
        try:
            return await self.kit.contacts.personal(upn)
        except RecoveryError as exc:
            await in_thread(
                self.rt.audit.append,
                actor="deskguard",
                event="notification.failed",
                verification_id=None,
                detail={"reason": f"personal contacts unavailable: {exc.message}"},
            )
            return []

    async def _privileged(self, row: VerificationRow) -> bool:
        if row.action == PRIVILEGED_ACTION:
            return True
        employee = await self.rt.directory.get_employee(row.employee)
        return bool(employee and employee.role in self.kit.settings.notify.privileged_roles)

    async def _watched(self, row: VerificationRow) -> bool:
        return row.action in WATCHED_ACTIONS or await self._privileged(row)


def _ticket(row: VerificationRow) -> str | None:
    ticket = row.ticket
    return f"{ticket.system}:{ticket.id}" if ticket else None
