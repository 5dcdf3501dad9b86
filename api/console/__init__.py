"""The help-desk console: server-rendered pages (Jinja2, local assets only) over the same
service layer as the JSON API. `install(app)` adds the pages, the static files and the signed
session cookie, all under /console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.console import agent, idp_sign_in, review
from api.console.config import ConsoleSettings
from api.console.idp_sign_in import IdPSignIn
from api.console.pages import HERE
from api.console.session import SESSION_COOKIE, session_secret
from api.oidc import OIDCVerifier
from api.runtime import Runtime

CONSOLE_PATH = "/console"


@dataclass(frozen=True)
class ConsoleState:
    settings: ConsoleSettings
    company: str
    session_max_age: timedelta
    eval_report: Path | None
    secure_cookies: bool = False
    idp: IdPSignIn | None = None  # "Sign in with <IdP>", when DESKGUARD_OIDC__CLIENT_ID is set


def install(app: FastAPI, runtime: Runtime, settings: ConsoleSettings | None = None) -> None:
    settings = settings or ConsoleSettings()
    secure = settings.secure_cookies
    if secure is None:
        secure = runtime.settings.environment == "production"
    max_age = timedelta(hours=settings.session_hours)
    secret = session_secret(
        runtime.settings.data_dir,
        settings.session_secret.get_secret_value() if settings.session_secret else None,
    )
    app.state.console = ConsoleState(
        settings=settings,
        company=runtime.company_name,
        session_max_age=max_age,
        eval_report=settings.eval_report or runtime.settings.data_dir / "eval-report" / "report.md",
        secure_cookies=secure,
        idp=_idp(runtime, secret),
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(max_age.total_seconds()),
        path=CONSOLE_PATH,
        same_site="strict",
        https_only=secure,
    )
    app.mount(f"{CONSOLE_PATH}/static", StaticFiles(directory=HERE / "static"), name="console")
    app.include_router(agent.router)
    app.include_router(idp_sign_in.router)
    app.include_router(review.router)


def _idp(runtime: Runtime, secret: str) -> IdPSignIn | None:
    """The IdP sign-in, validating with the API's verifier when there is one (one JWKS cache)."""
    oidc = runtime.settings.oidc
    if not oidc.console_configured:
        return None
    return IdPSignIn(oidc, runtime.oidc or OIDCVerifier(oidc), secret)
