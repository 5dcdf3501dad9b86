"""Health, metrics and the audit chain."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api import audit
from api.deps import PrincipalDep, RuntimeDep

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


@router.get("/v1/audit")
async def read_audit(
    principal: PrincipalDep, runtime: RuntimeDep, verification_id: str | None = None
) -> dict[str, Any]:
    """The audit chain (optionally for one verification) and whether it is intact."""
    principal.require("audit")
    rows = audit.records(runtime.db, verification_id)
    return {
        "intact": audit.verify_chain(runtime.db),
        "records": [
            {
                "seq": r.seq,
                "at": r.at,
                "actor": r.actor,
                "event": r.event,
                "verification_id": r.verification_id,
                "detail": r.detail,
                "hash": r.hash,
            }
            for r in rows
        ],
    }
