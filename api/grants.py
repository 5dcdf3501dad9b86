"""Signed decision grants: the receipt the help desk attaches to the ticket, and the only thing a
recovery action accepts.

A grant is a JWS (Ed25519, see api/signing.py) naming the employee (`sub`), the ticket (`aud`), the
action and the decision, with `iat`, `exp` and a `jti`. Anyone can check it against
`/.well-known/jwks.json`; nobody without the private key can make one. A `deny` or `escalate`
grant is a valid receipt *of that decision*: `redeem` accepts only `allow`, and only once.

    grants.issue(...)                     -> Grant (token, claims)
    grants.verify(token, employee=, ...)  -> GrantClaims, or raises a GrantError
    grants.consume(jti, ...)              -> None, or raises GrantUsed the second time
    grants.redeem(token, employee=, ...)  -> GrantClaims of a fresh, unused allow (then used)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError

from api.errors import DeskguardError
from api.signing import KeyRing, SigningError
from api.storage import Database, GrantUseRow

TOKEN_TYPE = "deskguard-grant+jwt"
NO_TICKET = (
    "deskguard:no-ticket:"  # audience of a grant issued without a ticket (+ verification id)
)


class GrantError(DeskguardError):
    """Root of the reasons a grant is refused."""

    status, code = 403, "grant_invalid"


class GrantInvalid(GrantError):
    code = "grant_invalid"


class GrantExpired(GrantError):
    code = "grant_expired"


class GrantMismatch(GrantError):
    code = "grant_mismatch"


class GrantNotAllow(GrantError):
    code = "grant_not_allow"


class GrantUsed(GrantError):
    status, code = 409, "grant_used"


class GrantClaims(BaseModel):
    iss: str
    sub: str  # the employee (UPN)
    aud: str  # the ticket as "system:id", or NO_TICKET + verification id
    iat: int
    exp: int
    jti: str
    action: str
    decision: str  # allow | deny | escalate
    verification_id: str
    policy: str

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.exp, UTC)

    @property
    def ticket(self) -> str | None:
        return None if self.aud.startswith(NO_TICKET) else self.aud


class Grant(BaseModel):
    token: str
    claims: GrantClaims


def audience(ticket: tuple[str, str] | None, verification_id: str) -> str:
    """A ticket reference `(system, id)` as the grant's audience."""
    return f"{ticket[0]}:{ticket[1]}" if ticket else f"{NO_TICKET}{verification_id}"


class Grants:
    def __init__(
        self,
        ring: KeyRing,
        db: Database,
        *,
        ttl: timedelta,
        issuer: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.ring, self.db, self.ttl, self.issuer, self.clock = ring, db, ttl, issuer, clock

    def issue(
        self,
        *,
        verification_id: str,
        employee: str,
        action: str,
        ticket: tuple[str, str] | None,
        decision: str,
        policy: str,
    ) -> Grant:
        now = int(self.clock().timestamp())
        claims = GrantClaims(
            iss=self.issuer,
            sub=employee,
            aud=audience(ticket, verification_id),
            iat=now,
            exp=now + int(self.ttl.total_seconds()),
            jti=uuid.uuid4().hex,
            action=action,
            decision=decision,
            verification_id=verification_id,
            policy=policy,
        )
        return Grant(token=self.ring.sign(claims.model_dump(), typ=TOKEN_TYPE), claims=claims)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """Public keys of every grant that may still be live (rotation keeps old ones a while)."""
        return self.ring.jwks(self._grace)

    @property
    def _grace(self) -> timedelta:
        return self.ttl + timedelta(minutes=1)

    def verify(
        self,
        token: str,
        *,
        employee: str | None = None,
        action: str | None = None,
        ticket: tuple[str, str] | None = None,
    ) -> GrantClaims:
        """The grant's claims when it is authentic, unexpired and matches what is given."""
        claims = self._authentic(token)
        if claims.exp <= self.clock().timestamp():
            raise GrantExpired(f"this grant expired at {claims.expires_at.isoformat()}")
        wanted = {
            "employee": (employee, claims.sub),
            "action": (action, claims.action),
            "ticket": (audience(ticket, "") if ticket else None, claims.aud),
        }
        for name, (expected, actual) in wanted.items():
            if expected is not None and expected.lower() != actual.lower():
                raise GrantMismatch(f"this grant is for another {name}")
        return claims

    def _authentic(self, token: str) -> GrantClaims:
        try:
            raw = self.ring.verify(
                token, typ=TOKEN_TYPE, keys=self.ring.published_key_set(self._grace)
            )
            claims = GrantClaims.model_validate(raw)
        except (SigningError, ValidationError) as exc:
            raise GrantInvalid(f"not a deskguard grant: {str(exc).splitlines()[0]}") from None
        if claims.iss != self.issuer:
            raise GrantInvalid(f"grant issued by {claims.iss!r}, not {self.issuer!r}")
        return claims

    def consume(self, jti: str, *, verification_id: str, purpose: str, actor: str) -> None:
        """Marks a grant used; a second call for the same jti raises GrantUsed (any replica)."""
        row = GrantUseRow(
            jti=jti,
            verification_id=verification_id,
            purpose=purpose,
            actor=actor,
            used_at=self.clock(),
        )
        try:
            with self.db.session() as session, session.begin():
                session.add(row)
        except IntegrityError:
            raise GrantUsed("this grant has already been used; verify the caller again") from None

    def redeem(
        self,
        token: str,
        *,
        employee: str,
        action: str,
        ticket: tuple[str, str] | None,
        purpose: str,
        actor: str,
    ) -> GrantClaims:
        """For the action itself: a fresh, matching `allow`, used up by this call."""
        claims = self.verify(token, employee=employee, action=action, ticket=ticket)
        if ticket is None and claims.ticket is not None:
            raise GrantMismatch("this grant is for a ticket; name it")
        if claims.decision != "allow":
            raise GrantNotAllow(f"this grant records a {claims.decision!r}, not permission")
        self.consume(
            claims.jti, verification_id=claims.verification_id, purpose=purpose, actor=actor
        )
        return claims
