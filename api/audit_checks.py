"""Signed audit checkpoints, and the whole-log check behind `deskguard audit verify`.

A checkpoint is a JWS (Ed25519, api/signing.py) of the chain's head: sequence number and hash.
One is written every `checkpoint_every` records and on demand; exported to a file, it is checked
later against the database: a tail deleted after the checkpoint, or a checkpointed record that was
rewritten, no longer matches it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import ERASED_EVENT, GENESIS, AuditLog, IntegrityFailure
from api.signing import KeyRing, SigningError
from api.storage import AuditCheckpointRow, AuditRow, VerificationRow

CHECKPOINT_TYPE = "deskguard-audit-checkpoint+jwt"
MAX_PROBLEMS = 100


class Checkpoint(BaseModel):
    iss: str
    seq: int
    head: str
    iat: int


class ChainHead(BaseModel):
    seq: int
    hash: str


class ChainReport(BaseModel):
    intact: bool
    records: int
    head: ChainHead | None
    checkpoints_checked: int
    verifications_checked: int
    problems: list[str]


class Checkpoints:
    def __init__(
        self, ring: KeyRing, *, issuer: str, every: int, clock: Callable[[], datetime]
    ) -> None:
        self.ring, self.issuer, self.every, self.clock = ring, issuer, every, clock

    def after_append(self, session: Session, row: AuditRow) -> None:
        """The periodic checkpoint, written in the same transaction as its record."""
        if row.seq % self.every == 0:
            self.write(session, row)

    def write(self, session: Session, row: AuditRow) -> str:
        claims = Checkpoint(
            iss=self.issuer, seq=row.seq, head=row.hash, iat=int(self.clock().timestamp())
        )
        token = self.ring.sign(claims.model_dump(), typ=CHECKPOINT_TYPE)
        session.merge(
            AuditCheckpointRow(seq=row.seq, head_hash=row.hash, at=self.clock(), token=token)
        )
        return token

    def create(self, audit: AuditLog) -> str | None:
        """A checkpoint of the current head (None while the log is empty), to export."""
        with audit.db.session() as session, session.begin():
            last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
            return self.write(session, last) if last else None

    def read(self, token: str) -> Checkpoint:
        """The claims of an authentic checkpoint; IntegrityFailure otherwise."""
        try:
            return Checkpoint.model_validate(self.ring.verify(token.strip(), typ=CHECKPOINT_TYPE))
        except (SigningError, ValidationError) as exc:
            raise IntegrityFailure(f"not an authentic deskguard checkpoint: {exc}") from None


def verify_log(
    audit: AuditLog, checkpoints: Checkpoints, *, exported: str | None = None
) -> ChainReport:
    """The keyed chain, every stored checkpoint plus `exported`, and every verification."""
    problems: list[str] = []
    hashes, records = _walk_chain(audit, problems)
    head = ChainHead(seq=max(hashes), hash=hashes[max(hashes)]) if hashes else None
    tokens = _stored_checkpoints(audit) + ([exported] if exported else [])
    for token in tokens:
        _check_checkpoint(checkpoints, token, hashes, problems)
    checked = _check_verifications(audit, problems)
    return ChainReport(
        intact=not problems,
        records=records,
        head=head,
        checkpoints_checked=len(tokens),
        verifications_checked=checked,
        problems=problems[:MAX_PROBLEMS],
    )


def _walk_chain(audit: AuditLog, problems: list[str]) -> tuple[dict[int, str], int]:
    hashes: dict[int, str] = {}
    expected_seq, prev, count = 1, GENESIS, 0
    with audit.db.session() as session:
        for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)).yield_per(500):
            count += 1
            if row.seq != expected_seq:
                problems.append(f"records {expected_seq}..{row.seq - 1} are missing")
            if row.prev_hash != prev:
                problems.append(f"record {row.seq} does not link to the record before it")
            if audit.mac(row) != row.hash:
                problems.append(f"record {row.seq} was altered (its keyed hash does not match)")
            hashes[row.seq] = row.hash
            expected_seq, prev = row.seq + 1, row.hash
    return hashes, count


def _stored_checkpoints(audit: AuditLog) -> list[str]:
    with audit.db.session() as session:
        return list(
            session.scalars(select(AuditCheckpointRow.token).order_by(AuditCheckpointRow.seq))
        )


def _check_checkpoint(
    checkpoints: Checkpoints, token: str, hashes: dict[int, str], problems: list[str]
) -> None:
    try:
        cp = checkpoints.read(token)
    except IntegrityFailure as exc:
        problems.append(exc.message)
        return
    last = max(hashes, default=0)
    if cp.seq > last:
        problems.append(
            f"the log ends at record {last} but a signed checkpoint covers {cp.seq}: "
            f"records {last + 1}..{cp.seq} were deleted"
        )
    elif hashes.get(cp.seq) != cp.head:
        problems.append(f"record {cp.seq} differs from the signed checkpoint of it")


def _check_verifications(audit: AuditLog, problems: list[str]) -> int:
    """Every row matches its latest content record; every audited verification still has its
    row, unless an erasure record (itself in the keyed chain) names it."""
    with audit.db.session() as session:
        rows = list(session.scalars(select(VerificationRow)))
        ids = select(AuditRow.verification_id).where(AuditRow.verification_id.is_not(None))
        audited = {vid for vid in session.scalars(ids) if vid}
        erasures = session.scalars(select(AuditRow).where(AuditRow.event == ERASED_EVENT))
        erased = {str(v) for r in erasures for v in r.detail.get("verifications", [])}
    for row in rows:
        problem = audit.verification_problem(row)
        if problem:
            problems.append(f"verification {row.id}: {problem}")
    for missing in sorted(audited - erased - {r.id for r in rows}):
        problems.append(f"verification {missing} has audit records but its row was deleted")
    return len(rows)
