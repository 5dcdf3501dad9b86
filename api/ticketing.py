"""What deskguard tells the help-desk ticket, and what it checks there.

At start: the ticket (ServiceNow incident / request item / interaction, or a JSM issue) must exist
and be raised for the employee being verified; the outcome goes to the policy (a mismatch
escalates before any question is read out). At start and at the decision a note is written into
the ticket (work note / internal comment) and its deskguard status field set. Writing is
best-effort and never changes a decision: every write goes through an outbox row, is tried at
once within a short deadline, retried later (`deskguard tickets retry`, and by `serve`), audited
when it fails, counted in metrics and shown to the security role."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeVar

import structlog
from prometheus_client import Counter
from pydantic import BaseModel
from sqlalchemy import select

from api.audit import AuditLog
from api.offload import in_thread
from api.schemas import TicketUpdatePublic
from api.settings import TicketDeliveryConfig
from api.storage import Base, Database, TicketUpdateRow, VerificationRow
from tickets.base import TicketAdapter
from tickets.models import TicketError, TicketRecord, TicketStatus, VerificationNote

log = structlog.get_logger(__name__)
WRITES = Counter(
    "deskguard_ticket_writes_total",
    "Ticket notes written, by system and outcome",
    ["system", "outcome"],
)
T = TypeVar("T")
TicketCheckOutcome = Literal["not_linked", "matched", "mismatch", "not_found", "unreachable"]


class TicketCheck(BaseModel):
    """The start-time check of the ticket a verification names."""

    outcome: TicketCheckOutcome
    record: TicketRecord | None = None
    problem: str | None = None  # why it could not be checked, non-secret: status or error class

    def audit_detail(self) -> dict[str, str] | None:
        """What the `verification.started` record keeps of a check that failed (the policy's
        reason says only that it failed), so security can tell an outage from a refusal."""
        if self.problem is None:
            return None
        return {"outcome": self.outcome, "problem": self.problem}


class TicketDesk:
    def __init__(
        self,
        adapters: Mapping[str, TicketAdapter],
        db: Database,
        config: TicketDeliveryConfig,
        *,
        audit: AuditLog,
    ) -> None:
        self.adapters, self.db, self.config, self.audit = adapters, db, config, audit

    async def check(self, system: str | None, ticket_id: str | None, upn: str) -> TicketCheck:
        """Is the ticket real and raised for `upn`? Unconfigured systems are labels only."""
        adapter = self.adapters.get(system or "")
        if adapter is None or not ticket_id:
            return TicketCheck(outcome="not_linked")
        try:
            record = await self._in_thread(adapter.lookup, ticket_id)
        except (TicketError, TimeoutError) as exc:
            problem = _problem(exc)
            log.warning("ticket_check_failed", system=system, problem=problem)
            return TicketCheck(outcome="unreachable", problem=problem)
        if record is None:
            return TicketCheck(outcome="not_found")
        outcome: TicketCheckOutcome = "matched" if record.raised_for(upn) else "mismatch"
        return TicketCheck(outcome=outcome, record=record)

    def queue(self, row: VerificationRow, check: TicketCheck, note: VerificationNote) -> list[Base]:
        """The outbox row of the note for the ticket found at start (none when no ticket is
        linked), for the caller to save with the verification's audit record (one commit);
        `deliver` then tries it."""
        if check.record is None:
            return []
        update = TicketUpdateRow(
            verification_id=row.id,
            stage=note.stage,
            system=check.record.system,
            target=check.record.model_dump_json(),
            note=note.model_dump_json(),
            status="pending",
            attempts=0,
            created_at=note.at,
        )
        return [update]

    async def deliver(self, queued: Sequence[Base]) -> None:
        """Try the saved outbox rows `queue` made now; a failure is retried later."""
        for update in queued:
            if isinstance(update, TicketUpdateRow):
                latest = await in_thread(self._latest, update.verification_id, update.stage)
                await self._deliver(latest)

    def target_of(self, verification_id: str) -> TicketCheck:
        """The ticket a verification wrote to at start (for the decision's note)."""
        with self.db.session() as session:
            first = session.scalars(
                select(TicketUpdateRow)
                .where(TicketUpdateRow.verification_id == verification_id)
                .order_by(TicketUpdateRow.id)
            ).first()
        if first is None:
            return TicketCheck(outcome="not_linked")
        return TicketCheck(outcome="matched", record=TicketRecord.model_validate_json(first.target))

    def updates_for(self, verification_id: str) -> list[TicketUpdatePublic]:
        with self.db.session() as session:
            rows = session.scalars(
                select(TicketUpdateRow)
                .where(TicketUpdateRow.verification_id == verification_id)
                .order_by(TicketUpdateRow.id)
            ).all()
        return [_public(r) for r in rows]

    async def retry_pending(self, *, now: datetime) -> dict[str, int]:
        """Deliver every pending write once more; returns counts by resulting status."""
        pending = await in_thread(self._pending)
        counts: dict[str, int] = {}
        for update in pending:
            if update.created_at < now - timedelta(days=7):
                update.status = "failed"  # a week late is no use to the agent
                await in_thread(self.db.save, update)
            else:
                await self._deliver(update)
            counts[update.status] = counts.get(update.status, 0) + 1
        return counts

    async def _deliver(self, update: TicketUpdateRow | None) -> None:
        if update is None:
            return
        adapter = self.adapters.get(update.system)
        record = TicketRecord.model_validate_json(update.target)
        note = VerificationNote.model_validate_json(update.note)
        update.attempts += 1
        try:
            if adapter is None:
                raise TicketError(f"ticketing system {update.system} is no longer configured")
            await self._in_thread(adapter.write, record, note)
        except (TicketError, TimeoutError) as exc:
            update.last_error = _problem(exc)
            if update.attempts >= self.config.max_attempts:
                update.status = "failed"
            WRITES.labels(system=update.system, outcome="error").inc()
            await in_thread(self.db.save, update)
            await in_thread(
                self.audit.append,
                actor="deskguard",
                event="ticket.write_failed",
                verification_id=update.verification_id,
                detail={
                    "system": update.system,
                    "ticket": record.number,
                    "stage": update.stage,
                    "attempts": update.attempts,
                    "error": update.last_error,
                    "status": update.status,
                },
            )
            return
        update.status, update.sent_at, update.last_error = "sent", note.at, None
        WRITES.labels(system=update.system, outcome="sent").inc()
        await in_thread(self.db.save, update)

    def _pending(self) -> Sequence[TicketUpdateRow]:
        with self.db.session() as session:
            return session.scalars(
                select(TicketUpdateRow).where(TicketUpdateRow.status == "pending")
            ).all()

    def _latest(self, verification_id: str, stage: str) -> TicketUpdateRow | None:
        with self.db.session() as session:
            return session.scalars(
                select(TicketUpdateRow)
                .where(TicketUpdateRow.verification_id == verification_id)
                .where(TicketUpdateRow.stage == stage)
                .order_by(TicketUpdateRow.id.desc())
            ).first()

    async def _in_thread(self, fn: Callable[..., T], *args: object) -> T:
        """The adapters are synchronous (their clients are): a thread, with a deadline. Whatever
        else an adapter raises is a TicketError: a ticketing system answering a body of the wrong
        shape (or none) surfaces from its client library as any exception (KeyError,
        AttributeError ...), and the ticket check must still fail closed, audited, not 500."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(fn, *args), timeout=self.config.deadline_seconds
            )
        except (TicketError, TimeoutError):
            raise
        except Exception as exc:
            # from None: a client's exception may carry the request (and its credentials)
            problem = type(exc).__name__
            raise TicketError(f"the ticketing system answered unexpectedly ({problem})") from None


def note_for(
    row: VerificationRow, *, agent: str, signal_band: str, at: datetime
) -> VerificationNote:
    """The ticket's note for a verification as it stands: started, or decided with reasons."""
    decision = row.decision if row.status == "decided" else None
    decided = decision is not None
    status: TicketStatus = decision.decision.value if decision is not None else "pending"
    grant = row.receipt or {}
    expiry = datetime.fromtimestamp(grant["exp"], UTC) if "exp" in grant else None
    return VerificationNote(
        verification_id=row.id,
        stage="decided" if decided else "started",
        status=status,
        at=at,
        agent=agent,
        action=row.action,
        questions=len(row.questions),
        # the agent's reasons: the ticket is read by agents, so no count, score or verdict
        reasons=tuple(decision.agent_reasons) if decision is not None else (),
        signal_band=signal_band,
        grant_id=grant.get("jti"),
        grant_expires_at=expiry,
    )


def _problem(exc: BaseException) -> str:
    """In words, without secrets: the adapters' TicketError messages name a status code or an
    error class, never a request, a URL's credentials or a response body."""
    if not isinstance(exc, TicketError):
        return "the ticketing system did not answer in time (TimeoutError)"
    return (str(exc) or type(exc).__name__)[:200]


def _public(row: TicketUpdateRow) -> TicketUpdatePublic:
    record = TicketRecord.model_validate_json(row.target)
    return TicketUpdatePublic(
        stage=row.stage,
        system=row.system,
        number=record.number,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )


async def retry_forever(desk: TicketDesk, clock: Callable[[], datetime], every: float) -> None:
    """`serve`'s background delivery of pending ticket notes (cancelled at shutdown)."""
    while True:
        await asyncio.sleep(every)
        try:
            await desk.retry_pending(now=clock())
        except Exception as exc:  # the database may be briefly away; try again next round
            log.warning("ticket_retry_failed", error=type(exc).__name__)
