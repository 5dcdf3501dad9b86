"""The help-desk agent's pages: sign in, start (search, action, ticket), ask, decide.

Every step calls VerificationService, as the JSON API does, and renders the help-desk view the
API returns (`public_view`, agent-blind; every role may see at least that): no expected answer,
score or verdict reaches these pages, whoever is signed in.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.auth import Permission
from api.console.pages import ConsoleRoute, render, see_other
from api.console.search import search_employees
from api.console.session import (
    Csrf,
    SignedIn,
    StatusReader,
    Verifier,
    end_session,
    home_for,
    sign_in_with_key,
)
from api.console.wording import action_words, outcome, ticket_line
from api.deps import RuntimeDep, ServiceDep
from api.errors import InvalidInput
from api.grants import GrantClaims, GrantExpired
from api.runtime import Runtime
from api.schemas import AnswerIn, AnswersSubmit, TicketRef, VerificationCreate
from api.views import public_view

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
DONT_KNOW = "I don't know"  # what the grader hears when the agent presses "caller doesn't know"


@router.get("")
async def home(principal: SignedIn) -> Response:
    return see_other(home_for(principal))


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    return render(request, "sign_in.html")


@router.post("/sign-in")
async def sign_in(
    request: Request, runtime: RuntimeDep, _: Csrf, key: Annotated[str, Form()] = ""
) -> Response:
    if not key.strip():
        return render(request, "sign_in.html", status=422, message="paste your API key")
    return see_other(home_for(sign_in_with_key(request, runtime, key)))


@router.post("/sign-out")
async def sign_out(request: Request, _: Csrf) -> Response:
    end_session(request)
    return render(request, "sign_in.html", message="you are signed out")


@router.get("/start")
async def start_page(
    request: Request,
    principal: Verifier,
    runtime: RuntimeDep,
    q: str = "",
    employee: str = "",
    ticket: str = "",
) -> Response:
    """Search, then the start form; `?employee=UPN&ticket=ID` (a link from the ticketing
    system) opens the form filled in."""
    matches = await search_employees(runtime.directory, q) if q.strip() else []
    chosen = await runtime.directory.get_employee(employee.strip().lower()) if employee else None
    return render(
        request,
        "start.html",
        principal=principal,
        q=q,
        matches=matches,
        chosen=chosen,
        ticket=ticket[:100],
        actions=[(a, action_words(a)) for a in sorted(runtime.policy.actions)],
    )


@router.post("/verifications")
async def start_verification(
    principal: Verifier,
    service: ServiceDep,
    _: Csrf,
    employee: Annotated[str, Form()],
    action: Annotated[str, Form()],
    ticket_id: Annotated[str, Form()] = "",
    ticket_system: Annotated[str, Form()] = "console",
) -> Response:
    ticket = TicketRef(system=ticket_system.strip(), id=ticket_id.strip()) if ticket_id else None
    body = VerificationCreate(employee=employee, action=action, ticket=ticket)
    row = await service.start(body, actor=principal.actor)
    return see_other(f"/console/verifications/{row.id}")


@router.get("/verifications/{verification_id}")
async def verification_page(
    request: Request, verification_id: str, principal: StatusReader, service: ServiceDep
) -> Response:
    view = public_view(service.get(verification_id))
    console = request.app.state.console
    if view.status == "decided":
        grant, grant_expired = read_grant(service.rt, view.receipt)
        return render(
            request,
            "decide.html",
            principal=principal,
            view=view,
            action=action_words(view.action),
            outcome=outcome(view, console.settings.transfer_to),
            ticket_line=ticket_line(view, grant),
            grant=grant,
            grant_expired=grant_expired,
        )
    # Rounded up: the page's countdown never reaches zero before the server's expiry does.
    left = math.ceil((view.expires_at - service.rt.clock()).total_seconds())
    if left <= 0:
        return render(request, "expired.html", status=410, principal=principal, view=view)
    return render(
        request,
        "ask.html",
        principal=principal,
        view=view,
        action=action_words(view.action),
        seconds_left=left,
        can_answer=principal.can(Permission.VERIFY),
    )


@router.post("/verifications/{verification_id}/answers")
async def submit_answers(
    request: Request, verification_id: str, principal: Verifier, service: ServiceDep, _: Csrf
) -> Response:
    form = await request.form()
    view = public_view(service.get(verification_id))
    answers = []
    for question in view.questions:
        said = form.get(f"answer-{question.id}")
        text = said.strip() if isinstance(said, str) else ""
        if form.get(f"dontknow-{question.id}") == "1" or not text:
            text = DONT_KNOW
        answers.append(AnswerIn(question_id=question.id, response=text))
    if not answers:
        raise InvalidInput("this verification has no questions to answer")
    await service.submit(verification_id, AnswersSubmit(answers=answers), actor=principal.actor)
    return see_other(f"/console/verifications/{verification_id}")


def read_grant(runtime: Runtime, token: str | None) -> tuple[GrantClaims | None, bool]:
    """The decision's grant, checked as anyone would check it; (None, True) once expired."""
    if not token:
        return None, False
    try:
        return runtime.grants.verify(token), False
    except GrantExpired:
        return None, True
