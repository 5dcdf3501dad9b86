"""Scope controls through the service: an excluded employee's verification escalates before any
source is read, with the reason, audited; reading their context is refused; a works council's
source list narrows what is read."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from api.errors import OutOfScope
from api.service import VerificationService
from context.models import Employee
from context.scope import ScopeConfig
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for


def scoped(demo_data_dir: Path, tmp_path: Path, scope: ScopeConfig) -> Deskguard:
    settings = settings_for(demo_data_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'scope.db'}", "scope": scope}
    )
    return make_deskguard(settings, Clock())


def it_admin(demo_data_dir: Path, tmp_path: Path) -> Employee:
    probe = scoped(demo_data_dir, tmp_path, ScopeConfig())
    found = asyncio.run(probe.runtime.directory.get_employee(probe.employee("it_admin")))
    assert found is not None
    return found


def test_an_excluded_department_escalates_before_any_source_is_read(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    employee = it_admin(demo_data_dir, tmp_path)
    scope = ScopeConfig(excluded_departments=[employee.department.upper()])
    dg = scoped(demo_data_dir, tmp_path, scope)
    started = dg.start(employee.upn)
    assert started["status"] == "decided" and started["decision"] == "escalate"
    assert started["questions"] == []
    truth = dg.truth(started["id"])
    assert any("department is excluded" in r for r in truth["reasons"])
    row = dg.runtime.db.get_verification(started["id"])
    assert row is not None and row.collection.accesses == [] and row.collection.sources == []
    audit = dg.client.get("/v1/audit", headers=dg.keys["auditor"]).json()["records"]
    mine = [r for r in audit if r["verification_id"] == started["id"]]
    assert {"verification.started", "verification.decided"} <= {r["event"] for r in mine}
    decided = next(r for r in mine if r["event"] == "verification.decided")
    assert "department is excluded" in str(decided["detail"])


def test_reading_an_excluded_employees_context_is_refused(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    employee = it_admin(demo_data_dir, tmp_path)
    dg = scoped(demo_data_dir, tmp_path, ScopeConfig(excluded_employees=[employee.upn.upper()]))
    with pytest.raises(OutOfScope, match="none of their context is read"):
        asyncio.run(VerificationService(dg.runtime).collect_for(employee.upn))
    assert OutOfScope.status == 403 and OutOfScope.code == "out_of_scope"


def test_a_source_list_for_the_country_narrows_what_is_read(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = scoped(demo_data_dir, tmp_path, ScopeConfig(sources_by_country={"US": ["git"]}))
    started = dg.start(dg.employee("it_admin"))
    row = dg.runtime.db.get_verification(started["id"])
    assert row is not None and row.collection.sources == []  # the demo source is not allowed
    assert started["decision"] == "escalate"  # nothing to ask about: too little context
    other = scoped(demo_data_dir, tmp_path, ScopeConfig(sources_by_country={"DE": ["git"]}))
    row = other.runtime.db.get_verification(other.start(other.employee("it_admin"))["id"])
    assert row is not None and [s.connector for s in row.collection.sources] == ["demo"]


def test_sources_left_out_are_recorded_and_shown_only_to_review_roles(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    dg = scoped(
        demo_data_dir, tmp_path, ScopeConfig(sources_by_department={"IT Operations": ["git"]})
    )
    upn = dg.employee("it_admin")
    started = dg.start(upn)  # as the help desk
    row = dg.runtime.db.get_verification(started["id"])
    assert row is not None and row.collection.out_of_scope == ["demo"]
    assert "out_of_scope" not in json.dumps(started)
    path = f"/v1/verifications/{started['id']}"
    helpdesk = dg.client.get(path, headers=dg.keys["helpdesk"])
    assert helpdesk.status_code == 200 and "out_of_scope" not in helpdesk.text
    for role in ("security", "auditor", "admin"):
        shown = dg.client.get(path, headers=dg.keys[role]).json()
        assert shown["out_of_scope_sources"] == ["demo"], role
    report = dg.client.get(f"/v1/privacy/employees/{upn}/report", headers=dg.keys["auditor"])
    assert [v["out_of_scope_sources"] for v in report.json()["verifications"]] == [["demo"]]

    excluded = scoped(demo_data_dir, tmp_path, ScopeConfig(excluded_employees=[upn]))
    vid = excluded.start(upn)["id"]
    shown = excluded.client.get(f"/v1/verifications/{vid}", headers=excluded.keys["auditor"])
    assert shown.json()["out_of_scope_sources"] == ["demo"]  # every source: none was read

    unscoped = scoped(demo_data_dir, tmp_path, ScopeConfig())
    vid = unscoped.start(upn)["id"]
    shown = unscoped.client.get(f"/v1/verifications/{vid}", headers=unscoped.keys["security"])
    assert shown.json()["out_of_scope_sources"] == []


def test_the_console_shows_sources_left_out_to_security_only(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    from tests.console.test_pages import signed_in

    dg = scoped(
        demo_data_dir, tmp_path, ScopeConfig(sources_by_department={"IT Operations": ["git"]})
    )
    vid = dg.start(dg.employee("it_admin"))["id"]
    agent = signed_in(dg, "helpdesk").get(f"/console/verifications/{vid}")
    assert agent.status_code == 200 and "Not read (scope settings)" not in agent.text
    review = signed_in(dg, "security").get(f"/console/security/verifications/{vid}")
    assert review.status_code == 200
    assert "<dt>Not read (scope settings)</dt><dd>demo</dd>" in review.text
