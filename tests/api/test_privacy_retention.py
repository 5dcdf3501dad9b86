"""Retention (issue 14): once a verification is decided or expired plus the grace, its question
texts, expected answers, dropped questions and evidence references are gone from every table,
the purge is audited, and the chain still verifies."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi.testclient import TestClient

from api.audit_checks import verify_log
from api.main import create_app
from api.retention import purge
from api.service import VerificationService
from tests.api.conftest import Deskguard
from tests.api.privacy_dump import dump
from tests.api.test_verifications import genuine_answers

ROLES = ("it_admin", "engineer", "finance")
GRACE = 24


def _verify_three(dg: Deskguard) -> list[str]:
    """A decided verification, one left to expire, and one more decided."""
    ids = []
    for n, role in enumerate(ROLES):
        vid = dg.start(dg.employee(role))["id"]
        if n != 1:
            answers = {"answers": genuine_answers(dg.truth(vid))}
            response = dg.client.post(
                f"/v1/verifications/{vid}/answers", json=answers, headers=dg.keys["helpdesk"]
            )
            assert response.status_code == 200, response.text
        ids.append(vid)
    return ids


def _asked(dg: Deskguard, ids: list[str]) -> set[str]:
    """The question texts, expected answers, variants and dropped questions stored."""
    values: set[str] = set()
    for vid in ids:
        truth = dg.truth(vid)
        for q in truth["question_details"]:
            values |= {q["text"], q["expected"], *q["variants"]}
        values |= {d["text"] for d in truth["dropped"]}
    return {v.lower() for v in values if len(v) >= 4}


def _item_values(dg: Deskguard, ids: list[str]) -> set[str]:
    """Every title, subject, person's name, identifier and id of the items the verifications
    used (the employees' own UPNs stay: the verification is theirs)."""
    values: set[str] = set()
    service = VerificationService(dg.runtime)
    for vid in ids:
        truth = dg.truth(vid)
        used = {e["id"] for e in truth["evidence"]}
        _, collection = asyncio.run(service.collect_for(truth["employee"]))
        for item in collection.items:
            if item.id in used:
                values |= {item.title, item.id, item.provenance.ref}
                values |= {p.name for p in item.participants}
                values |= set(item.identifiers.values()) | set(item.extra.values())
    return {v.lower() for v in values if len(v) >= 4}


def test_after_purge_no_item_value_remains_anywhere_in_the_database(dg: Deskguard) -> None:
    ids = _verify_three(dg)
    asked = _asked(dg, ids)
    values = asked | _item_values(dg, ids)
    before = dump(dg.runtime.db)
    assert len(asked) > 20 and {v for v in asked if v in before} == asked  # the test sees them

    dg.clock.advance(timedelta(hours=GRACE + 1).total_seconds())
    summary = purge(dg.runtime.audit, retention_hours=GRACE)

    assert sorted(summary.verifications) == sorted(ids)
    after = dump(dg.runtime.db)
    assert sorted(v for v in values if v in after) == []
    report = verify_log(dg.runtime.audit, dg.runtime.checkpoints)
    assert report.intact, report.problems


def test_a_purged_verification_keeps_its_decision_and_what_was_asked_by_kind(
    dg: Deskguard,
) -> None:
    vid = _verify_three(dg)[0]
    before = dg.truth(vid)
    dg.clock.advance(timedelta(hours=GRACE + 1).total_seconds())
    purge(dg.runtime.audit, retention_hours=GRACE)

    after = dg.truth(vid)  # served: the row matches its latest (purge) audit record
    assert after["decision"] == before["decision"] and after["reasons"] == before["reasons"]
    assert after["question_details"] == [] and after["evidence"] == []
    assert [g["verdict"] for g in after["grades"]] == [g["verdict"] for g in before["grades"]]
    purged = after["purged"]
    assert [q["kind"] for q in purged["questions"]] == [
        q["kind"] for q in before["question_details"]
    ]
    assert len(purged["evidence"]) == len(before["evidence"])
    audit = dg.client.get("/v1/audit", params={"verification_id": vid}, headers=dg.keys["auditor"])
    assert [r["event"] for r in audit.json()["records"]][-1] == "verification.purged"


def test_nothing_is_purged_before_the_grace_or_while_the_rotation_needs_it(
    dg: Deskguard,
) -> None:
    ids = _verify_three(dg)
    # decided long enough ago for a one-hour grace, but within the 24 h re-ask rotation
    dg.clock.advance(timedelta(hours=2).total_seconds())
    assert purge(dg.runtime.audit, retention_hours=1).verifications == []
    dg.clock.advance(timedelta(hours=GRACE - 2).total_seconds())
    assert purge(dg.runtime.audit, retention_hours=GRACE + 1).verifications == []
    assert all(dg.truth(v)["question_details"] for v in ids)
    dg.clock.advance(timedelta(hours=2).total_seconds())
    assert sorted(purge(dg.runtime.audit, retention_hours=GRACE + 1).verifications) == sorted(ids)
    assert purge(dg.runtime.audit, retention_hours=GRACE + 1).verifications == []  # idempotent


def test_serve_purges_at_start_up(dg: Deskguard) -> None:
    vid = _verify_three(dg)[0]
    dg.clock.advance(timedelta(hours=GRACE + 1).total_seconds())
    with TestClient(create_app(dg.runtime)):  # runs the lifespan: the start-up purge
        pass
    assert dg.truth(vid)["purged"] is not None
