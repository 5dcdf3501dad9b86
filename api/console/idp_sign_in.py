"""The console's IdP sign-in routes: the button's target (`/console/oidc/start`: a fresh
transaction, then a redirect to the IdP's authorization endpoint) and the callback
(`/console/oidc/callback`: state checked, code exchanged, ID token validated, the principal
mapped, the session started with method "oidc"). Any failure is a page in words and signs
nobody in; it is logged (and counted per client address) as a failed key sign-in is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import Principal, principal_for
from api.console.idp_flow import (
    FLOW_COOKIE,
    FLOW_PATH,
    FLOW_SECONDS,
    FlowSealer,
    IdPUnavailable,
    SignInRefused,
    Transaction,
    authorization_url,
    exchange_code,
    safe_error_code,
)
from api.console.pages import ConsoleRoute, render, see_other
from api.console.session import home_for, start_session
from api.deps import failed_authentication
from api.errors import DeskguardError, Forbidden, NotFound, Unauthorized
from api.oidc import IssuerUnreachable, OIDCVerifier
from api.settings import OIDCSettings

router = APIRouter(prefix=FLOW_PATH, route_class=ConsoleRoute, include_in_schema=False)
IDP_ERRORS = {  # what an agent can do about the IdP's own error codes
    "access_denied": "the sign-in was cancelled, or your account may not use deskguard",
    "login_required": "you are not signed in at the identity provider",
    "consent_required": "deskguard has not been approved for your account",
}


class IdPSignIn:
    """What the routes need: the settings, the one verifier, and the transaction's sealer."""

    def __init__(self, settings: OIDCSettings, verifier: OIDCVerifier, secret: str) -> None:
        self.settings, self.verifier, self.sealer = settings, verifier, FlowSealer(secret)

    @property
    def name(self) -> str:
        return self.settings.display_name

    def redirect_uri(self, request: Request) -> str:
        """The configured one (behind a proxy, what the IdP has registered), else this server's
        own callback URL as the browser reached it."""
        return self.settings.redirect_uri or str(request.url_for("console_oidc_callback"))


def _flow(request: Request) -> IdPSignIn:
    flow: IdPSignIn | None = request.app.state.console.idp
    if flow is None:
        raise NotFound("sign-in with the identity provider is not configured; use your API key")
    return flow


@router.get("/start")
def start(request: Request) -> Response:
    """Runs in a thread (FastAPI does that for a plain def): the discovery read is blocking."""
    try:
        flow = _flow(request)
        tx = Transaction.new()
        url = authorization_url(
            flow.verifier.metadata(), flow.settings, tx, flow.redirect_uri(request)
        )
    except (DeskguardError, IssuerUnreachable) as exc:
        return _failed(request, exc, count=False)
    response = see_other(url)
    _set_flow_cookie(request, response, flow.sealer.seal(tx))
    return response


@router.get("/callback", name="console_oidc_callback")
def callback(
    request: Request,
    code: Annotated[str | None, Query(max_length=4096)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    try:
        flow = _flow(request)
        tx = flow.sealer.open(request.cookies.get(FLOW_COOKIE))
        principal = _signed_in(request, flow, tx, code=code, state=state, error=error)
    except (DeskguardError, IssuerUnreachable) as exc:
        response = _failed(request, exc, count=not isinstance(exc, IdPUnavailable | NotFound))
    else:
        start_session(request, principal, method="oidc")
        # A page, not a redirect: the navigation came from the IdP's site, and a browser sends
        # the SameSite=Strict session cookie only on a navigation this site starts (the page's
        # link and refresh), so a redirect would land on the sign-in page.
        response = render(
            request, "signed_in.html", principal=principal, next_url=home_for(principal)
        )
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response


def _signed_in(
    request: Request,
    flow: IdPSignIn,
    tx: Transaction | None,
    *,
    code: str | None,
    state: str | None,
    error: str | None,
) -> Principal:
    if tx is None:
        raise SignInRefused(
            "this sign-in was not started in this browser, or took longer than "
            f"{FLOW_SECONDS // 60} minutes; start it again"
        )
    if not tx.matches(state):
        raise SignInRefused(
            "the identity provider's answer does not belong to this sign-in (state)"
        )
    if error is not None:
        shown = safe_error_code(error) or "an error"
        raise SignInRefused(
            f"{IDP_ERRORS.get(shown, 'the identity provider refused the sign-in')} ({shown})"
        )
    if not code:
        raise SignInRefused("the identity provider's answer carries no authorization code")
    settings = flow.settings
    metadata = flow.verifier.metadata()
    token = exchange_code(
        metadata, settings, code=code, verifier=tx.verifier, redirect_uri=flow.redirect_uri(request)
    )
    try:
        identity = flow.verifier.verify_id_token(
            token, audience=str(settings.client_id), nonce=tx.nonce
        )
    except IssuerUnreachable:
        raise
    except Unauthorized as exc:
        raise SignInRefused(
            f"the identity provider's ID token was refused ({exc.message})"
        ) from None
    return principal_for(identity)


def _failed(request: Request, exc: Exception, *, count: bool) -> Response:
    """The page in words; logged as a failed authentication (and, for a refused answer rather
    than an IdP outage, counted against this address as a bad key is)."""
    status, code, message = _described(exc)
    failed_authentication(request, reason=f"oidc_{code}", detail=message, presented=count)
    title = "The identity provider could not be reached" if status == 503 else "Sign-in failed"
    return render(request, "sign_in_failed.html", status=status, title=title, message=message)


def _described(exc: Exception) -> tuple[int, str, str]:
    if isinstance(exc, IssuerUnreachable):
        return 503, "idp_unavailable", f"{exc.message}; try again, or sign in with your API key"
    if isinstance(exc, IdPUnavailable):
        return 503, exc.code, f"{exc.message}; try again, or sign in with your API key"
    if isinstance(exc, Forbidden):
        return (
            403,
            "no_role",
            (
                "you signed in, but your account carries no deskguard role; ask for one "
                "in the identity provider"
            ),
        )
    assert isinstance(exc, DeskguardError)
    return exc.status, exc.code, exc.message


def _set_flow_cookie(request: Request, response: Response, value: str) -> None:
    console = request.app.state.console
    response.set_cookie(
        FLOW_COOKIE,
        value,
        max_age=FLOW_SECONDS,
        path=FLOW_PATH,
        httponly=True,
        samesite="lax",  # sent on the IdP's top-level redirect back; never on a cross-site POST
        secure=console.secure_cookies,
    )
