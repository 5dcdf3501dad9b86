"""Verifications write into the help-desk ticket: ServiceNow (pysnc against a fake Table API over
HTTPS) and JSM (jira against a fake). Notes never carry an answer; a ticket raised for someone
else escalates before asking; the ticketing system being down never changes a decision."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.api.test_signals import post_signal
from tests.api.test_verifications import genuine_answers
from tests.fakes.jsm_server import FakeJSM
from tests.fakes.servicenow_server import FakeServiceNow

INC = "9d385017c611228701d22104cc95c371"
OTHER = "aeed229047801200e0ef563dbb9a71c2"


@pytest.fixture
def sn() -> Iterator[FakeServiceNow]:
    fake = FakeServiceNow().start()
    yield fake
    fake.stop()


@pytest.fixture
def desk(demo_data_dir: Path, tmp_path: Path, sn: FakeServiceNow) -> Deskguard:
    settings = settings_for(demo_data_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'test.db'}"}
    )
    settings.servicenow = settings.servicenow.model_validate(
        {
            "instance": sn.url,
            "username": sn.username,
            "password": sn.password,
            "ca_bundle": sn.ca_file,
        }
    )
    dg = make_deskguard(settings, Clock())
    upn = dg.employee("it_admin")
    sn.tables["sys_user"]["u1"] = {"sys_id": "u1", "user_name": "m.bell", "email": upn}
    sn.add("incident", INC, number="INC0010023", caller_id="u1")
    sn.add("incident", OTHER, number="INC0010024", caller_id="62826bf03710200044e0bfc8bcbe5df1")
    return dg


def ticket(number: str = "INC0010023") -> dict[str, str]:
    return {"system": "servicenow", "id": number}


def answer(dg: Deskguard, vid: str, responses: list[dict[str, str]]) -> dict:
    reply = dg.client.post(
        f"/v1/verifications/{vid}/answers", json={"answers": responses}, headers=dg.keys["helpdesk"]
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def assert_no_answer_in(notes: list[str], truth: dict, said: list[str]) -> None:
    for note in notes:
        for q in truth["question_details"]:
            for value in [q["expected"], *q.get("variants", [])]:
                assert value.lower() not in note.lower(), (value, note)
        for words in said:
            assert words.lower() not in note.lower()


def test_genuine_caller_writes_started_and_allowed_notes(
    desk: Deskguard, sn: FakeServiceNow
) -> None:
    upn = desk.employee("it_admin")
    post_signal(desk, score=0.05, ticket=ticket())  # from the risk provider: it counts as low
    started = desk.start(upn, ticket=ticket())
    vid = started["id"]
    truth = desk.truth(vid)
    [first] = sn.notes_for(INC)
    assert first.startswith(f"[deskguard] Verification {vid} for password_reset started by ")
    assert f"{len(started['questions'])} questions to ask" in first
    assert sn.tables["incident"][INC]["u_deskguard_status"] == "pending"
    decided = answer(desk, vid, genuine_answers(truth))
    assert decided["decision"] == "allow"
    first, second = sn.notes_for(INC)
    assert ": ALLOW at " in second and "Risk signal: low." in second
    stored = desk.runtime.db.get_verification(vid)
    assert stored is not None and stored.receipt is not None
    assert f"Grant {stored.receipt['jti']}, valid until " in second
    assert all(reason in second for reason in decided["reasons"])
    assert sn.tables["incident"][INC]["u_deskguard_status"] == "allow"
    assert_no_answer_in([first, second], truth, [])
    updates = desk.truth(vid)["ticket_updates"]
    assert [(u["stage"], u["status"], u["number"]) for u in updates] == [
        ("started", "sent", "INC0010023"),
        ("decided", "sent", "INC0010023"),
    ]


def test_attacker_is_denied_in_the_ticket_without_their_answers(
    desk: Deskguard, sn: FakeServiceNow
) -> None:
    started = desk.start(desk.employee("it_admin"), ticket=ticket())
    said = ["the budget meeting", "Priya and Jordan", "ITOPS-1000"]
    responses = [
        {"question_id": q["id"], "response": said[i % len(said)]}
        for i, q in enumerate(started["questions"])
    ]
    assert answer(desk, started["id"], responses)["decision"] == "deny"
    notes = sn.notes_for(INC)
    assert ": DENY at " in notes[-1] and "Do not reset." in notes[-1]
    assert_no_answer_in(notes, desk.truth(started["id"]), said)
    assert sn.tables["incident"][INC]["u_deskguard_status"] == "deny"


def test_a_ticket_raised_for_someone_else_escalates_before_asking(
    desk: Deskguard, sn: FakeServiceNow
) -> None:
    started = desk.start(desk.employee("it_admin"), ticket=ticket("INC0010024"))
    assert started["status"] == "decided" and started["decision"] == "escalate"
    assert "the ticket was raised for someone other than this employee" in started["reasons"]
    [note] = sn.notes_for(OTHER)
    assert ": ESCALATE at " in note


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("INC0099999", "the ticket does not exist in the ticketing system"),
        ("INC0010023", "the ticketing system could not confirm the ticket (fail closed)"),
    ],
)
def test_unknown_ticket_or_unreachable_system_escalates(
    desk: Deskguard, sn: FakeServiceNow, number: str, reason: str
) -> None:
    sn.down = number == "INC0010023"
    started = desk.start(desk.employee("it_admin"), ticket=ticket(number))
    assert started["decision"] == "escalate" and reason in started["reasons"]
    assert sn.journal == []


def test_ticketing_down_at_the_decision_changes_nothing_and_is_retried(
    desk: Deskguard, sn: FakeServiceNow
) -> None:
    upn = desk.employee("it_admin")
    started = desk.start(upn, ticket=ticket(), signal={"score": 0.05})
    truth = desk.truth(started["id"])
    sn.down = True
    assert answer(desk, started["id"], genuine_answers(truth))["decision"] == "allow"
    [pending] = [u for u in desk.truth(started["id"])["ticket_updates"] if u["stage"] == "decided"]
    assert pending["status"] == "pending" and pending["attempts"] == 1
    assert "ServiceNow" in pending["last_error"]
    audit = desk.client.get(
        f"/v1/audit?verification_id={started['id']}", headers=desk.keys["auditor"]
    ).json()
    assert "ticket.write_failed" in [r["event"] for r in audit["records"]]
    metrics = desk.client.get("/metrics").text
    assert 'deskguard_ticket_writes_total{outcome="error",system="servicenow"}' in metrics
    sn.down = False
    counts = asyncio.run(desk.runtime.tickets.retry_pending(now=desk.clock()))
    assert counts == {"sent": 1}
    assert ": ALLOW at " in sn.notes_for(INC)[-1]


def test_helpdesk_view_has_no_ticket_delivery_details(desk: Deskguard) -> None:
    started = desk.start(desk.employee("it_admin"), ticket=ticket())
    seen = desk.client.get(f"/v1/verifications/{started['id']}", headers=desk.keys["helpdesk"])
    assert "ticket_updates" not in seen.json()


def test_jsm_internal_comment(demo_data_dir: Path, tmp_path: Path) -> None:
    settings = settings_for(demo_data_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'jsm.db'}"}
    )
    dg = make_deskguard(settings, Clock())
    upn = dg.employee("it_admin")
    jsm = FakeJSM(reporters={"ITSD-42": {"name": "mbell", "emailAddress": upn}}).start()
    try:
        settings.jsm = settings.jsm.model_validate({"url": jsm.url, "token": "pat"})
        dg = make_deskguard(settings, dg.clock)
        started = dg.start(upn, ticket={"system": "jsm", "id": "ITSD-42"})
        assert started["status"] == "pending"
        [(key, body)] = jsm.comments
        assert key == "ITSD-42" and "started by" in body["body"]
        assert body["properties"] == [{"key": "sd.public.comment", "value": {"internal": True}}]
        assert jsm.properties[("ITSD-42", "deskguard")]["status"] == "pending"
    finally:
        jsm.stop()


def test_cli_retry_reports_counts(demo_data_dir: Path) -> None:
    import json

    from tests.api.test_demo_and_cli import run_cli

    done = run_cli(demo_data_dir, "tickets", "retry")
    assert json.loads(done.stdout) == {"ticket_updates": {}}


def test_why_the_ticket_could_not_be_checked_is_on_the_audit_record(
    desk: Deskguard, sn: FakeServiceNow
) -> None:
    sn.down = True  # every request answered 503
    started = desk.start(desk.employee("it_admin"), ticket=ticket())
    assert started["decision"] == "escalate"
    records = desk.client.get(
        "/v1/audit", params={"verification_id": started["id"]}, headers=desk.keys["auditor"]
    ).json()["records"]
    [record] = [r for r in records if r["event"] == "verification.started"]
    check = record["detail"]["ticket_check"]
    assert check["outcome"] == "unreachable"
    assert check["problem"].startswith("ServiceNow request failed (")  # the error class, named
    assert sn.password not in str(record) and sn.username not in str(record)
    # the policy's reason for the agent and the security view is unchanged (policy language)
    assert "the ticketing system could not confirm the ticket (fail closed)" in started["reasons"]


def test_a_checked_ticket_adds_nothing_to_the_audit_record(desk: Deskguard) -> None:
    started = desk.start(desk.employee("it_admin"), ticket=ticket())
    records = desk.client.get(
        "/v1/audit", params={"verification_id": started["id"]}, headers=desk.keys["auditor"]
    ).json()["records"]
    assert all("ticket_check" not in r["detail"] for r in records)
