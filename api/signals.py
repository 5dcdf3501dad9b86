"""Where a verification's device/network risk signal comes from.

The agent (or an attacker holding an agent's key) must not be able to choose the score. A signal
has provenance:
- `provider_api`: the risk provider posted it server to server (`POST /v1/signals`, a `signal`
  role key), bound to a ticket or a call id, good for `DESKGUARD_SIGNALS__TTL_SECONDS`;
- `provider_jws`: the verification carries `signal_token`, a JWS signed by a configured provider
  (`DESKGUARD_SIGNALS__PROVIDERS`), short-lived and bound to the ticket or call id;
- `agent`: a score in the help desk's own request. The policy decides what that is worth
  (grading/policy.py: an unproven low score counts as unknown).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import or_, select

from api.errors import ConfigurationError, InvalidInput
from api.storage import Database, SignalRow
from grading.models import Signal, SignalProvenance

ALGORITHMS = ["Ed25519", "EdDSA", "ES256", "ES384", "RS256", "PS256"]  # asymmetric only


class SignalProvider(BaseModel):
    """A risk provider whose signed signals are accepted."""

    name: str = Field(min_length=1, max_length=64)
    issuer: str = Field(min_length=1)  # the `iss` its tokens carry
    jwks: str  # its public keys: a JWKS document (JSON)
    audience: str = "deskguard"
    max_age_seconds: int = Field(default=300, ge=10, le=3600)

    def key_set(self) -> KeySet:
        try:
            return KeySet.import_key_set(json.loads(self.jwks))
        except (ValueError, TypeError, KeyError, JoseError) as exc:
            raise ConfigurationError(
                f"DESKGUARD_SIGNALS__PROVIDERS: {self.name}'s jwks is not a JWKS: {exc}"
            ) from None


class SignalClaims(BaseModel):
    iss: str
    aud: str | list[str]
    iat: int
    exp: int
    score: float = Field(ge=0.0, le=1.0)
    ticket: str | None = None  # "system:id"
    call_id: str | None = None
    sub: str | None = None  # the employee, when the provider knows them
    reasons: list[str] = Field(default_factory=list, max_length=10)


class Binding(BaseModel):
    """What a signal is for: the verification's ticket and/or call, and its employee."""

    ticket: str | None
    call_id: str | None
    employee: str

    def matches(self, ticket: str | None, call_id: str | None, employee: str | None) -> bool:
        if employee and employee.lower() != self.employee:
            return False
        same_ticket = ticket is not None and ticket == self.ticket
        return same_ticket or (call_id is not None and call_id == self.call_id)


def ticket_key(ticket: tuple[str, str] | None) -> str | None:
    return f"{ticket[0]}:{ticket[1]}" if ticket else None


class Signals:
    def __init__(
        self,
        db: Database,
        *,
        ttl: timedelta,
        providers: Sequence[SignalProvider],
        clock: Callable[[], datetime],
    ) -> None:
        self.db, self.ttl, self.providers, self.clock = db, ttl, list(providers), clock

    def post(
        self,
        *,
        score: float,
        source: str,
        reasons: list[str],
        ticket: tuple[str, str] | None,
        call_id: str | None,
        employee: str | None,
        actor: str,
    ) -> SignalRow:
        if ticket is None and not call_id:
            raise InvalidInput("a signal must name the ticket or the call id it is for")
        now = self.clock()
        row = SignalRow(
            id=f"sig_{uuid.uuid4().hex[:24]}",
            ticket=ticket_key(ticket),
            call_id=call_id,
            employee=employee.lower() if employee else None,
            score=score,
            source=source,
            reasons=reasons,
            received_at=now,
            expires_at=now + self.ttl,
            created_by=actor,
        )
        self.db.save(row)
        return row

    def resolve(
        self, binding: Binding, *, token: str | None, agent: Signal | None
    ) -> Signal | None:
        """The signal a verification uses: a provider's if there is one, else the agent's."""
        if token:
            return self.from_token(token, binding)
        posted = self.latest_posted(binding)
        if posted is not None:
            return posted
        if agent is not None:
            return agent.model_copy(update={"provenance": SignalProvenance.AGENT, "id": None})
        return None

    def latest_posted(self, binding: Binding) -> Signal | None:
        conditions = []
        if binding.ticket:
            conditions.append(SignalRow.ticket == binding.ticket)
        if binding.call_id:
            conditions.append(SignalRow.call_id == binding.call_id)
        if not conditions:
            return None
        query = (
            select(SignalRow)
            .where(or_(*conditions))
            .where(SignalRow.expires_at > self.clock())
            .order_by(SignalRow.received_at.desc())
        )
        with self.db.session() as session:
            for row in session.scalars(query.limit(20)):
                if binding.matches(row.ticket, row.call_id, row.employee):
                    return Signal(
                        score=row.score,
                        source=row.source,
                        reasons=list(row.reasons),
                        provenance=SignalProvenance.PROVIDER_API,
                        id=row.id,
                    )
        return None

    def from_token(self, token: str, binding: Binding) -> Signal:
        """A provider-signed signal, or InvalidInput saying why it is not accepted."""
        header_iss = _unverified_issuer(token)
        provider = next((p for p in self.providers if p.issuer == header_iss), None)
        if provider is None:
            raise InvalidInput("signal_token: not issued by a configured signal provider")
        try:
            decoded = jwt.decode(token, provider.key_set(), algorithms=ALGORITHMS)
            claims = SignalClaims.model_validate(decoded.claims)
        except (JoseError, ValueError, ValidationError) as exc:
            problem = f"signal_token: signature or claims invalid ({type(exc).__name__})"
            raise InvalidInput(problem) from None
        self._check(claims, provider, binding)
        return Signal(
            score=claims.score,
            source=provider.name,
            reasons=claims.reasons,
            provenance=SignalProvenance.PROVIDER_JWS,
        )

    def _check(self, claims: SignalClaims, provider: SignalProvider, binding: Binding) -> None:
        now = self.clock().timestamp()
        audiences = [claims.aud] if isinstance(claims.aud, str) else claims.aud
        problems = {
            "it expired": claims.exp <= now,
            "it was issued in the future": claims.iat > now + 30,
            f"it lives longer than {provider.max_age_seconds} s": claims.exp - claims.iat
            > provider.max_age_seconds,
            f"its audience is not {provider.audience!r}": provider.audience not in audiences,
            "it is for another ticket, call or employee": not binding.matches(
                claims.ticket, claims.call_id, claims.sub
            ),
        }
        failed = [text for text, bad in problems.items() if bad]
        if failed:
            raise InvalidInput(f"signal_token: not accepted: {'; '.join(failed)}")


def _unverified_issuer(token: str) -> str | None:
    """Which provider to check against; the signature is verified right after."""
    from joserfc.util import json_b64decode

    try:
        payload: Any = json_b64decode(token.split(".")[1].encode())
    except (IndexError, ValueError, TypeError):
        raise InvalidInput("signal_token: not a compact JWS") from None
    return payload.get("iss") if isinstance(payload, dict) else None
