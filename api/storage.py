"""Persistence (SQLAlchemy 2): verifications, API keys and the audit chain. SQLite by default;
any SQLAlchemy URL (e.g. postgresql+psycopg://) through DESKGUARD_DATABASE_URL."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    sessionmaker,
    validates,
)
from sqlalchemy.types import TypeDecorator

from api.verification_record import (
    CallerRef,
    CollectionRecord,
    PurgeRecord,
    QuestionSetRecord,
    TicketRef,
)
from grading.models import Decision, DecisionOutcome, Grade, Signal
from questions.models import Question


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite has no time zones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(UTC).replace(tzinfo=None) if value else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value else None


class JSONRecord(TypeDecorator[Any]):
    """A typed record (pydantic model, or a list of them) stored as JSON. The only place where
    records become JSON and JSON becomes records."""

    impl = JSON
    cache_ok = True

    def __init__(self, record_type: Any, *, none_as_null: bool = False) -> None:
        super().__init__(none_as_null=none_as_null)  # True: None is SQL NULL, not JSON null
        self.record_type = record_type
        self._adapter: TypeAdapter[Any] = TypeAdapter(record_type)

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self._adapter.dump_python(value, mode="json")

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self._adapter.validate_python(value)


class Base(DeclarativeBase):
    pass


class VerificationRow(Base):
    __tablename__ = "verifications"
    # The recent-history lookup counts denials from this index alone (covering); the audit's
    # per-employee filter walks it too.
    __table_args__ = (
        Index("ix_verifications_employee_created_at", "employee", "created_at", "outcome"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    employee: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # pending | grading | decided
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ticket: Mapped[TicketRef | None] = mapped_column(JSONRecord(TicketRef), nullable=True)
    signal: Mapped[Signal | None] = mapped_column(JSONRecord(Signal), nullable=True)
    caller: Mapped[CallerRef | None] = mapped_column(JSONRecord(CallerRef), nullable=True)
    velocity: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # the policy's flags
    # server-side only: with expected answers
    questions: Mapped[list[Question]] = mapped_column(JSONRecord(list[Question]))
    question_set: Mapped[QuestionSetRecord] = mapped_column(JSONRecord(QuestionSetRecord))
    # Sources, access log and references (id, source, kind, time) of the items used as evidence.
    # The context items themselves are never persisted: privacy by default.
    collection: Mapped[CollectionRecord] = mapped_column(JSONRecord(CollectionRecord))
    grades: Mapped[list[Grade] | None] = mapped_column(JSONRecord(list[Grade]), nullable=True)
    decision: Mapped[Decision | None] = mapped_column(JSONRecord(Decision), nullable=True)
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    # Set by the retention purge (api/retention.py): what is left of the questions and evidence
    # once their texts, expected answers and references are deleted.
    purged: Mapped[PurgeRecord | None] = mapped_column(
        JSONRecord(PurgeRecord, none_as_null=True), nullable=True
    )
    # The decision's outcome, for the recent-history lookup: kept in step with `decision` by
    # the validator below, never set directly.
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)

    @validates("decision")
    def _derive_outcome(self, _: str, decision: Decision | None) -> Decision | None:
        self.outcome = decision.decision.value if decision else None
        return decision

    def asked_facts(self) -> list[AskedFactRow]:
        """What this verification asks about, one row per fact and per cited context item,
        saved with it (api/audit.py `append(also=...)`) for the recent-history lookup."""
        keys = {("fact", q.fact) for q in self.questions if q.fact}
        keys |= {("item", item) for q in self.questions for item in q.evidence}
        return [
            AskedFactRow(
                verification_id=self.id,
                employee=self.employee,
                created_at=self.created_at,
                kind=kind,
                value=value,
            )
            for kind, value in sorted(keys)
        ]


class AskedFactRow(Base):
    """A fact, or a context item, an employee's verification asked about: later verifications
    of the same employee within 24 h do not ask about it again."""

    __tablename__ = "asked_facts"
    # Covering: the lookup reads kind and value from the index alone.
    __table_args__ = (Index("ix_asked_facts_lookup", "employee", "created_at", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    verification_id: Mapped[str] = mapped_column(String(40))
    employee: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(8))  # fact | item
    value: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class RecentHistory:
    """What the policy and the question rotation need of an employee's recent verifications:
    how many were denied, and every fact and context item they asked about."""

    failures: int = 0
    facts: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()

    def asked(self) -> list[Question]:
        """As questions.exposure.unasked takes them (it reads only `fact` and `evidence`):
        questions holding only those two fields, built without validation."""
        # the other required fields are deliberately left unset (unasked never reads them)
        facts = [Question.model_construct(fact=f) for f in sorted(self.facts)]  # type: ignore[call-arg]
        items = Question.model_construct(evidence=sorted(self.items))  # type: ignore[call-arg]
        return [*facts, items]


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120), server_default="unnamed")  # who holds it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LimitHitRow(Base):
    """One hit of a throttling or velocity key (api/limits.py), kept for its window only."""

    __tablename__ = "limit_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    member: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AuditRow(Base):
    __tablename__ = "audit"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(40))
    verification_id: Mapped[str | None] = mapped_column(String(40), index=True, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The employee the record is about, pseudonymously (api/pseudonyms.py): never the UPN.
    subject: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    # Unique: two replicas appending after the same record cannot both succeed (see api/audit.py).
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256, keyed outside the database


class EmployeeKeyRow(Base):
    """The random key behind an employee's pseudonymous reference; erasure deletes it."""

    __tablename__ = "employee_keys"

    upn: Mapped[str] = mapped_column(String(320), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))  # 32 random bytes, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditCheckpointRow(Base):
    """A signed (Ed25519 JWS) statement of the chain's head; exported copies anchor the tail."""

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    token: Mapped[str] = mapped_column(Text)


