"""Dependencies declared once, so each route's signature shows its authorisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from api.auth import Principal, authenticate
from api.runtime import Runtime
from api.service import VerificationService


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_principal(
    runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    return authenticate(runtime.db, authorization)


def get_service(runtime: RuntimeDep) -> VerificationService:
    return VerificationService(runtime)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
ServiceDep = Annotated[VerificationService, Depends(get_service)]
