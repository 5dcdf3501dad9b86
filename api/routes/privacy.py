"""/v1/privacy: the per-employee access report (GDPR Art. 15), for auditor and admin roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import CanAudit, RuntimeDep
from api.privacy_report import EmployeeReport, build_report

router = APIRouter(prefix="/v1/privacy", tags=["privacy"])
Upn = Annotated[str, Path(min_length=3, max_length=320, pattern=r"^[^@\s/]+@[^@\s/]+$")]


@router.get("/employees/{upn}/report", response_model=EmployeeReport)
def employee_report(upn: Upn, principal: CanAudit, runtime: RuntimeDep) -> EmployeeReport:
    """Every read of the employee's context and every verification (when, by whom, why, which
    sources and fields, model calls) and what is still kept. The request is audited."""
    return build_report(
        runtime.audit,
        upn,
        actor=principal.actor,
        retention_hours=runtime.settings.privacy.retention_hours,
    )
