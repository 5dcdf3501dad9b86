"""Recovery with DESKGUARD_RECOVERY__PROVIDER=entra: the TAP is shown once and never stored, and
the directory-audit poll flags an admin reset that no deskguard grant explains."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from api.recovery_settings import NotifySettings, RecoverySettings
from context.config import GraphConfig
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.api.test_recovery import ADMIN_ROLE, decide, recover
from tests.fakes.entra_server import TOKEN, FakeEntra


@pytest.fixture
def entra() -> Iterator[FakeEntra]:
    fake = FakeEntra()
    fake.server.start()
    yield fake
    fake.server.stop()


@pytest.fixture
def edg(demo_data_dir: Path, tmp_path: Path, entra: FakeEntra) -> Iterator[Deskguard]:
    recovery = RecoverySettings(
        provider="entra",
        entra=GraphConfig(base_url=entra.base_url, access_token=TOKEN, timeout_seconds=5),
        notify=NotifySettings(channels=["outbox"]),
    )  # type: ignore[arg-type]
    settings = settings_for(demo_data_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'test.db'}", "recovery": recovery}
    )
    dg = make_deskguard(settings, Clock())
    entra.add_user(dg.employee(ADMIN_ROLE))
    yield dg


def audit_record(upn: str, at: str, activity: str, actor: str) -> dict:
    """A directoryAudit as GET /auditLogs/directoryAudits returns it."""
    return {
        "id": f"Directory_{uuid.uuid4()}",
        "category": "UserManagement",
        "correlationId": str(uuid.uuid4()),
        "result": "success",
        "resultReason": "",
        "activityDisplayName": activity,
        "activityDateTime": at,
        "loggedByService": "Authentication Methods",
        "operationType": "Add",
        "initiatedBy": {
            "app": None,
            "user": {
                "id": str(uuid.uuid4()),
                "displayName": None,
                "userPrincipalName": actor,
                "ipAddress": "203.0.113.7",
            },
        },
        "targetResources": [
            {
                "id": str(uuid.uuid4()),
                "displayName": None,
                "type": "User",
                "userPrincipalName": upn,
                "groupType": None,
                "modifiedProperties": [],
            }
        ],
        "additionalDetails": [],
    }


def test_the_tap_is_shown_once_and_never_stored(edg: Deskguard, entra: FakeEntra) -> None:
    decided = decide(edg)
    body = recover(edg, decided["id"]).json()
    assert body["operation"] == "temporary_access_pass"
    tap = body["one_time_secret"]
    (stored,) = next(iter(entra.taps.values())).values()
    assert tap["kind"] == "temporary_access_pass" and tap["value"] == stored["temporaryAccessPass"]
    assert stored["isUsableOnce"] is True
    # Not in the audit chain, not in the recovery record, not in the verification.
    audit = edg.client.get("/v1/audit", headers=edg.keys["auditor"]).text
    assert tap["value"] not in audit
    record = edg.runtime.recovery.store.recovery_for(decided["id"])
    assert record is not None and tap["value"] not in str(record.result)
    assert record.undo["tap_method_id"] == stored["id"]
    assert (
        tap["value"]
        not in edg.client.get(
            f"/v1/verifications/{decided['id']}", headers=edg.keys["security"]
        ).text
    )


def test_entra_audit_poll_flags_a_reset_without_grant(edg: Deskguard, entra: FakeEntra) -> None:
    upn = edg.employee(ADMIN_ROLE)
    decided = decide(edg)
    assert recover(edg, decided["id"]).status_code == 200
    when = edg.clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (edg.clock.now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    tap = "Admin registered temporary access pass method for user"
    entra.audits += [
        audit_record(upn, when, tap, "deskguard-recovery@corp.example"),  # deskguard's own
        audit_record(upn, later, "Reset user password", "rogue.admin@corp.example"),  # bypass
    ]
    edg.clock.advance(3 * 3600)
    response = edg.client.post("/v1/hooks/entra/poll", headers=edg.keys["security"])
    assert response.status_code == 200 and response.json() == {"alerts": 1}
    (alert,) = edg.client.get("/v1/alerts", headers=edg.keys["security"]).json()["alerts"]
    assert alert["kind"] == "bypass" and alert["detail"]["actor"] == "rogue.admin@corp.example"
    assert alert["detail"]["action"] == "password_reset"
    query = next(r for r in entra.server.requests if r.path.endswith("directoryAudits")).query
    assert "Reset user password" in query["$filter"][0]
    # The cursor moved: the next poll reads from the last event on and raises nothing new.
    assert edg.client.post("/v1/hooks/entra/poll", headers=edg.keys["security"]).json() == {
        "alerts": 0
    }
    assert edg.client.post("/v1/hooks/entra/poll", headers=edg.keys["helpdesk"]).status_code == 403


def test_poll_entra_command(edg: Deskguard, entra: FakeEntra, monkeypatch) -> None:
    from typer.testing import CliRunner

    from api.cli import app, recovery_cmd

    upn = edg.employee(ADMIN_ROLE)
    at = edg.clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    entra.audits.append(audit_record(upn, at, "Reset user password", "rogue.admin@corp.example"))
    monkeypatch.setattr(recovery_cmd, "runtime", lambda: edg.runtime)
    result = CliRunner().invoke(app, ["recovery", "poll-entra"])
    assert result.exit_code == 0, result.output
    assert '"actor": "rogue.admin@corp.example"' in result.output
