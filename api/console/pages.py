"""Rendering: Jinja2 templates from the package, strict security headers, and errors as pages
in words (never JSON, never a stack trace) for every console route."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import structlog
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api.console.session import NotSignedIn, csrf_token
from api.errors import DeskguardError

log = structlog.get_logger(__name__)
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
HEADERS = {
    # Only our own files: no inline script, no third party, no framing.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
TITLES = {
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    409: "Already answered",
    410: "This verification expired",
    422: "Please check what you entered",
}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    console = request.app.state.console
    context.setdefault("principal", None)
    context.setdefault("idp", console.idp.name if console.idp else None)
    response = templates.TemplateResponse(
        request,
        template,
        {"csrf": csrf_token(request), "company": console.company, **context},
        status_code=status,
        headers=HEADERS,
    )
    return response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    title = TITLES.get(status, "Something went wrong")
    return render(request, "error.html", status=status, title=title, message=message)


def _invalid(errors: Sequence[Any]) -> str:
    """Field names and problems, in words (pydantic's messages name the rule broken)."""
    parts = []
    for e in errors:
        field = ".".join(str(p) for p in e["loc"] if p not in {"body", "query", "form"})
        parts.append(f"{field.replace('_', ' ') or 'the form'}: {e['msg']}")
    return "please check " + "; ".join(parts)


class ConsoleRoute(APIRoute):
    """Every console route: a page in words for every failure."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except NotSignedIn as exc:
                return render(request, "sign_in.html", status=401, message=exc.message)
            except DeskguardError as exc:
                return error_page(request, exc.status, exc.message)
            except (RequestValidationError, ValidationError) as exc:
                return error_page(request, 422, _invalid(exc.errors()))
            except Exception as exc:  # logged by type only; the page says what to do
                log.error("console_error", path=request.url.path, error=type(exc).__name__)
                return error_page(
                    request,
                    500,
                    "something went wrong and nothing was changed; try again, "
                    "and if it happens again tell the deskguard administrators",
                )

        return guarded
