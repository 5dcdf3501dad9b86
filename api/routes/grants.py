"""Signed grants: the public keys, and checking a receipt (e.g. from the ticketing system)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CanReadStatus, RuntimeDep
from api.grants import GrantError
from api.schemas import ReceiptCheck, ReceiptProblem, ReceiptVerdict

router = APIRouter(tags=["grants"])


@router.get("/.well-known/jwks.json")
def jwks(runtime: RuntimeDep) -> dict[str, list[dict[str, Any]]]:
    """Public Ed25519 keys of every grant that may still be live (no key needed)."""
    return runtime.grants.jwks()


@router.post("/v1/receipts/verify", response_model=ReceiptVerdict)
def verify_receipt(
    body: ReceiptCheck, principal: CanReadStatus, runtime: RuntimeDep
) -> ReceiptVerdict:
    """Is this receipt authentic, unexpired and for this employee, action and ticket?"""
    ticket = (body.ticket.system, body.ticket.id) if body.ticket else None
    try:
        claims = runtime.grants.verify(
            body.receipt, employee=body.employee, action=body.action, ticket=ticket
        )
    except GrantError as exc:
        return ReceiptVerdict(
            valid=False, problem=ReceiptProblem(code=exc.code, message=exc.message)
        )
    return ReceiptVerdict(
        valid=True,
        decision=claims.decision,
        employee=claims.sub,
        action=claims.action,
        ticket=claims.ticket,
        verification_id=claims.verification_id,
        expires_at=claims.expires_at,
    )
