"""Turns a stored verification into the view a role may see."""

from __future__ import annotations

from api.auth import Permission, Principal
from api.schemas import (
    QuestionPublic,
    SourcePublic,
    TicketUpdatePublic,
    VerificationDetail,
    VerificationPublic,
)
from api.storage import VerificationRow


def asked(row: VerificationRow) -> list[QuestionPublic]:
    """The questions read to the caller; none when the decision came before asking."""
    if row.status == "decided" and not row.grades:
        return []
    return [QuestionPublic(id=q.id, text=q.text, kind=q.kind) for q in row.questions]


def public_view(row: VerificationRow) -> VerificationPublic:
    """The help-desk view. Pending: the questions to read out. Decided: the decision and the
    policy's reasons for the agent only; never a verdict, score or count per question, so a
    caller learns nothing about which answers were right."""
    pending = row.status != "decided"
    return VerificationPublic(
        id=row.id,
        status="pending" if pending else "decided",
        employee=row.employee,
        action=row.action,
        ticket=row.ticket,
        questions=asked(row) if pending else [],
        created_at=row.created_at,
        expires_at=row.expires_at,
        decision=row.decision.decision if row.decision else None,
        reasons=list(row.decision.agent_reasons) if row.decision else [],
        receipt=row.receipt["token"] if row.receipt else None,
        sources=[
            SourcePublic(connector=s.connector, status=s.status) for s in row.collection.sources
        ],
        engine=row.question_set.engine,
    )


def detail_view(
    row: VerificationRow, ticket_updates: list[TicketUpdatePublic] | None = None
) -> VerificationDetail:
    """For security and audit roles: what was asked, expected, answered and why, in full."""
    public = public_view(row).model_dump(exclude={"questions", "reasons"})
    return VerificationDetail(
        **public,
        questions=asked(row),
        reasons=list(row.decision.reasons) if row.decision else [],
        agent_reasons=list(row.decision.agent_reasons) if row.decision else [],
        question_details=row.questions,
        grades=row.grades or [],
        dropped=row.question_set.dropped,
        evidence=row.collection.evidence,
        accesses=row.collection.accesses,
        generation=row.question_set.generation(),
        filtered=row.collection.filtered,
        signal=row.signal,
        policy=row.decision.policy if row.decision else None,
        entropy_bits=row.decision.entropy_bits if row.decision else None,
        ticket_updates=ticket_updates or [],
        caller=row.caller,
        velocity=list(row.velocity or []),
        created_by=row.created_by,
        purged=row.purged,
        out_of_scope_sources=row.collection.out_of_scope,
        source_errors={s.connector: s.error for s in row.collection.sources if s.error},
    )


def view_for(
    principal: Principal,
    row: VerificationRow,
    ticket_updates: list[TicketUpdatePublic] | None = None,
) -> VerificationPublic:
    if principal.can(Permission.READ_ANSWERS):
        return detail_view(row, ticket_updates)
    return public_view(row)
