"""The last check before an identity-provider call: a fresh `allow` grant (api/grants.py) for
exactly this verification's employee, action, ticket and agent, then used up. A grant names no
agent, so the agent binding is the verification's: only the key that started it may recover."""

from __future__ import annotations

from api.grants import GrantClaims, GrantMismatch, Grants
from api.recovery_errors import NotAllowed, WrongAction, WrongAgent, WrongTicket
from api.recovery_schemas import RecoveryCreate
from api.storage import VerificationRow

PURPOSE = "recovery"


def check_grant(
    grants: Grants, row: VerificationRow, body: RecoveryCreate, *, actor: str
) -> GrantClaims:
    """Refuses (403) anything but a live allow for this verification, this agent, this action
    and this ticket. Nothing is used up here: `use_grant` does that, last."""
    decision = row.decision.decision.value if row.decision else None
    if row.status != "decided" or decision != "allow":
        raise NotAllowed(f"this verification's decision is {decision or 'pending'}, not allow")
    if row.created_by != actor:
        raise WrongAgent("only the agent who verified this caller may run the recovery")
    if body.action is not None and body.action != row.action:
        raise WrongAction(f"this verification allows {row.action}, not {body.action}")
    if body.ticket is not None and body.ticket != row.ticket:
        raise WrongTicket("this verification was for another ticket")
    stored = row.receipt or {}
    token = body.grant or stored.get("token")
    if not token:
        raise NotAllowed("this verification has no grant")
    ticket = (row.ticket.system, row.ticket.id) if row.ticket else None
    claims = grants.verify(token, employee=row.employee, action=row.action, ticket=ticket)
    if claims.verification_id != row.id or claims.jti != stored.get("jti"):
        raise GrantMismatch("this grant is for another verification")
    if claims.decision != "allow":
        raise NotAllowed(f"this grant records a {claims.decision!r}, not permission")
    return claims


def use_grant(grants: Grants, claims: GrantClaims, *, actor: str) -> None:
    """Single use on every replica: a second call raises GrantUsed (409)."""
    grants.consume(claims.jti, verification_id=claims.verification_id, purpose=PURPOSE, actor=actor)
