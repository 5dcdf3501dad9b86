"""The audit log against a hostile database administrator: each tamper is detected by
`deskguard audit verify` and, for stored verifications, when the verification is read."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from api.audit import GENESIS, canonical
from api.audit_checks import verify_log
from api.runtime import build_trust
from api.settings import Settings
from api.storage import AuditCheckpointRow, AuditRow, Database, VerificationRow
from grading.models import DecisionOutcome
from tests.api.conftest import Deskguard
from tests.api.test_demo_and_cli import run_cli
from tests.api.test_verifications import ADMIN_ROLE, genuine_answers


def decided(dg: Deskguard, *, right: bool = True) -> str:
    started = dg.start(dg.employee(ADMIN_ROLE), signal={"score": 0.1})
    answers = genuine_answers(dg.truth(started["id"]))
    if not right:
        answers = [{"question_id": a["question_id"], "response": "no idea"} for a in answers]
    response = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": answers},
        headers=dg.keys["helpdesk"],
    )
    assert response.status_code == 200, response.text
    return str(started["id"])


def report(dg: Deskguard, exported: str | None = None) -> dict:
    rt = dg.runtime
    return verify_log(rt.audit, rt.checkpoints, exported=exported).model_dump()


def read(dg: Deskguard, vid: str, role: str = "helpdesk"):
    return dg.client.get(f"/v1/verifications/{vid}", headers=dg.keys[role])


def sql(dg: Deskguard, statement) -> None:
    with dg.runtime.db.session() as session, session.begin():
        session.execute(statement)


def test_an_untouched_log_verifies_and_its_key_is_not_in_the_database(dg: Deskguard) -> None:
    decided(dg)
    result = report(dg)
    assert result["intact"] and result["problems"] == []
    assert result["records"] == 2 and result["verifications_checked"] == 1
    key_file = dg.settings.data_dir / "audit.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    with dg.runtime.db.session() as session:
        rows = list(session.scalars(select(AuditRow)))
    key = key_file.read_text().strip()
    assert not any(key in json.dumps(r.detail) for r in rows)


def test_deleting_the_newest_records_is_detected_against_a_checkpoint(dg: Deskguard) -> None:
    vid = decided(dg)
    exported = dg.runtime.checkpoints.create(dg.runtime.audit)
    assert exported is not None
    sql(dg, delete(AuditRow).where(AuditRow.seq == 2))  # the decision record
    sql(dg, delete(AuditCheckpointRow))  # and the checkpoints an admin can see
    result = report(dg, exported)
    assert not result["intact"]
    assert any("records 2..2 were deleted" in p for p in result["problems"]), result
    response = read(dg, vid)
    assert response.status_code == 500 and response.json()["error"]["code"] == "integrity_error"


def test_an_edited_row_with_a_recomputed_unkeyed_chain_is_detected(dg: Deskguard) -> None:
    vid = decided(dg)
    with dg.runtime.db.session() as session, session.begin():
        prev = GENESIS
        for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
            if row.event == "verification.decided":
                row.detail = {**row.detail, "decision": "allow", "reasons": ["ok"]}
            fields = [row.seq, prev, row.at.isoformat(), row.actor, row.event,
                      row.verification_id, row.detail]  # fmt: skip
            row.prev_hash, row.hash = prev, hashlib.sha256(canonical(fields)).hexdigest()
            prev = row.hash
    result = report(dg)
    assert not result["intact"]
    altered = [p for p in result["problems"] if "was altered" in p]
    assert any(p.startswith("record 1 ") for p in altered) and len(altered) == 3, altered
    assert read(dg, vid).json()["error"]["code"] == "integrity_error"  # nor served on read


def test_a_stored_deny_edited_to_allow_is_never_served(dg: Deskguard) -> None:
    vid = decided(dg, right=False)
    assert read(dg, vid).json()["decision"] == "deny"
    with dg.runtime.db.session() as session, session.begin():
        row = session.get(VerificationRow, vid)
        assert row is not None and row.decision is not None
        forged = {"decision": DecisionOutcome.ALLOW, "agent_reasons": ["all met"]}
        row.decision = row.decision.model_copy(update=forged)
    for role in ("helpdesk", "auditor"):
        response = read(dg, vid, role)
        assert response.status_code == 500, response.text
        assert response.json()["error"]["code"] == "integrity_error"
        assert "allow" not in response.text
    assert any(vid in p and "changed" in p for p in report(dg)["problems"])


def test_replaced_expected_answers_of_a_pending_verification_are_refused(dg: Deskguard) -> None:
    started = dg.start(dg.employee(ADMIN_ROLE), signal={"score": 0.1})
    vid = started["id"]
    with dg.runtime.db.session() as session, session.begin():
        row = session.get(VerificationRow, vid)
        assert row is not None
        forged_q = {"expected": "attacker knows this"}
        row.questions = [q.model_copy(update=forged_q) for q in row.questions]
    forged = [{"question_id": q["id"], "response": "attacker knows this"}
              for q in started["questions"]]  # fmt: skip
    response = dg.client.post(
        f"/v1/verifications/{vid}/answers", json={"answers": forged}, headers=dg.keys["helpdesk"]
    )
    assert response.status_code == 500 and response.json()["error"]["code"] == "integrity_error"
    assert read(dg, vid).status_code == 500
    assert any(vid in p for p in report(dg)["problems"])


def test_a_deleted_middle_record_breaks_the_chain(dg: Deskguard) -> None:
    decided(dg)
    decided(dg)
    sql(dg, delete(AuditRow).where(AuditRow.seq == 2))
    problems = report(dg)["problems"]
    assert any("records 2..2 are missing" in p for p in problems)
    assert any("does not link" in p for p in problems)


def test_checkpoints_are_written_periodically_and_signed(dg: Deskguard) -> None:
    dg.runtime.checkpoints.every = 2
    decided(dg)
    decided(dg)
    with dg.runtime.db.session() as session:
        seqs = list(session.scalars(select(AuditCheckpointRow.seq)))
    assert seqs == [2, 4]
    sql(dg, update(AuditCheckpointRow).where(AuditCheckpointRow.seq == 4).values(token="x.y.z"))
    assert any("not an authentic" in p for p in report(dg)["problems"])


def test_audit_verify_and_checkpoint_cli(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    log = build_trust(settings, lambda: datetime.now(UTC)).audit(
        Database(settings.sqlalchemy_url).upgrade(), lambda: datetime.now(UTC)
    )
    for n in range(3):
        log.append(actor="t", event="test", verification_id=None, detail={"n": n})
    out = tmp_path / "checkpoint.json"
    made = run_cli(tmp_path, "audit", "checkpoint", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert json.loads(out.read_text())["seq"] == 3
    ok = run_cli(tmp_path, "audit", "verify", "--checkpoint", str(out))
    assert ok.returncode == 0 and json.loads(ok.stdout)["intact"] is True, ok.stdout
    with log.db.session() as session, session.begin():
        session.execute(delete(AuditRow).where(AuditRow.seq == 3))
        session.execute(delete(AuditCheckpointRow))
    assert run_cli(tmp_path, "audit", "verify").returncode == 0  # nothing left to compare with
    tampered = run_cli(tmp_path, "audit", "verify", "--checkpoint", str(out))
    assert tampered.returncode == 1
    report = json.loads(tampered.stdout)
    assert report["intact"] is False and report["head"]["seq"] == 2
    assert any("records 3..3 were deleted" in p for p in report["problems"])
    missing = run_cli(tmp_path, "audit", "verify", "--checkpoint", str(tmp_path / "nope"))
    assert (
        missing.returncode == 2 and json.loads(missing.stderr)["error"]["code"] == "invalid_input"
    )


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_audit_pages_with_a_cursor_and_filters(dg: Deskguard, role: str) -> None:
    first = decided(dg)
    dg.clock.advance(3600)
    second = decided(dg)
    headers = dg.keys[role]
    page = dg.client.get("/v1/audit?limit=3", headers=headers).json()
    assert [r["seq"] for r in page["records"]] == [1, 2, 3] and page["intact"]
    rest = dg.client.get(f"/v1/audit?cursor={page['next_cursor']}", headers=headers).json()
    assert [r["seq"] for r in rest["records"]] == [4] and rest["next_cursor"] is None
    one = dg.client.get(f"/v1/audit?verification_id={second}", headers=headers).json()
    assert {r["verification_id"] for r in one["records"]} == {second}
    upn = dg.employee(ADMIN_ROLE)
    mine = dg.client.get(f"/v1/audit?employee={upn}", headers=headers).json()
    assert len(mine["records"]) == 4
    nobody = dg.client.get("/v1/audit?employee=no.one@corp.example", headers=headers).json()
    assert nobody["records"] == []
    since = (dg.clock.now - timedelta(minutes=5)).isoformat()
    recent = dg.client.get("/v1/audit", params={"since": since}, headers=headers).json()
    assert {r["verification_id"] for r in recent["records"]} == {second} != {first}
    bad = dg.client.get("/v1/audit?cursor=nonsense", headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
