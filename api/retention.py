"""Retention: a verification's question texts, expected answers, dropped questions, grade
reasons and evidence references are deleted once it is decided (or expired) plus the grace
(DESKGUARD_PRIVACY__RETENTION_HOURS, default 24 h), and never while the re-ask rotation still
needs them (the last 24 h of an employee's verifications, api/service.py `RECENT`). What is
left: ids, kinds, topics and sources of the questions, the verdicts, the decision and its
reasons, and each evidence reference as the employee's keyed hash (api/pseudonyms.py).

Each purge is audited (`verification.purged`) with the reduced row's content digest, in one
transaction with the row, so `deskguard audit verify` still finds every row matching its
latest audit record. Expired risk signals are deleted with it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog
from pydantic import BaseModel
from sqlalchemy import delete, func, select

from api.audit import AuditLog
from api.service import RECENT
from api.storage import AskedFactRow, SignalRow, VerificationRow
from api.verification_record import PurgedEvidence, PurgedQuestion, PurgeRecord

ACTOR = "deskguard:retention"
log = structlog.get_logger(__name__)


class PurgeSummary(BaseModel):
    at: datetime
    retention_hours: float
    cutoff: datetime  # decided (or expired) before this: content deleted
    verifications: list[str]  # the ids purged now
    signals: int  # expired risk signals deleted


def reduce(row: VerificationRow, digest: Callable[[str], str], now: datetime) -> None:
    """Deletes the row's texts, answers and references in place, leaving the PurgeRecord."""
    row.purged = PurgeRecord(
        at=now,
        questions=[
            PurgedQuestion(id=q.id, kind=q.kind.value, topic=q.topic, source=q.source)
            for q in row.questions
        ],
        evidence=[
            PurgedEvidence(
                source=e.source,
                kind=e.kind,
                connector=e.connector,
                digest=digest(f"{e.connector}:{e.ref}:{e.id}"),
            )
            for e in row.collection.evidence
        ],
        dropped=len(row.question_set.dropped),
        accesses=len(row.collection.accesses),
    )
    row.questions = []
    row.question_set = row.question_set.model_copy(update={"dropped": []})
    accesses = [
        a.model_copy(update={"endpoint": digest(a.endpoint)}) for a in row.collection.accesses
    ]
    row.collection = row.collection.model_copy(update={"evidence": [], "accesses": accesses})
    if row.grades:
        row.grades = [g.model_copy(update={"reason": ""}) for g in row.grades]


def purge_due(row: VerificationRow, retention_hours: float) -> datetime:
    """When the purge deletes this verification's content: the grace after its decision (or
    expiry), and never within the rotation's 24 h after its start (`due` asks the same in SQL)."""
    ended = row.decided_at or row.expires_at
    return max(ended + timedelta(hours=retention_hours), row.created_at + RECENT)


def cutoff(now: datetime, retention_hours: float) -> datetime:
    return now - timedelta(hours=retention_hours)


def due(audit: AuditLog, before: datetime, now: datetime) -> list[VerificationRow]:
    """Unpurged verifications decided (or expired undecided) before `before`, not recent."""
    ended = func.coalesce(VerificationRow.decided_at, VerificationRow.expires_at)
    naive = before.astimezone(UTC).replace(tzinfo=None)
    recent = (now - RECENT).astimezone(UTC).replace(tzinfo=None)
    query = (
        select(VerificationRow)
        .where(VerificationRow.purged.is_(None))
        .where(ended < naive)
        .where(VerificationRow.created_at < recent)
        .order_by(VerificationRow.created_at)
    )
    with audit.db.session() as session:
        return list(session.scalars(query))


def purge_one(
    audit: AuditLog, row: VerificationRow, now: datetime, *, actor: str = ACTOR, why: str = ""
) -> None:
    """Reduces one verification and records it (`verification.purged`, with the reduced row's
    digest, in one transaction); `why` when it is purged before its time."""
    reduce(row, audit.pseudonyms.hasher(row.employee), now)
    detail: dict[str, object] = {"questions": len(row.purged.questions) if row.purged else 0}
    if why:
        detail["why"] = why
    audit.append(
        actor=actor,
        event="verification.purged",
        verification_id=row.id,
        detail=detail,
        verification=row,
    )


def purge(audit: AuditLog, *, retention_hours: float) -> PurgeSummary:
    """Runs the retention now (idempotent): `deskguard privacy purge` and `serve`'s task."""
    now = audit.clock()
    before = cutoff(now, retention_hours)
    purged: list[str] = []
    for row in due(audit, before, now):
        purge_one(audit, row, now)
        purged.append(row.id)
    _asked_facts_of(audit, purged)
    return PurgeSummary(
        at=now,
        retention_hours=retention_hours,
        cutoff=before,
        verifications=purged,
        signals=_expired_signals(audit, before),
    )


def _asked_facts_of(audit: AuditLog, verification_ids: list[str]) -> None:
    """The rotation's record of what the purged verifications asked (item ids, fact keys)."""
    if verification_ids:
        with audit.db.session() as session, session.begin():
            session.execute(
                delete(AskedFactRow).where(AskedFactRow.verification_id.in_(verification_ids))
            )


def _expired_signals(audit: AuditLog, before: datetime) -> int:
    naive = before.astimezone(UTC).replace(tzinfo=None)
    with audit.db.session() as session, session.begin():
        result = session.execute(delete(SignalRow).where(SignalRow.expires_at < naive))
        return int(getattr(result, "rowcount", 0) or 0)


def purge_logged(audit: AuditLog, retention_hours: float) -> PurgeSummary | None:
    """A purge whose failure is logged, not raised (None): `serve` keeps serving."""
    try:
        summary = purge(audit, retention_hours=retention_hours)
    except Exception as exc:
        log.error("retention_failed", error=type(exc).__name__)
        return None
    log.info("retention_purged", verifications=len(summary.verifications), signals=summary.signals)
    return summary


async def purge_forever(
    audit: Callable[[], AuditLog], retention_hours: float, every: float
) -> None:
    """`serve`'s background task: a purge every `every` seconds, after the one at start-up."""
    while True:
        await asyncio.sleep(every)
        await asyncio.to_thread(purge_logged, audit(), retention_hours)
