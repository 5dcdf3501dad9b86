"""Turns a stored verification into the view a role may see."""

from __future__ import annotations

from api.auth import Principal
from api.schemas import (
    QuestionPublic,
    SourcePublic,
    TicketRef,
    TicketUpdatePublic,
    VerificationDetail,
    VerificationPublic,
)
from api.storage import VerificationRow


def asked(row: VerificationRow) -> list[QuestionPublic]:
    """The questions read to the caller; none when the decision came before asking."""
    if row.status == "decided" and not row.grades:
        return []
    return [QuestionPublic(id=q["id"], text=q["text"], kind=q["kind"]) for q in row.questions]


def public_view(row: VerificationRow) -> VerificationPublic:
    """The help-desk view. Pending: the questions to read out. Decided: the decision and the
    policy's reasons for the agent only; never a verdict, score or count per question, so a
    caller learns nothing about which answers were right."""
    decision = row.decision or {}
    pending = row.status != "decided"
    return VerificationPublic(
        id=row.id,
        status="pending" if pending else "decided",
        employee=row.employee,
        action=row.action,
        ticket=TicketRef.model_validate(row.ticket) if row.ticket else None,
        questions=asked(row) if pending else [],
        created_at=row.created_at,
        expires_at=row.expires_at,
        decision=decision.get("decision"),
        reasons=list(decision.get("agent_reasons", [])),
        receipt=row.receipt["token"] if row.receipt else None,
        sources=[
            SourcePublic(connector=s["connector"], status=s["status"])
            for s in row.collection.get("sources", [])
        ],
        engine=str(row.question_set.get("engine", "template")),
    )


def detail_view(
    row: VerificationRow, ticket_updates: list[TicketUpdatePublic] | None = None
) -> VerificationDetail:
    """For security and audit roles: what was asked, expected, answered and why, in full."""
    decision = row.decision or {}
    public = public_view(row).model_dump(exclude={"questions", "reasons"})
    return VerificationDetail(
        **public,
        questions=asked(row),
        reasons=list(decision.get("reasons", [])),
        agent_reasons=list(decision.get("agent_reasons", [])),
        question_details=row.questions,
        grades=row.grades or [],
        dropped=list(row.question_set.get("dropped", [])),
        evidence=list(row.collection.get("evidence", [])),
        accesses=list(row.collection.get("accesses", [])),
        generation={k: v for k, v in row.question_set.items() if k != "dropped"},
        filtered=dict(row.collection.get("filtered", {})),
        signal=row.signal,
        policy=decision.get("policy"),
        entropy_bits=decision.get("entropy_bits"),
        ticket_updates=ticket_updates or [],
    )


def view_for(
    principal: Principal,
    row: VerificationRow,
    ticket_updates: list[TicketUpdatePublic] | None = None,
) -> VerificationPublic:
    if principal.can("read_answers"):
        return detail_view(row, ticket_updates)
    return public_view(row)
