"""Read-only pages for the security role (verifications, their questions, grades, evidence and
versions, the latest evaluation report) and the auditor role (sources manifest, audit chain).

Each page asks for the permission its JSON API counterpart asks for, and renders the view that
API returns to the same role, so no page shows a role more than its API role can see.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, Response

from api.audit_checks import verify_log
from api.console.pages import ConsoleRoute, render
from api.console.session import AnswerReader, Auditor
from api.console.wording import action_words
from api.deps import RuntimeDep, ServiceDep
from api.schemas import VerificationDetail
from api.views import view_for
from context.manifest import manifests

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
RECENT_LIMIT = 50
AUDIT_TAIL = 50


@router.get("/security")
async def recent_verifications(
    request: Request, principal: AnswerReader, runtime: RuntimeDep
) -> Response:
    views = [view_for(principal, row) for row in runtime.db.list_verifications(RECENT_LIMIT)]
    return render(
        request,
        "security_list.html",
        principal=principal,
        views=views,
        action_words=action_words,
        report=_latest_report(request.app.state.console.eval_report),
    )


@router.get("/security/verifications/{verification_id}")
async def verification_detail(
    request: Request, verification_id: str, principal: AnswerReader, service: ServiceDep
) -> Response:
    view = view_for(principal, service.get(verification_id))
    assert isinstance(view, VerificationDetail)  # read_answers roles get the detail view
    grades = {g.id: g for g in view.grades}
    return render(
        request,
        "security_detail.html",
        principal=principal,
        view=view,
        grades=grades,
        generation=view.generation.model_dump(exclude={"llm_usage"}),
        action=action_words(view.action),
    )


@router.get("/audit")
async def audit_page(request: Request, principal: Auditor, runtime: RuntimeDep) -> Response:
    report = verify_log(runtime.audit, runtime.checkpoints)
    head = report.head.seq if report.head else 0
    rows = runtime.audit.page(after=max(0, head - AUDIT_TAIL), limit=AUDIT_TAIL)
    return render(
        request,
        "audit.html",
        principal=principal,
        intact=report.intact,
        total=report.records,
        records=list(reversed(rows)),
        manifests=manifests(runtime.connectors),
    )


def _latest_report(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return path.read_text(encoding="utf-8")
