"""POST /v1/signals: the risk provider posts a call's device/network score server to server."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from api.deps import CanPostSignal, RuntimeDep
from api.schemas import SignalCreate, SignalPublic

router = APIRouter(prefix="/v1/signals", tags=["signals"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing or unknown API key"},
    403: {"description": "only the signal role (the risk provider) may post signals"},
    422: {"description": "invalid input, or neither ticket nor call id"},
}


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=SignalPublic, responses=RESPONSES
)
def post_signal(body: SignalCreate, principal: CanPostSignal, runtime: RuntimeDep) -> SignalPublic:
    """Record a risk score for the ticket or call it names; a verification started for that
    ticket or call within the signal's lifetime uses it instead of anything the agent sends."""
    ticket = (body.ticket.system, body.ticket.id) if body.ticket else None
    row = runtime.signals.post(
        score=body.score,
        source=body.source,
        reasons=body.reasons,
        ticket=ticket,
        call_id=body.call_id,
        employee=body.employee,
        actor=principal.actor,
    )
    return SignalPublic(
        id=row.id, expires_at=row.expires_at, ticket=row.ticket, call_id=row.call_id
    )
