"""The per-employee access report (GDPR Art. 15): every read and verification, by whom, why,
which sources and fields, model calls, and what is still kept; auditor and admin only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from api.access_log import Access, record_read
from api.retention import purge
from api.service import VerificationService
from tests.api.conftest import Deskguard
from tests.api.test_verifications import genuine_answers


def _report(dg: Deskguard, upn: str, role: str = "auditor") -> dict:
    response = dg.client.get(f"/v1/privacy/employees/{upn}/report", headers=dg.keys[role])
    assert response.status_code == 200, response.text
    return response.json()


def test_the_report_lists_every_read_and_verification_and_what_is_kept(dg: Deskguard) -> None:
    upn = dg.employee("it_admin")
    vid = dg.start(upn, ticket={"system": "jsm", "id": "HD-31"})["id"]
    answers = {"answers": genuine_answers(dg.truth(vid))}
    dg.client.post(f"/v1/verifications/{vid}/answers", json=answers, headers=dg.keys["helpdesk"])
    _, collection = asyncio.run(VerificationService(dg.runtime).collect_for(upn))
    access = Access(actor="cli:secops", purpose="HD-31 caller disputes the calendar")
    record_read(
        dg.runtime.audit, access, collection, command="context pull", shown="items", model_calls=0
    )

    report = _report(dg, upn)

    assert report["employee"] == upn and report["reference"]
    by_event = {a["event"]: a for a in report["accesses"]}
    started, decided = by_event["verification.started"], by_event["verification.decided"]
    read = by_event["context.read"]
    assert started["event"] == "verification.started" and started["verification_id"] == vid
    assert started["actor"].startswith("unnamed [")  # the helpdesk key's holder and id
    assert started["purpose"] == "verification for password_reset on jsm:HD-31"
    assert started["sources"] == ["demo"] and started["fields"] and started["model_calls"] == 0
    assert decided["event"] == "verification.decided" and decided["model_calls"] == 0
    assert read["event"] == "context.read" and read["actor"] == "cli:secops"
    assert read["purpose"] == "HD-31 caller disputes the calendar"
    (verification,) = report["verifications"]
    assert verification["id"] == vid and verification["decision"] == "allow"
    assert verification["model"] == {"calls": 0, "engine": "template", "prompt": None}
    assert verification["kept"] == "full" and verification["content_due_for_deletion"]
    assert report["kept"]["verifications_full"] == 1 and report["kept"]["key"] is True
    again = _report(dg, upn, role="admin")  # the first report request is itself recorded
    assert again["accesses"][-1]["event"] == "privacy.reported"

    dg.clock.advance(timedelta(hours=25).total_seconds())
    purge(dg.runtime.audit, retention_hours=24)
    after = _report(dg, upn)
    assert after["verifications"][0]["kept"] == "purged"
    assert after["verifications"][0]["content_deleted_at"]
    assert after["kept"] | {"audit_records": 0} == report["kept"] | {
        "audit_records": 0,
        "verifications_full": 0,
        "verifications_purged": 1,
    }


def test_only_auditors_and_admins_read_reports_and_bad_input_is_a_json_error(
    dg: Deskguard,
) -> None:
    upn = dg.employee("it_admin")
    for role in ("helpdesk", "security"):
        refused = dg.client.get(f"/v1/privacy/employees/{upn}/report", headers=dg.keys[role])
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    bad = dg.client.get("/v1/privacy/employees/not-an-upn/report", headers=dg.keys["auditor"])
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    nobody = _report(dg, "nobody@larkspurgoods.example")
    assert nobody["reference"] is None and nobody["accesses"] == []
    assert nobody["verifications"] == [] and nobody["kept"]["key"] is False
