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
    """A failed authentication is logged and counted per client address; too many get 429.
    The address is the one RequestContext resolved (behind DESKGUARD_TRUSTED_PROXIES, the
    forwarded client's), never read from the socket or the headers here."""
    client: str = request.state.client
    throttle = runtime.throttle()
    throttle.refuse_if_locked_out(client)
    try:
        return authenticate(runtime.db, authorization, oidc=runtime.oidc)
    except (Unauthorized, Forbidden) as exc:
        reason = "missing" if not authorization else exc.code
        AUTH_FAILURES.labels(reason=reason).inc()
        log.warning("authentication_failed", client=client, reason=reason, detail=exc.message)
        if authorization:  # a presented credential that failed: what a guesser does
            throttle.authentication_failed(client)
        raise


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
