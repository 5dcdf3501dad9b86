"""Tables and queries of recovery: what was carried out (one row per verification, which makes a
grant single-use at the database), "this wasn't me" links, help-desk locks, bypass alerts, and
the Entra audit cursor. The one-time secret itself is never stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from api.storage import Base, Database, UTCDateTime


class RecoveryRow(Base):
    __tablename__ = "recoveries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    verification_id: Mapped[str] = mapped_column(String(40), unique=True)  # single use
    grant_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    employee: Mapped[str] = mapped_column(String(320), index=True)
    action: Mapped[str] = mapped_column(String(40))
    operation: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(20))
    agent: Mapped[str] = mapped_column(String(64))
    ticket: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # running | done | failed | disputed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # steps, delivered_to
    undo: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # what a dispute revokes
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)


class DisputeRow(Base):
    """A "this wasn't me" link: only the token's digest is kept."""

    __tablename__ = "disputes"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    verification_id: Mapped[str] = mapped_column(String(40), index=True)
    employee: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LockRow(Base):
    __tablename__ = "recovery_locks"

    employee: Mapped[str] = mapped_column(String(320), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200))
    verification_id: Mapped[str | None] = mapped_column(String(40), nullable=True)


class AlertRow(Base):
    __tablename__ = "alerts"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # provider event id: no duplicates
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(40))  # bypass | disputed
    employee: Mapped[str] = mapped_column(String(320), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class CursorRow(Base):
    __tablename__ = "recovery_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


def token_digest(token: str) -> str:
    # Tokens carry 256 bits of randomness: a plain SHA-256 is not brute-forceable.
    return hashlib.sha256(token.encode()).hexdigest()


class RecoveryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, row: RecoveryRow) -> bool:
        """Insert the running recovery; False when this verification already has one."""
        try:
            with self.db.session() as session, session.begin():
                session.add(row)
        except IntegrityError:
            return False
        return True

    def save(self, row: Any) -> None:
        self.db.save(row)

    def recovery_for(self, verification_id: str) -> RecoveryRow | None:
        with self.db.session() as session:
            query = select(RecoveryRow).where(RecoveryRow.verification_id == verification_id)
            return session.scalars(query).first()

    def done_between(self, employee: str, start: datetime, end: datetime) -> list[RecoveryRow]:
        with self.db.session() as session:
            query = select(RecoveryRow).where(
                RecoveryRow.employee == employee.lower(),
                RecoveryRow.status.in_(("done", "disputed")),
                RecoveryRow.finished_at >= _naive(start),
                RecoveryRow.finished_at <= _naive(end),
            )
            return list(session.scalars(query))

    def dispute(self, token: str) -> DisputeRow | None:
        with self.db.session() as session:
            return session.get(DisputeRow, token_digest(token))

    def use_dispute(self, token: str, now: datetime) -> bool:
        """Atomically mark the link used: exactly one use wins."""
        from sqlalchemy import update

        with self.db.session() as session, session.begin():
            result = session.execute(
                update(DisputeRow)
                .where(DisputeRow.digest == token_digest(token))
                .where(DisputeRow.used_at.is_(None))
                .where(DisputeRow.expires_at > _naive(now))
                .values(used_at=_naive(now))
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    def lock_until(self, employee: str, now: datetime) -> LockRow | None:
        with self.db.session() as session:
            lock = session.get(LockRow, employee.lower())
        return lock if lock is not None and lock.until > now else None

    def add_alert(self, row: AlertRow) -> bool:
        """False when this provider event already raised one (deliveries are retried)."""
        try:
            with self.db.session() as session, session.begin():
                session.add(row)
        except IntegrityError:
            return False
        return True

    def alerts(self, limit: int = 100) -> list[AlertRow]:
        with self.db.session() as session:
            query = select(AlertRow).order_by(AlertRow.seq.desc()).limit(limit)
            return list(session.scalars(query))

    def cursor(self, name: str) -> datetime | None:
        with self.db.session() as session:
            row = session.get(CursorRow, name)
        return row.at if row else None

    def set_cursor(self, name: str, at: datetime) -> None:
        self.db.save(CursorRow(name=name, at=at))


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)
