"""/v1/audit: the keyed audit chain, paged and filtered, and signed checkpoints to export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CanAudit, RuntimeDep
from api.errors import InvalidInput
from api.schemas import AuditPage, AuditRecordPublic, CheckpointPublic

router = APIRouter(prefix="/v1/audit", tags=["audit"])


def _after(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit():
        raise InvalidInput("cursor must be the next_cursor of a previous page")
    return int(cursor)


@router.get("", response_model=AuditPage)
def read_audit(
    principal: CanAudit,
    runtime: RuntimeDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    verification_id: Annotated[str | None, Query(max_length=40)] = None,
    employee: Annotated[str | None, Query(max_length=320)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditPage:
    """Records oldest first, after `cursor`, for one verification, employee or time range."""
    log = runtime.audit
    rows = log.page(
        after=_after(cursor),
        limit=limit + 1,  # one more tells whether there is a next page
        verification_id=verification_id,
        employee=employee,
        since=since,
        until=until,
    )
    records = [
        AuditRecordPublic(
            seq=r.seq,
            at=r.at,
            actor=r.actor,
            event=r.event,
            verification_id=r.verification_id,
            detail=r.detail,
            hash=r.hash,
            valid=log.mac(r) == r.hash,
        )
        for r in rows[:limit]
    ]
    more = len(rows) > limit
    return AuditPage(
        records=records,
        next_cursor=str(records[-1].seq) if more else None,
        intact=all(r.valid for r in records),
    )


@router.post("/checkpoints", response_model=CheckpointPublic)
def create_checkpoint(principal: CanAudit, runtime: RuntimeDep) -> CheckpointPublic:
    """Sign the chain's current head; keep the token outside the database (e.g. in a ticket or
    a write-once bucket) and check it later with `deskguard audit verify --checkpoint FILE`."""
    token = runtime.checkpoints.create(runtime.audit)
    if token is None:
        return CheckpointPublic(checkpoint=None)
    claims = runtime.checkpoints.read(token)
    return CheckpointPublic(checkpoint=token, seq=claims.seq, head=claims.head)
