"""The verification API: happy path, role views, bad input, once-only answers, expiry."""

from __future__ import annotations

import pytest

from tests.api.conftest import Deskguard, make_deskguard

ADMIN_ROLE = "it_admin"


def expected_strings(truth: dict) -> list[str]:
    values = []
    for q in truth["question_details"]:
        values += [q["expected"], *q["variants"]]
    return [v for v in values if len(v) >= 4]


def genuine_answers(truth: dict) -> list[dict[str, str]]:
    return [{"question_id": q["id"], "response": q["expected"]} for q in truth["question_details"]]


def test_start_returns_questions_without_answers(dg: Deskguard) -> None:
    started = dg.start(dg.employee(ADMIN_ROLE), ticket={"system": "jsm", "id": "HD-1"})
    assert started["status"] == "pending" and len(started["questions"]) >= 4
    assert set(started["questions"][0]) == {"id", "text", "kind"}
    assert started["expires_at"] > started["created_at"]


def test_helpdesk_responses_never_contain_an_expected_answer(dg: Deskguard) -> None:
    """Scan every help-desk response of a full verification for any expected answer."""
    upn = dg.employee(ADMIN_ROLE)
    started_raw = dg.client.post(
        "/v1/verifications",
        json={"employee": upn, "action": "password_reset"},
        headers=dg.keys["helpdesk"],
    )
    vid = started_raw.json()["id"]
    truth = dg.truth(vid)
    status_raw = dg.client.get(f"/v1/verifications/{vid}", headers=dg.keys["helpdesk"])
    decided_raw = dg.client.post(
        f"/v1/verifications/{vid}/answers",
        json={"answers": genuine_answers(truth)},
        headers=dg.keys["helpdesk"],
    )
    after_raw = dg.client.get(f"/v1/verifications/{vid}", headers=dg.keys["helpdesk"])
    secrets = expected_strings(truth)
    assert secrets
    for response in (started_raw, status_raw, decided_raw, after_raw):
        body = response.text.lower()
        leaked = [s for s in secrets if s.lower() in body]
        assert not leaked, f"{response.request.url} leaked {leaked}"
        assert "question_details" not in body and "evidence" not in body


def test_security_role_sees_expected_answers_and_evidence(dg: Deskguard) -> None:
    truth = dg.truth(dg.start(dg.employee(ADMIN_ROLE))["id"])
    assert all(q["expected"] and q["evidence"] for q in truth["question_details"])
    assert truth["evidence"] and truth["accesses"]


def test_genuine_answers_allow_and_a_signed_receipt_verifies(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE), signal={"score": 0.1})["id"]
    decided = dg.client.post(
        f"/v1/verifications/{vid}/answers",
        json={"answers": genuine_answers(dg.truth(vid))},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["status"] == "decided" and decided["decision"] == "allow"
    check = dg.client.post(
        "/v1/receipts/verify", json={"receipt": decided["receipt"]}, headers=dg.keys["auditor"]
    ).json()
    assert check["valid"] is True and check["decision"] == "allow"


def test_wrong_answers_deny(dg: Deskguard) -> None:
    started = dg.start(dg.employee(ADMIN_ROLE), signal={"score": 0.1})
    answers = [{"question_id": q["id"], "response": "no idea, sorry"} for q in started["questions"]]
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": answers},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["decision"] == "deny"


def test_high_risk_signal_never_allows(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE), signal={"score": 0.95, "source": "edr"})["id"]
    decided = dg.client.post(
        f"/v1/verifications/{vid}/answers",
        json={"answers": genuine_answers(dg.truth(vid))},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["decision"] in {"deny", "escalate"}


def test_thin_context_escalates_before_asking(dg: Deskguard) -> None:
    started = dg.start(dg.employee("new_hire"))
    assert started["status"] == "decided" and started["decision"] == "escalate"
    assert any("not enough recent work context" in r for r in started["reasons"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "password_reset"}, "employee"),
        ({"employee": "not-an-upn", "action": "password_reset"}, "employee"),
        (
            {"employee": "a@b.example", "action": "password_reset", "signal": {"score": 3}},
            "signal.score",
        ),
        ({"employee": "a@b.example", "action": "password_reset", "surprise": 1}, "surprise"),
    ],
)
def test_malformed_bodies_are_422_naming_the_field(dg: Deskguard, body: dict, field: str) -> None:
    response = dg.client.post("/v1/verifications", json=body, headers=dg.keys["helpdesk"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and field in error["message"]


def test_unknown_employee_and_action(dg: Deskguard) -> None:
    missing = dg.client.post(
        "/v1/verifications",
        headers=dg.keys["helpdesk"],
        json={"employee": "ghost@larkspurgoods.example", "action": "password_reset"},
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    action = dg.client.post(
        "/v1/verifications",
        headers=dg.keys["helpdesk"],
        json={"employee": dg.employee(ADMIN_ROLE), "action": "wire_money"},
    )
    assert action.status_code == 422 and "wire_money" in action.json()["error"]["message"]


def test_bad_answers_are_rejected_and_lose_nothing(dg: Deskguard) -> None:
    started = dg.start(dg.employee(ADMIN_ROLE))
    vid, first = started["id"], started["questions"][0]["id"]
    url = f"/v1/verifications/{vid}/answers"
    bad = [
        [{"question_id": "q99", "response": "x"}],
        [{"question_id": first, "response": "a"}, {"question_id": first, "response": "b"}],
        [{"question_id": first, "response": "é" * 600}],  # 1200 bytes: over 1 KB
    ]
    for answers in bad:
        response = dg.client.post(url, json={"answers": answers}, headers=dg.keys["helpdesk"])
        assert response.status_code == 422, response.text
        assert "error" in response.json()
    status = dg.client.get(f"/v1/verifications/{vid}", headers=dg.keys["helpdesk"]).json()
    assert status["status"] == "pending"
    good = dg.client.post(
        url, json={"answers": genuine_answers(dg.truth(vid))}, headers=dg.keys["helpdesk"]
    )
    assert good.status_code == 200


def test_answers_are_taken_once(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE))["id"]
    body = {"answers": genuine_answers(dg.truth(vid))}
    first = dg.client.post(
        f"/v1/verifications/{vid}/answers", json=body, headers=dg.keys["helpdesk"]
    )
    again = dg.client.post(
        f"/v1/verifications/{vid}/answers", json=body, headers=dg.keys["helpdesk"]
    )
    assert first.status_code == 200 and again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_expired_verifications_are_gone(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE))["id"]
    body = {"answers": genuine_answers(dg.truth(vid))}
    dg.clock.advance(dg.settings.verification_ttl_seconds + 1)
    response = dg.client.post(
        f"/v1/verifications/{vid}/answers", json=body, headers=dg.keys["helpdesk"]
    )
    assert response.status_code == 410 and response.json()["error"]["code"] == "expired"


def test_a_verification_survives_a_restart(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE), signal={"score": 0.1})["id"]
    answers = genuine_answers(dg.truth(vid))
    restarted = make_deskguard(dg.settings, dg.clock)  # a new runtime on the same database
    response = restarted.client.post(
        f"/v1/verifications/{vid}/answers",
        json={"answers": answers},
        headers=restarted.keys["helpdesk"],
    )
    assert response.status_code == 200 and response.json()["decision"] == "allow"


