"""/v1/verifications: start, answer, read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from api.deps import CanReadStatus, CanVerify, ServiceDep
from api.recovery_deps import NoticesDep
from api.schemas import AnswersSubmit, VerificationCreate, VerificationDetail, VerificationPublic
from api.views import public_view, view_for

router = APIRouter(prefix="/v1/verifications", tags=["verifications"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text}
    for code, text in (
        (401, "missing or unknown API key"),
        (403, "role not allowed"),
        (404, "not found"),
        (409, "already answered"),
        (410, "expired"),
        (422, "invalid input"),
    )
}


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=VerificationPublic, responses=RESPONSES
)
async def start_verification(
    body: VerificationCreate, principal: CanVerify, service: ServiceDep, notices: NoticesDep
) -> VerificationPublic:
    """Collect the employee's recent work context and return the questions to ask."""
    row = await service.start(body, actor=principal.actor)
    await notices.after_decision(row)  # an escalate before asking is told too
    return public_view(row)


@router.post("/{verification_id}/answers", response_model=VerificationPublic, responses=RESPONSES)
async def submit_answers(
    verification_id: str,
    body: AnswersSubmit,
    principal: CanVerify,
    service: ServiceDep,
    notices: NoticesDep,
) -> VerificationPublic:
    """Grade what the caller said and return allow / deny / escalate with a signed receipt."""
    row = await service.submit(verification_id, body, actor=principal.actor)
    await notices.after_decision(row)  # NIST 63B-4: a deny/escalate of MFA is told
    return public_view(row)


@router.get(
    "/{verification_id}",
    response_model=VerificationDetail | VerificationPublic,
    responses=RESPONSES,
)
def read_verification(
    verification_id: str, principal: CanReadStatus, service: ServiceDep
) -> VerificationPublic:
    """Status for the help desk; questions, grades and evidence for security and audit roles."""
    row = service.get(verification_id)
    return view_for(principal, row, service.rt.tickets.updates_for(row.id))
