"""/v1/verifications/{id}/recovery, the "this wasn't me" page, identity-provider hooks and
/v1/alerts."""

from __future__ import annotations

import hmac
import html
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import CanPreview, CanVerify, RuntimeDep
from api.errors import DeskguardError, InvalidInput
from api.recovery_bypass import BypassDetector
from api.recovery_deps import RecoveryDep, recovery_kit
from api.recovery_disputes import Disputes
from api.recovery_errors import HookNotConfigured, HookRefused
from api.recovery_schemas import AlertPublic, AlertsPublic, RecoveryCreate, RecoveryPublic
from api.runtime import Runtime
from recovery.events import OktaEventHook

router = APIRouter(tags=["recovery"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text}
    for code, text in (
        (401, "missing or unknown API key"),
        (403, "no fresh allow for this agent, action and ticket; or recovery locked"),
        (404, "not found"),
        (409, "this allow was already used"),
        (502, "the identity provider failed; nothing was reset"),
    )
}


@router.post(
    "/v1/verifications/{verification_id}/recovery",
    response_model=RecoveryPublic,
    responses=RESPONSES,
)
async def run_recovery(
    verification_id: str, body: RecoveryCreate, principal: CanVerify, service: RecoveryDep
) -> RecoveryPublic:
    """Carry out the reset an allow permits, once, at the identity provider."""
    return await service.recover(verification_id, body, actor=principal.actor)


@router.get("/v1/alerts", response_model=AlertsPublic)
def list_alerts(principal: CanPreview, runtime: RuntimeDep, limit: int = 100) -> AlertsPublic:
    """Resets that bypassed deskguard, and disputed verifications (newest first)."""
    rows = recovery_kit(runtime).store.alerts(limit=max(1, min(limit, 500)))
    return AlertsPublic(
        alerts=[
            AlertPublic(seq=r.seq, at=r.at, kind=r.kind, employee=r.employee, detail=r.detail)
            for r in rows
        ]
    )


# -- "this wasn't me" ---------------------------------------------------------------------------

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>deskguard: this wasn't me</title>
<style>body{{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}}
button{{font-size:1.1rem;padding:.6rem 1.2rem}}</style></head><body>{body}</body></html>"""


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(body=body), status_code=status)


@router.get("/v1/disputes/{token}", response_class=HTMLResponse, include_in_schema=False)
def dispute_page(token: str, runtime: RuntimeDep) -> HTMLResponse:
    """The page only: opening the link changes nothing (mail scanners open links)."""
    try:
        Disputes(runtime, recovery_kit(runtime)).pending(token)
    except DeskguardError as exc:
        return _page(f"<h1>Link not usable</h1><p>{html.escape(exc.message)}</p>", exc.status)
    return _page(
        "<h1>This wasn't me</h1><p>Someone asked the help desk to change how you sign in. If it "
        "was not you, press the button: every session is signed out, any one-time pass is "
        "cancelled, help-desk resets of your account are blocked for 24 hours and the security "
        "team is alerted.</p>"
        f'<form method="post" action="/v1/disputes/{html.escape(token)}">'
        '<button type="submit">This wasn\'t me</button></form>'
    )


@router.post("/v1/disputes/{token}", include_in_schema=False)
async def dispute_confirm(token: str, request: Request, runtime: RuntimeDep) -> Any:
    outcome = await Disputes(runtime, recovery_kit(runtime)).confirm(token)
    if "text/html" in request.headers.get("accept", ""):
        until = outcome.locked_until.strftime("%Y-%m-%d %H:%M UTC")
        return _page(
            "<h1>Thank you</h1><p>You have been signed out everywhere, help-desk resets of your "
            f"account are blocked until {until}, and the security team has been alerted. They "
            "will contact you.</p>"
        )
    return JSONResponse(outcome.model_dump(mode="json"))


# -- identity-provider hooks --------------------------------------------------------------------


def _check_okta_secret(runtime: Runtime, request: Request) -> None:
    settings = recovery_kit(runtime).settings
    secret = settings.okta_hook_secret
    if secret is None:
        raise HookNotConfigured(
            "the Okta event hook is not configured (DESKGUARD_RECOVERY__OKTA_HOOK_SECRET)"
        )
    given = request.headers.get(settings.okta_hook_header, "")
    if not hmac.compare_digest(given.encode(), secret.get_secret_value().encode()):
        raise HookRefused("wrong or missing event hook secret")


@router.get("/v1/hooks/okta")
async def okta_hook_verification(
    request: Request,
    runtime: RuntimeDep,
    challenge: Annotated[str | None, Header(alias="x-okta-verification-challenge")] = None,
) -> dict[str, str]:
    """Okta's one-time verification when the Event Hook is registered."""
    _check_okta_secret(runtime, request)
    if not challenge:
        raise InvalidInput("missing x-okta-verification-challenge header")
    return {"verification": challenge}


@router.post("/v1/hooks/okta")
async def okta_hook(hook: OktaEventHook, request: Request, runtime: RuntimeDep) -> dict[str, int]:
    """Okta Event Hook deliveries: resets with no deskguard recovery raise alerts."""
    _check_okta_secret(runtime, request)
    alerts = await BypassDetector(runtime, recovery_kit(runtime)).okta(hook)
    return {"events": len(hook.data.events), "alerts": len(alerts)}


@router.post("/v1/hooks/entra/poll")
async def entra_poll(principal: CanPreview, runtime: RuntimeDep) -> dict[str, int]:
    """Read Entra's directory audits since the last poll (run on a schedule)."""
    alerts = await BypassDetector(runtime, recovery_kit(runtime)).poll_entra()
    return {"alerts": len(alerts)}
