"""Health and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api import readiness
from api.deps import RuntimeDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def health(runtime: RuntimeDep) -> dict[str, Any]:
    """Liveness: the process answers. Whether it can serve is /readyz."""
    return {
        "status": "ok",
        "connectors": [c.name for c in runtime.connectors],
        "engine": runtime.engine.name,
        "policy": runtime.policy.id,
    }


@router.get(
    "/readyz",
    response_model=readiness.Readiness,
    responses={503: {"description": "not ready: the error names the failing checks"}},
)
async def ready(runtime: RuntimeDep) -> Any:
    """Readiness: database (reachable, schema at head), directory and key material."""
    result = await readiness.check(runtime)
    if result.ready:
        return result
    failing = ", ".join(f"{name}: {why}" for name, why in result.checks.items() if why != "ok")
    return JSONResponse(
        {"error": {"code": "not_ready", "message": failing, "checks": result.checks}},
        status_code=503,
    )


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