class GrantUseRow(Base):
    """A grant used once: the primary key on `jti` makes a second use fail on every replica."""

    __tablename__ = "grant_uses"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    verification_id: Mapped[str] = mapped_column(String(40), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TicketUpdateRow(Base):
    """An outbox entry: one note for a help-desk ticket, delivered and retried (api/ticketing)."""

    __tablename__ = "ticket_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    verification_id: Mapped[str] = mapped_column(String(40), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # started | decided
    system: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(Text)  # the TicketRecord (JSON): where to write
    note: Mapped[str] = mapped_column(Text)  # the VerificationNote (JSON): what to write
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SignalRow(Base):
    """A risk score the provider posted for a ticket or a call; short-lived."""

    __tablename__ = "signals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    ticket: Mapped[str | None] = mapped_column(String(150), index=True, nullable=True)
    call_id: Mapped[str | None] = mapped_column(String(100), index=True, nullable=True)
    employee: Mapped[str | None] = mapped_column(String(320), nullable=True)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(64))


# The connection pool of each process (SQLAlchemy's defaults, named): the worker threads that
# run storage calls are bounded by their sum (api/offload.py), one connection each.
POOL_SIZE, POOL_OVERFLOW = 5, 10
# How long a SQLite writer waits for another's lock (threads of one worker, or other workers)
# before failing (503, nothing recorded); sqlite3's default is 5 s.
SQLITE_BUSY_SECONDS = 30.0


def _write_ahead_log(connection: Any, _: Any) -> None:
    """SQLite in WAL mode: readers never wait for a writer, and several processes (`serve
    --workers N`) share the file. The mode is kept in the file; setting it again is a no-op."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Database:
    """Engine plus session factory. The schema comes from the Alembic migrations (`upgrade`).
    `hide_parameters`: a database error must never print the bound values (expected answers).
    A file SQLite database runs in WAL mode."""

    def __init__(self, url: str) -> None:
        sqlite = url.startswith("sqlite")
        args: dict[str, Any] = (
            {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS} if sqlite else {}
        )
        memory = ("sqlite:///file:", "sqlite:///:memory:")
        local_file = url.startswith("sqlite:///") and not url.startswith(memory)
        if local_file:
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        pool = (
            {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
            if not sqlite or local_file
            else {}
        )
        self.engine: Engine = create_engine(
            url, connect_args=args, pool_pre_ping=True, hide_parameters=True, **pool
        )
        if local_file:
            event.listen(self.engine, "connect", _write_ahead_log)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.capacity = POOL_SIZE + POOL_OVERFLOW  # connections, so worker threads
        # Audit appends of this process's threads, one at a time where the database has no
        # lock for them (api/audit.py; PostgreSQL has its advisory lock).
        self.append_lock = threading.RLock()

    def upgrade(self) -> Database:
        """Brings the schema to the head revision (idempotent); returns self."""
        from api import migrations

        migrations.upgrade(self.engine)
        return self

    def session(self) -> Session:
        return self.sessions()

    def claim_for_grading(self, verification_id: str, now: datetime) -> bool:
        """Atomically move pending -> grading: exactly one submission wins."""
        with self.session() as session, session.begin():
            result = session.execute(
                update(VerificationRow)
                .where(VerificationRow.id == verification_id)
                .where(VerificationRow.status == "pending")
                .where(VerificationRow.expires_at > now.astimezone(UTC).replace(tzinfo=None))
                .values(status="grading")
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    def get_verification(self, verification_id: str) -> VerificationRow | None:
        with self.session() as session:
            return session.get(VerificationRow, verification_id)

    def save(self, row: Base) -> None:
        with self.session() as session, session.begin():
            session.merge(row)

    def recent_for_employee(self, upn: str, *, since: datetime) -> RecentHistory:
        """This employee's verifications since `since`, counted and de-duplicated by the
        database through the (employee, created_at) indexes: two short answers, not rows."""
        denied = (
            select(func.count())
            .select_from(VerificationRow)
            .where(VerificationRow.employee == upn, VerificationRow.created_at >= since)
            .where(VerificationRow.outcome == DecisionOutcome.DENY.value)
        )
        asked = (
            select(AskedFactRow.kind, AskedFactRow.value)
            .where(AskedFactRow.employee == upn, AskedFactRow.created_at >= since)
            .distinct()
        )
        with self.session() as session:
            failures = int(session.scalar(denied) or 0)
            keys = session.execute(asked).all()
        return RecentHistory(
            failures=failures,
            facts=frozenset(value for kind, value in keys if kind == "fact"),
            items=frozenset(value for kind, value in keys if kind == "item"),
        )

    def list_verifications(self, limit: int = 50) -> list[VerificationRow]:
        with self.session() as session:
            query = select(VerificationRow).order_by(VerificationRow.created_at.desc())
            return list(session.scalars(query.limit(limit)))
