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

from api.console import agent, review
from api.console.config import ConsoleSettings
from api.console.pages import HERE
from api.console.session import SESSION_COOKIE, session_secret
from api.runtime import Runtime

CONSOLE_PATH = "/console"


@dataclass(frozen=True)
class ConsoleState:
    settings: ConsoleSettings
    company: str
    session_max_age: timedelta
    eval_report: Path | None


def install(app: FastAPI, runtime: Runtime, settings: ConsoleSettings | None = None) -> None:
    settings = settings or ConsoleSettings()
    secure = settings.secure_cookies
    if secure is None:
        secure = runtime.settings.environment == "production"
    max_age = timedelta(hours=settings.session_hours)
    app.state.console = ConsoleState(
        settings=settings,
        company=runtime.company_name,
        session_max_age=max_age,
        eval_report=settings.eval_report or runtime.settings.data_dir / "eval-report" / "report.md",
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(
            runtime.settings.data_dir,
            settings.session_secret.get_secret_value() if settings.session_secret else None,
        ),
        session_cookie=SESSION_COOKIE,
        max_age=int(max_age.total_seconds()),
        path=CONSOLE_PATH,
        same_site="strict",
        https_only=secure,
    )
    app.mount(f"{CONSOLE_PATH}/static", StaticFiles(directory=HERE / "static"), name="console")
    app.include_router(agent.router)
    app.include_router(review.router)
