"""Dependencies declared once, so each route's signature shows its authorisation."""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import Depends, Header, Request

from api.auth import Permission, Principal, authenticate
from api.errors import Forbidden, Unauthorized
from api.metrics import AUTH_FAILURES
from api.runtime import Runtime
from api.service import VerificationService


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
log = structlog.get_logger("deskguard.auth")


def get_principal(
    request: Request, runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    return authenticate_from(request, runtime, authorization)


def authenticate_from(
    request: Request, runtime: Runtime, authorization: str | None, *, tokens: bool = True
) -> Principal:
    """The caller's principal (API requests and the console's key sign-in alike; `tokens=False`
    takes keys only). A failed authentication is logged and counted per client address; too
    many get 429 before anything is looked at. The address is the one RequestContext resolved
    (behind DESKGUARD_TRUSTED_PROXIES, the forwarded client's), never read from the socket or
    the headers here."""
    client: str = request.state.client
    runtime.throttle().refuse_if_locked_out(client)
    try:
        return authenticate(runtime.db, authorization, oidc=runtime.oidc if tokens else None)
    except (Unauthorized, Forbidden) as exc:
        reason = "missing" if not authorization else exc.code
        # a presented credential that failed: what a guesser does
        failed_authentication(
            request, reason=reason, detail=exc.message, presented=bool(authorization)
        )
        raise


def failed_authentication(request: Request, *, reason: str, detail: str, presented: bool) -> None:
    """One home for a failed sign-in's trace (API, console key, console IdP): a log line and a
    metric; `presented` (a credential was shown and refused) also counts against the address."""
    client: str = request.state.client
    AUTH_FAILURES.labels(reason=reason).inc()
    log.warning("authentication_failed", client=client, reason=reason, detail=detail)
    if presented:
        request.app.state.runtime.throttle().authentication_failed(client)


def get_service(runtime: RuntimeDep) -> VerificationService:
    return VerificationService(runtime)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
ServiceDep = Annotated[VerificationService, Depends(get_service)]


def _permitted(permission: Permission) -> Any:
    """A dependency: the authenticated principal, 403 unless its role has `permission`."""

    def dependency(principal: PrincipalDep) -> Principal:
        principal.require(permission)
        return principal

    return Depends(dependency)


# Who may call a route, in its signature: `principal: CanVerify`.
CanVerify = Annotated[Principal, _permitted(Permission.VERIFY)]
CanReadStatus = Annotated[Principal, _permitted(Permission.READ_STATUS)]
CanReadAnswers = Annotated[Principal, _permitted(Permission.READ_ANSWERS)]
CanAudit = Annotated[Principal, _permitted(Permission.AUDIT)]
CanPostSignal = Annotated[Principal, _permitted(Permission.POST_SIGNAL)]
CanPreview = Annotated[Principal, _permitted(Permission.PREVIEW)]
