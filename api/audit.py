"""The audit log a database administrator cannot rewrite unseen.

- Keyed chain: each record's `hash` is an HMAC-SHA256 over its sequence number, the previous
  record's hash and its content, with a key that is not in the database (DESKGUARD_AUDIT__KEY, or
  `audit.key` in the data directory, mode 0600). Editing a record, even recomputing every hash
  after it, needs that key.
- Content digests: the records of a verification's start and decision carry a keyed digest of its
  stored questions (expected answers included), signal, grades and decision. A verification whose
  row no longer matches its latest digest is refused when read (`IntegrityFailure`), never served.
- Pseudonymous: a record about an employee names them only by their keyed reference
  (api/pseudonyms.py), in `detail["employee"]` (hashed with the record) and in `subject`;
  erasing the employee deletes the key, not the record.
- Signed checkpoints (api/audit_checks.py) detect a deleted tail.
- Appends are serialised across replicas: a PostgreSQL advisory lock, and everywhere a unique
  previous hash (and sequence number), with retry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.errors import DeskguardError
from api.pseudonyms import Pseudonyms
from api.storage import AuditRow, Base, Database, VerificationRow

GENESIS = "0" * 64
# Records that carry a verification's content digest; the latest one must match the row.
CONTENT_EVENTS = ("verification.started", "verification.decided", "verification.purged")
ERASED_EVENT = "privacy.erased"
_LOCK = 0x6473_6B67  # pg_advisory_xact_lock id: "dskg"
_RETRIES = 20


class IntegrityFailure(DeskguardError):
    """Stored data no longer matches its audit record: it was changed outside deskguard."""

    status, code = 500, "integrity_error"


class AuditUnavailable(DeskguardError):
    status, code = 503, "audit_unavailable"


def canonical(value: Any) -> bytes:
    plain = to_jsonable_python(value)
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Entry:
    actor: str
    event: str
    verification_id: str | None
    detail: dict[str, Any]
    subject: str | None = None


class AuditLog:
    def __init__(
        self,
        db: Database,
        *,
        key: bytes,
        clock: Callable[[], datetime],
        on_append: Callable[[Session, AuditRow], None] | None = None,
    ) -> None:
        self.db, self._key, self.clock = db, key, clock
        self.on_append = on_append  # e.g. write a signed checkpoint every N records
        self.pseudonyms = Pseudonyms(db)

    def mac(self, row: AuditRow) -> str:
        fields = [
            row.seq,
            row.prev_hash,
            row.at.isoformat(),
            row.actor,
            row.event,
            row.verification_id,
            row.detail,
        ]
        return hmac.new(self._key, canonical(fields), hashlib.sha256).hexdigest()

    def content_digest(self, row: VerificationRow) -> str:
        """What a verification's decision rests on; a changed row has another digest."""
        content: dict[str, object] = {
            "id": row.id,
            "employee": row.employee,
            "action": row.action,
            "ticket": row.ticket,
            "signal": row.signal,
            "questions": row.questions,
            "grades": row.grades,
            "decision": row.decision,
        }
        # Added with the start limits: present only when set, so earlier digests still match.
        content |= {k: v for k, v in (("caller", row.caller), ("velocity", row.velocity)) if v}
        return hmac.new(self._key, canonical(content), hashlib.sha256).hexdigest()

    def append(
        self,
        *,
        actor: str,
        event: str,
        verification_id: str | None,
        detail: dict[str, Any],
        verification: VerificationRow | None = None,
        employee: str | None = None,
        also: Sequence[Base] = (),
    ) -> AuditRow:
        """Appends a record; with `verification`, saves that row in the same transaction and
        records its content digest, so the two can never disagree. The record is about
        `employee` (default: the verification's), named by their pseudonymous reference.
        `also`: new rows that belong with it (saved in the same transaction, one commit)."""
        entry = Entry(actor, event, verification_id, detail)
        records = self.append_all([entry], verification=verification, employee=employee, also=also)
        return records[-1]

    def append_all(
        self,
        entries: Sequence[Entry],
        *,
        verification: VerificationRow | None = None,
        employee: str | None = None,
        also: Sequence[Base] = (),
    ) -> list[AuditRow]:
        """Appends the records in order in one transaction (one commit), as `append` does one:
        with `verification` (each record carrying its content digest), about `employee`."""
        extra: dict[str, Any] = {}
        if verification is not None:
            extra["content"] = self.content_digest(verification)
        upn = employee or (verification.employee if verification is not None else None)
        subject = self.pseudonyms.of(upn) if upn else None
        if subject:
            extra["employee"] = subject
        entries = [
            replace(e, detail={**e.detail, **extra}, subject=subject or e.subject) for e in entries
        ]
        for attempt in range(_RETRIES):
            try:
                return self._serialised(entries, verification, also)
            except IntegrityError:  # another replica appended first: read the new head, retry
                time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
        raise AuditUnavailable("the audit log is too busy to append; try again")

    def _serialised(
        self, entries: Sequence[Entry], verification: VerificationRow | None, also: Sequence[Base]
    ) -> list[AuditRow]:
        """One attempt; without PostgreSQL's advisory lock, one thread of this process at a time
        (other processes still meet at the unique previous hash, and retry)."""
        if self.db.engine.dialect.name == "postgresql":
            return self._append_once(entries, verification, also)
        with self.db.append_lock:
            return self._append_once(entries, verification, also)

    def _append_once(
        self, entries: Sequence[Entry], verification: VerificationRow | None, also: Sequence[Base]
    ) -> list[AuditRow]:
        with self.db.session() as session, session.begin():
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK})
            last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
            rows = []
            for entry in entries:
                row = AuditRow(
                    seq=last.seq + 1 if last else 1,
                    at=self.clock().replace(microsecond=0),
                    actor=entry.actor,
                    event=entry.event,
                    verification_id=entry.verification_id,
                    detail=entry.detail,
                    subject=entry.subject,
                    prev_hash=last.hash if last else GENESIS,
                )
                row.hash = self.mac(row)
                session.add(row)
                rows.append(last := row)
            if verification is not None:
                session.merge(verification)
            for extra_row in also:
                session.merge(extra_row)  # merged, not added: a retry must not see it attached
            if self.on_append:
                for row in rows:
                    self.on_append(session, row)
        return rows

    def check_verification(self, row: VerificationRow) -> None:
        """Raises IntegrityFailure unless `row` is what its latest audit record says."""
        problem = self.verification_problem(row)
        if problem:
            raise IntegrityFailure(
                f"verification {row.id} does not match its audit record ({problem}); it is not "
                "served: start a new verification and tell the security team"
            )

    def verification_problem(self, row: VerificationRow) -> str | None:
        record = self.latest_content_record(row.id)
        if record is None:
            return "no audit record"
        if self.mac(record) != record.hash:
            return "its audit record was altered"
        if not hmac.compare_digest(str(record.detail["content"]), self.content_digest(row)):
            return "stored questions, grades or decision were changed"
        return None

    def latest_content_record(self, verification_id: str) -> AuditRow | None:
        with self.db.session() as session:
            query = (
                select(AuditRow)
                .where(AuditRow.verification_id == verification_id)
                .where(AuditRow.event.in_(CONTENT_EVENTS))
                .order_by(AuditRow.seq.desc())
            )
            return next((r for r in session.scalars(query) if "content" in r.detail), None)

    def page(
        self,
        *,
        after: int = 0,
        limit: int = 100,
        verification_id: str | None = None,
        employee: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Sequence[AuditRow]:
        """Records after sequence number `after`, oldest first, filtered."""
        query = select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq)
        if verification_id:
            query = query.where(AuditRow.verification_id == verification_id)
        if employee:
            ids = select(VerificationRow.id).where(VerificationRow.employee == employee.lower())
            about = AuditRow.verification_id.in_(ids)
            subject = self.pseudonyms.known(employee)
            query = query.where(or_(about, AuditRow.subject == subject) if subject else about)
        if since:
            query = query.where(AuditRow.at >= since)
        if until:
            query = query.where(AuditRow.at < until)
        with self.db.session() as session:
            return list(session.scalars(query.limit(limit)))