def test_authentication_and_roles(dg: Deskguard) -> None:
    body = {"employee": dg.employee(ADMIN_ROLE), "action": "password_reset"}
    none = dg.client.post("/v1/verifications", json=body)
    wrong = dg.client.post(
        "/v1/verifications", json=body, headers={"Authorization": "Bearer dg_nope"}
    )
    auditor = dg.client.post("/v1/verifications", json=body, headers=dg.keys["auditor"])
    assert (none.status_code, wrong.status_code, auditor.status_code) == (401, 401, 403)
    audit = dg.client.get("/v1/audit", headers=dg.keys["helpdesk"])
    assert audit.status_code == 403


def test_audit_chain_records_each_verification(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE))["id"]
    dg.client.post(
        f"/v1/verifications/{vid}/answers",
        json={"answers": genuine_answers(dg.truth(vid))},
        headers=dg.keys["helpdesk"],
    )
    audit = dg.client.get(
        "/v1/audit", params={"verification_id": vid}, headers=dg.keys["auditor"]
    ).json()
    assert audit["intact"] is True
    assert [r["event"] for r in audit["records"]] == [
        "verification.started",
        "verification.decided",
    ]
    assert audit["records"][0]["detail"]["evidence"]


def test_unexpected_errors_are_json_without_a_trace(dg: Deskguard, monkeypatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("api.service.VerificationService.get", boom)
    response = dg.client.get("/v1/verifications/ver_x", headers=dg.keys["helpdesk"])
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "internal error; the request was not completed",
        }
    }


def test_openapi_and_unknown_routes(dg: Deskguard) -> None:
    spec = dg.client.get("/openapi.json").json()
    assert "/v1/verifications" in spec["paths"]
    missing = dg.client.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_second_call_gets_questions_about_other_facts(dg: Deskguard) -> None:
    upn = dg.employee(ADMIN_ROLE)
    first = dg.truth(dg.start(upn)["id"])
    second = dg.truth(dg.start(upn)["id"])
    first_facts = {e["id"] for e in first["evidence"]}
    second_facts = {e["id"] for e in second["evidence"]}
    assert first_facts and not first_facts & second_facts


def test_repeat_calls_within_24_h_never_reask_a_fact(dg: Deskguard) -> None:
    # An impostor who researched the first call's questions calls again, and again: no call
    # within 24 h asks about a fact an earlier one asked, and once too few fresh facts remain
    # the call escalates before asking, saying why.
    upn = dg.employee(ADMIN_ROLE)
    asked_items: set[str] = set()
    asked_facts: set[str] = set()
    for _ in range(12):
        dg.clock.advance(3600)  # an hour apart: all inside the 24 h
        started = dg.start(upn)
        truth = dg.truth(started["id"])
        if started["status"] == "decided":
            reasons = started["reasons"]
            assert started["decision"] == "escalate"
            assert any("already asked about in the last 24 h" in r for r in reasons), reasons
            break
        items = {e for q in truth["question_details"] for e in q["evidence"]}
        facts = {q["fact"] for q in truth["question_details"]}
        assert not items & asked_items and not facts & asked_facts
        asked_items |= items
        asked_facts |= facts
    else:
        raise AssertionError("twelve calls in a day never ran out of fresh facts")
    assert len(asked_facts) >= 8  # more than one call's worth was asked before escalating
