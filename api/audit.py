"""Append-only audit log. Each record's hash covers the previous one, so edits are detectable."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from api.storage import AuditRow, Database

GENESIS = "0" * 64


def _hash(prev: str, at: datetime, actor: str, event: str, vid: str | None, detail: Any) -> str:
    body = json.dumps(
        [prev, at.isoformat(), actor, event, vid, detail], sort_keys=True, default=str
    )
    return hashlib.sha256(body.encode()).hexdigest()


def append(
    db: Database, *, actor: str, event: str, verification_id: str | None, detail: dict[str, Any]
) -> None:
    at = datetime.now(UTC).replace(microsecond=0)
    with db.session() as session, session.begin():
        last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
        prev = last.hash if last else GENESIS
        session.add(
            AuditRow(
                at=at,
                actor=actor,
                event=event,
                verification_id=verification_id,
                detail=detail,
                prev_hash=prev,
                hash=_hash(prev, at, actor, event, verification_id, detail),
            )
        )


def records(db: Database, verification_id: str | None = None, limit: int = 200) -> list[AuditRow]:
    with db.session() as session:
        query = select(AuditRow).order_by(AuditRow.seq)
        if verification_id:
            query = query.where(AuditRow.verification_id == verification_id)
        return list(session.scalars(query.limit(limit)))


def verify_chain(db: Database) -> bool:
    prev = GENESIS
    for row in records(db, limit=10**9):
        expected = _hash(prev, row.at, row.actor, row.event, row.verification_id, row.detail)
        if row.prev_hash != prev or row.hash != expected:
            return False
        prev = row.hash
    return True
