"""Health and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import RuntimeDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def health(runtime: RuntimeDep) -> dict[str, Any]:
    return {
        "status": "ok",
        "connectors": [c.name for c in runtime.connectors],
        "engine": runtime.engine.name,
        "policy": runtime.policy.id,
    }


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
