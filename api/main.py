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
from prometheus_client import Counter
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.console import install as install_console
from api.errors import DeskguardError
from api.routes import audit, grants, ops, recovery, signals, verifications
from api.runtime import Runtime
from api.ticketing import retry_forever

log = structlog.get_logger(__name__)
MAX_BODY_BYTES = 64 * 1024
ERRORS = Counter("deskguard_http_errors_total", "Error responses by code", ["code"])


def error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    ERRORS.labels(code=code).inc()
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Background work while serving: delivering ticket notes that could not be written."""
    runtime: Runtime = app.state.runtime
    task = None
    if runtime.tickets.adapters:
        every = runtime.settings.tickets.retry_every_seconds
        task = asyncio.create_task(retry_forever(runtime.tickets, runtime.clock, every))
    yield
    if task is not None:
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
    app.include_router(signals.router)
    install_console(app, runtime)
    _install_error_handlers(app)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return error(
                413, "payload_too_large", f"request bodies are limited to {MAX_BODY_BYTES} bytes"
            )
        return await call_next(request)

    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DeskguardError)
    async def domain_error(request: Request, exc: DeskguardError) -> JSONResponse:
        return error(exc.status, exc.code, exc.message)

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

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled_error", path=request.url.path, error=type(exc).__name__)
        return error(500, "internal_error", "internal error; the request was not completed")
