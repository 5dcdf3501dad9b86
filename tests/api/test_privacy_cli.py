"""The privacy commands and the audited reads, end to end through the `deskguard` command."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from api.audit import AuditLog
from api.cli.common import NO_REASON
from api.runtime import utcnow
from api.settings import Settings
from api.storage import Database
from tests.api.test_demo_and_cli import run_cli


def _audit(data_dir: Path) -> AuditLog:
    settings = Settings(data_dir=data_dir)
    key = (data_dir / "audit.key").read_bytes()
    return AuditLog(Database(settings.sqlalchemy_url), key=key, clock=utcnow)


def _engineer(data_dir: Path) -> str:
    out = run_cli(data_dir, "context", "employees", "--json").stdout
    return next(r["employee"] for r in json.loads(out)["employees"] if r["role"] == "engineer")


def test_a_read_without_a_reason_is_audited_as_such(demo_data_dir: Path) -> None:
    upn = _engineer(demo_data_dir)
    done = run_cli(demo_data_dir, "context", "pull", "--employee", upn, "--json")
    assert done.returncode == 0, done.stderr  # the documented command keeps working
    records = _audit(demo_data_dir).page(employee=upn, limit=10_000)
    reads = [r for r in records if r.event == "context.read"]
    assert reads and reads[-1].detail["purpose"] == NO_REASON


def test_reading_an_employees_context_is_audited_with_its_reason(demo_data_dir: Path) -> None:
    upn = _engineer(demo_data_dir)
    too_short = run_cli(demo_data_dir, "context", "pull", "--employee", upn, "--reason", " x ")
    assert json.loads(too_short.stderr)["error"]["code"] == "invalid_input"

    reason = f"HD-{uuid.uuid4().hex[:6]} caller says calendar is wrong"
    for command in (["context", "pull"], ["questions", "preview"]):
        done = run_cli(demo_data_dir, *command, "--employee", upn, "--json", "--reason", reason)
        assert done.returncode == 0, done.stderr
    records = _audit(demo_data_dir).page(employee=upn, limit=10_000)
    reads = [r for r in records if r.event == "context.read" and r.detail["purpose"] == reason]
    assert [r.detail["command"] for r in reads] == ["context pull", "questions preview"]
    assert [r.detail["shown"] for r in reads] == ["items", "questions_with_answers"]
    for r in reads:
        assert r.actor.startswith("cli:") and r.detail["sources"] == {"demo": "ok"}
        assert r.detail["fields"] and r.detail["model_calls"] == 0
        assert upn not in json.dumps(r.detail)  # the employee only by their reference
        assert r.subject == r.detail["employee"]


def test_purge_prints_a_summary(demo_data_dir: Path) -> None:
    result = run_cli(demo_data_dir, "privacy", "purge")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["retention_hours"] == 24 and isinstance(summary["verifications"], list)


def test_report_then_erase_then_verify(demo_data_dir: Path) -> None:
    out = run_cli(demo_data_dir, "context", "employees", "--json").stdout
    upn = next(r["employee"] for r in json.loads(out)["employees"] if r["role"] == "planner")
    reason = "HD-77 planner's calendar check"
    read = run_cli(demo_data_dir, "context", "pull", "--employee", upn, "--reason", reason)
    assert read.returncode == 0, read.stderr
    shown = run_cli(demo_data_dir, "privacy", "report", "--employee", upn, "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert any(a["purpose"] == reason for a in report["accesses"]) and report["kept"]["key"]
    text = run_cli(demo_data_dir, "privacy", "report", "--employee", upn).stdout
    assert reason in text and "kept: key yes" in text

    erased = run_cli(demo_data_dir, "privacy", "erase", "--employee", upn)
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout)["key_deleted"] is True
    verified = run_cli(demo_data_dir, "audit", "verify")
    assert verified.returncode == 0 and json.loads(verified.stdout)["intact"], verified.stdout
    after = json.loads(
        run_cli(demo_data_dir, "privacy", "report", "--employee", upn, "--json").stdout
    )
    assert after["reference"] is None and after["accesses"] == [] and not after["kept"]["key"]
