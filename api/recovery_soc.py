"""The SOC webhook: a JSON POST per security event (dispute, bypass). A failure is audited and
never undoes what deskguard already did."""

from __future__ import annotations

from typing import Any

import httpx

from api.audit import AuditLog


async def tell_soc(
    audit: AuditLog,
    url: str | None,
    event: str,
    payload: dict[str, Any],
    *,
    verification_id: str | None,
) -> bool:
    if not url:
        return False
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            response = await http.post(url, json={"event": event, **payload})
        ok = response.status_code < 300
        problem = None if ok else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        ok, problem = False, type(exc).__name__
    if not ok:
        audit.append(
            actor="deskguard",
            event="soc_webhook.failed",
            verification_id=verification_id,
            detail={"event": event, "problem": problem},
        )
    return ok
