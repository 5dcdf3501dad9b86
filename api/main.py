"""The FastAPI application. Every error leaves as `{"error": {"code", "message"}}`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.console import install as install_console
from api.errors import DeskguardError, RateLimited
from api.metrics import HTTP_ERRORS
from api.middleware import BodyLimit, RequestContext
from api.offload import size_threads
from api.retention import purge_forever, purge_logged
from api.routes import audit, grants, ops, privacy, recovery, signals, verifications
from api.runtime import Runtime
from api.ticketing import retry_forever
from grading.policy import database_failure

log = structlog.get_logger(__name__)


def error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    HTTP_ERRORS.labels(code=code).inc()
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Background work while serving: delivering ticket notes that could not be written, and
    the retention purge. Storage calls run in worker threads bounded by the connection pool."""
    runtime: Runtime = app.state.runtime
    size_threads(runtime.db)  # storage calls' worker threads: one per pooled connection
    privacy = runtime.settings.privacy
    await asyncio.to_thread(purge_logged, runtime.audit, privacy.retention_hours)
    every = privacy.purge_every_seconds
    purging = purge_forever(lambda: runtime.audit, privacy.retention_hours, every)
    tasks = [asyncio.create_task(purging)]
    if runtime.tickets.adapters:
        every = runtime.settings.tickets.retry_every_seconds
        tasks.append(asyncio.create_task(retry_forever(runtime.tickets, runtime.clock, every)))
    yield
    for task in tasks:
        task.cancel()


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="deskguard",
        version="0.1.0",
        description="Help-desk caller verification from the caller's own recent work.",
        lifespan=_lifespan,
    )
    app.state.runtime = runtime
    app.include_router(verifications.router)
    app.include_router(ops.router)
    app.include_router(grants.router)
    app.include_router(recovery.router)
    app.include_router(audit.router)
    app.include_router(privacy.router)
    app.include_router(signals.router)
    install_console(app, runtime)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit)
    # added last: outermost
    app.add_middleware(RequestContext, trusted_proxies=runtime.settings.trusted_proxies)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DeskguardError)
    async def domain_error(request: Request, exc: DeskguardError) -> JSONResponse:
        response = error(exc.status, exc.code, exc.message)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "problem": e["msg"]}
            for e in exc.errors()
        ]
        names = ", ".join(f["field"] or "body" for f in fields)
        return error(422, "invalid_input", f"invalid request: {names}", fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        # hide_parameters keeps bound values (expected answers) out of str(exc); log the kind
        log.error("database_failed", path=request.url.path, error=type(exc).__name__)
        runtime: Runtime = request.app.state.runtime
        decision = database_failure(runtime.policy, type(exc).__name__)
        return error(
            503,
            "database_unavailable",
            "the database failed; nothing was recorded: treat as escalate and try again",
            decision=decision.decision.value,
            reasons=decision.reasons,
            policy=decision.policy,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled_error", path=request.url.path, error=type(exc).__name__)
        return error(500, "internal_error", "internal error; the request was not completed")
