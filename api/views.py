"""Turns a stored verification into the view a role may see."""

from __future__ import annotations

from api.auth import Principal
from api.schemas import (
    QuestionPublic,
    SourcePublic,
    TicketRef,
    VerificationDetail,
    VerificationPublic,
)
from api.storage import VerificationRow


def public_view(row: VerificationRow) -> VerificationPublic:
    """The help-desk view: question texts and the decision; no expected answer or evidence."""
    decision = row.decision or {}
    return VerificationPublic(
        id=row.id,
        status="decided" if row.status == "decided" else "pending",
        employee=row.employee,
        action=row.action,
        ticket=TicketRef.model_validate(row.ticket) if row.ticket else None,
        questions=[
            QuestionPublic(id=q["id"], text=q["text"], kind=q["kind"]) for q in row.questions
        ],
        created_at=row.created_at,
        expires_at=row.expires_at,
        decision=decision.get("decision"),
        reasons=list(decision.get("reasons", [])),
        receipt=row.receipt["token"] if row.receipt else None,
        sources=[
            SourcePublic(connector=s["connector"], status=s["status"])
            for s in row.collection.get("sources", [])
        ],
        engine=str(row.question_set.get("engine", "template")),
    )


def detail_view(row: VerificationRow) -> VerificationDetail:
    decision = row.decision or {}
    return VerificationDetail(
        **public_view(row).model_dump(),
        question_details=row.questions,
        grades=row.grades or [],
        dropped=list(row.question_set.get("dropped", [])),
        evidence=list(row.collection.get("evidence", [])),
        accesses=list(row.collection.get("accesses", [])),
        generation={k: v for k, v in row.question_set.items() if k != "dropped"},
        filtered=dict(row.collection.get("filtered", {})),
        policy=decision.get("policy"),
        entropy_bits=decision.get("entropy_bits"),
    )


def view_for(principal: Principal, row: VerificationRow) -> VerificationPublic:
    return detail_view(row) if principal.can("read_answers") else public_view(row)
