"""The per-employee access report (GDPR Art. 15): every read of the employee's context and every
verification, when, by whom and why, which sources and fields, whether anything went to a model,
and what deskguard still keeps about them. Built from the audit chain (which names the employee by
their pseudonymous reference) and the rows still held; `GET /v1/privacy/employees/{upn}/report`
and `deskguard privacy report` serve it, and each report is itself audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import func, select

from api.audit import AuditLog
from api.pseudonyms import normal
from api.recovery_store import AlertRow, LockRow, RecoveryRow
from api.retention import purge_due
from api.storage import AuditRow, LimitHitRow, SignalRow, VerificationRow

REPORT_EVENT = "privacy.reported"
_PAGE = 500


class AccessEntry(BaseModel):
    """One audit record about the employee."""

    seq: int
    at: datetime
    actor: str  # the principal (key holder [key id], oidc:<sub>) or cli:<login>, or deskguard
    event: str
    verification_id: str | None
    purpose: str | None  # a read's --reason; a verification's action and ticket
    sources: list[str]
    fields: list[str]
    model_calls: int | None  # > 0: sent to the configured model


class ModelEgress(BaseModel):
    calls: int  # question writing, attacker check and judge together
    engine: str
    prompt: str | None  # name@vN of the question prompt, when a model wrote the questions


class VerificationEntry(BaseModel):
    id: str
    created_at: datetime
    created_by: str
    action: str
    ticket: str | None
    status: str
    decision: str | None
    sources: list[str]
    out_of_scope_sources: list[str]  # not read for this employee (scope settings)
    fields: list[str]
    model: ModelEgress
    kept: Literal["full", "purged"]  # full: question texts, answers and evidence refs held
    content_deleted_at: datetime | None  # when the purge ran
    content_due_for_deletion: datetime | None  # when the purge will run


class Kept(BaseModel):
    """What deskguard holds about the employee now."""

    key: bool  # their pseudonym key (erasure deletes it)
    verifications_full: int
    verifications_purged: int
    audit_records: int  # pseudonymous; kept for the chain
    recoveries: int
    alerts: int
    locks: int
    signals: int
    limit_hits: int


class EmployeeReport(BaseModel):
    employee: str
    reference: str | None
    generated_at: datetime
    retention_hours: float
    accesses: list[AccessEntry]
    verifications: list[VerificationEntry]
    kept: Kept


def _access(row: AuditRow) -> AccessEntry:
    detail: dict[str, Any] = row.detail
    purpose = detail.get("purpose")
    if purpose is None and "action" in detail:  # a verification: the action, on the ticket
        ticket = detail.get("ticket") or {}
        on = f" on {ticket.get('system')}:{ticket.get('id')}" if ticket else ""
        purpose = f"verification for {detail['action']}{on}"
    sources = detail.get("sources")
    return AccessEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        event=row.event,
        verification_id=row.verification_id,
        purpose=purpose,
        sources=sorted(sources) if isinstance(sources, dict) else [],
        fields=list(detail.get("fields", [])),
        model_calls=detail.get("model_calls"),
    )


def _records(audit: AuditLog, upn: str) -> list[AuditRow]:
    records: list[AuditRow] = []
    while page := audit.page(after=records[-1].seq if records else 0, limit=_PAGE, employee=upn):
        records.extend(page)
    return records


def _verification(row: VerificationRow, retention_hours: float) -> VerificationEntry:
    meta, accesses = row.question_set, row.collection.accesses
    return VerificationEntry(
        id=row.id,
        created_at=row.created_at,
        created_by=row.created_by,
        action=row.action,
        ticket=f"{row.ticket.system}:{row.ticket.id}" if row.ticket else None,
        status=row.status,
        decision=row.decision.decision.value if row.decision else None,
        sources=sorted({s.connector for s in row.collection.sources}),
        out_of_scope_sources=row.collection.out_of_scope,
        fields=sorted({f"{a.connector}.{f}" for a in accesses for f in a.fields}),
        model=ModelEgress(
            calls=meta.llm_usage.total().calls, engine=meta.engine, prompt=meta.prompt
        ),
        kept="purged" if row.purged else "full",
        content_deleted_at=row.purged.at if row.purged else None,
        content_due_for_deletion=None if row.purged else purge_due(row, retention_hours),
    )


def _kept(audit: AuditLog, upn: str, rows: list[VerificationRow], records: int) -> Kept:
    def count(column: Any, value: str) -> int:
        with audit.db.session() as session:
            return int(session.scalar(select(func.count()).where(column == value)) or 0)

    purged = sum(1 for r in rows if r.purged)
    return Kept(
        key=audit.pseudonyms.known(upn) is not None,
        verifications_full=len(rows) - purged,
        verifications_purged=purged,
        audit_records=records,
        recoveries=count(RecoveryRow.employee, upn),
        alerts=count(AlertRow.employee, upn),
        locks=count(LockRow.employee, upn),
        signals=count(SignalRow.employee, upn),
        limit_hits=count(LimitHitRow.member, upn),
    )


def build_report(
    audit: AuditLog, employee: str, *, actor: str, retention_hours: float
) -> EmployeeReport:
    """The report as of now; the request for it is audited after it is built."""
    upn = normal(employee)
    records = _records(audit, upn)
    with audit.db.session() as session:
        query = select(VerificationRow).where(VerificationRow.employee == upn)
        rows = list(session.scalars(query.order_by(VerificationRow.created_at)))
    report = EmployeeReport(
        employee=upn,
        reference=audit.pseudonyms.known(upn),
        generated_at=audit.clock(),
        retention_hours=retention_hours,
        accesses=[_access(r) for r in records],
        verifications=[_verification(r, retention_hours) for r in rows],
        kept=_kept(audit, upn, rows, len(records)),
    )
    if report.reference is not None:  # nothing to tie a record to otherwise
        audit.append(actor=actor, event=REPORT_EVENT, verification_id=None, detail={}, employee=upn)
    return report
