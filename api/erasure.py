"""Erasure (GDPR Art. 17) without breaking the audit chain: `deskguard privacy erase --employee
UPN` deletes the employee's key (api/pseudonyms.py) and every row about them: verifications and
their ticket notes, grant uses and recoveries, "this wasn't me" links, help-desk locks, alerts,
risk signals and throttling hits. Audit records stay: they name the employee only by the
reference the deleted key made, and a verification's calling number only as a hash under the same
key (api/records.py `caller_audit`), which no one can now tie back to the person or the number.

The erasure is itself a record (`privacy.erased`) listing the erased verification ids, written
before the rows go, so `deskguard audit verify` knows their rows were deleted on purpose (the
record is in the keyed chain: it cannot be forged to hide a deletion).

Other employees' verifications can name the erased one in a question or an expected answer (a
meeting's attendees, a swap partner) until the retention purge reduces them. A decided one is
purged now (api/retention.py `reduce`, audited as `verification.purged`); a pending one still
needs its answers to be graded, so it is listed and the retention purges it once it ends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from api.audit import ERASED_EVENT, AuditLog
from api.pseudonyms import Pseudonyms, normal
from api.recovery_store import AlertRow, DisputeRow, LockRow, RecoveryRow
from api.retention import purge_one
from api.storage import (
    AskedFactRow,
    AuditRow,
    Base,
    GrantUseRow,
    LimitHitRow,
    SignalRow,
    TicketUpdateRow,
    VerificationRow,
)

MENTION = "named an erased employee"


class ErasureSummary(BaseModel):
    employee: str  # as asked; nothing deskguard keeps names them any more
    at: datetime
    reference: str | None  # the pseudonymous reference the audit used, now unlinkable
    verifications: list[str]
    rows: dict[str, int]  # table -> rows deleted
    key_deleted: bool
    # Audit records that still hold the UPN (written before migration 0003) or a calling number
    # in plain text (verification.started records written before it was kept as a keyed hash):
    # their keyed hash covers it; rewriting them would break the chain.
    legacy_records: list[int]
    names: list[str]  # what other verifications were searched for (the UPN, name, aliases)
    purged_mentions: list[str]  # others' decided verifications naming them: purged now
    pending_mentions: list[str]  # others' pending ones: purged by the retention once ended


def _targets(upn: str, ids: list[str]) -> list[tuple[type[Base], ColumnElement[bool]]]:
    """Every table holding rows about the employee, and which rows."""
    return [
        (TicketUpdateRow, TicketUpdateRow.verification_id.in_(ids)),
        (GrantUseRow, GrantUseRow.verification_id.in_(ids)),
        (RecoveryRow, or_(RecoveryRow.employee == upn, RecoveryRow.verification_id.in_(ids))),
        (DisputeRow, or_(DisputeRow.employee == upn, DisputeRow.verification_id.in_(ids))),
        (LockRow, LockRow.employee == upn),
        (AlertRow, AlertRow.employee == upn),
        (SignalRow, SignalRow.employee == upn),
        (LimitHitRow, or_(LimitHitRow.member == upn, LimitHitRow.key == f"start:employee:{upn}")),
        (AskedFactRow, AskedFactRow.employee == upn),
        (VerificationRow, VerificationRow.employee == upn),
    ]


def _count(session: Session, table: type[Base], where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(table).where(where)) or 0)


def _plain_number(detail: dict[str, Any]) -> bool:
    caller = detail.get("caller")
    return isinstance(caller, dict) and "number" in caller


def legacy_records(audit: AuditLog, upn: str, reference: str | None) -> list[int]:
    """Sequence numbers of records about the employee that name them, or their caller's
    number, in plain text."""
    if reference is None:
        return []
    with audit.db.session() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.subject == reference))
        return [
            r.seq for r in rows if upn in json.dumps(r.detail).lower() or _plain_number(r.detail)
        ]


def _names_in(row: VerificationRow) -> str:
    """Everything a verification keeps that can name a person, case-folded."""
    texts = [t for q in row.questions for t in (q.text, q.expected, *q.variants)]
    texts += [d.text for d in row.question_set.dropped]
    return "\n".join(texts).casefold()


def mentions(audit: AuditLog, upn: str, names: Sequence[str]) -> list[VerificationRow]:
    """Other employees' unpurged verifications whose questions name `upn` or one of `names`."""
    wanted = [n.casefold() for n in (upn, *names) if len(n.strip()) >= 3]
    query = (
        select(VerificationRow)
        .where(VerificationRow.employee != upn)
        .where(VerificationRow.purged.is_(None))
    )
    with audit.db.session() as session:
        rows = list(session.scalars(query))
    return [row for row in rows if any(name in _names_in(row) for name in wanted)]


def _purge_mentions(audit: AuditLog, rows: list[VerificationRow], actor: str) -> list[str]:
    """Reduces the decided ones now, as the retention would (audited); returns their ids."""
    now, purged = audit.clock(), []
    for row in rows:
        if row.decision is not None:
            purge_one(audit, row, now, actor=actor, why=MENTION)
            purged.append(row.id)
    return purged


def erase(
    audit: AuditLog, employee: str, *, actor: str, reason: str, names: Sequence[str] = ()
) -> ErasureSummary:
    """Erases `employee` (see the module docstring); `names` are the ways others' questions
    may name them (the directory's name and aliases), besides the UPN."""
    upn = normal(employee)
    reference = audit.pseudonyms.known(upn)
    with audit.db.session() as session:
        query = select(VerificationRow.id).where(VerificationRow.employee == upn)
        ids = sorted(session.scalars(query))
        targets = _targets(upn, ids)
        counts = {t.__tablename__: _count(session, t, where) for t, where in targets}
    legacy = legacy_records(audit, upn, reference)
    named = mentions(audit, upn, names)
    purged_mentions = _purge_mentions(audit, named, actor)
    audit.append(
        actor=actor,
        event=ERASED_EVENT,
        verification_id=None,
        detail={
            "reference": reference,
            "verifications": ids,
            "rows": counts,
            "purpose": reason,
            "legacy_records": len(legacy),
            "purged_mentions": purged_mentions,
        },
    )
    with audit.db.session() as session, session.begin():
        for table, where in targets:
            session.execute(delete(table).where(where))
        key_deleted = Pseudonyms.forget(session, upn)
    return ErasureSummary(
        employee=upn,
        at=audit.clock(),
        reference=reference,
        verifications=ids,
        rows={t: n for t, n in counts.items() if n},
        key_deleted=key_deleted,
        legacy_records=legacy,
        names=[upn, *names],
        purged_mentions=purged_mentions,
        pending_mentions=[r.id for r in named if r.id not in purged_mentions],
    )
