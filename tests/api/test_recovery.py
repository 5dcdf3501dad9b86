"""POST /v1/verifications/{id}/recovery against the Okta fake: the allowed recovery runs once,
every refusal leaves the provider untouched (asserted from the fake's request log), the employee
is told with a working "this wasn't me" link, and resets outside deskguard raise alerts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.recovery_settings import NotifySettings, RecoverySettings
from recovery.okta import OktaConfig
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.fakes.local_http import FakeHTTPServer, Reply
from tests.fakes.okta_server import TOKEN, FakeOkta, okta_error

ADMIN_ROLE = "it_admin"
HOOK_SECRET = "hook-shared-secret-for-tests"
FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "okta" / "event_hook_mfa_reset_all.json"
)


class SOC:
    """The SOC webhook receiver."""

    def __init__(self) -> None:
        self.server = FakeHTTPServer(lambda request: Reply(202, {}))

    def events(self) -> list[dict]:
        return [r.json() for r in self.server.requests]


@pytest.fixture
def okta() -> Iterator[FakeOkta]:
    fake = FakeOkta()
    fake.server.start()
    yield fake
    fake.server.stop()


@pytest.fixture
def soc() -> Iterator[SOC]:
    receiver = SOC()
    receiver.server.start()
    yield receiver
    receiver.server.stop()


def recovery_settings(okta: FakeOkta, soc: SOC | None = None, **extra: object) -> RecoverySettings:
    return RecoverySettings(
        provider="okta",
        okta=OktaConfig(org_url=okta.url, api_token=TOKEN),
        notify=NotifySettings(channels=["outbox"], public_url="https://deskguard.corp.example"),
        soc_webhook_url=f"{soc.server.url}/soc" if soc else None,
        okta_hook_secret=HOOK_SECRET,
        **extra,
    )  # type: ignore[arg-type]


@pytest.fixture
def rdg(demo_data_dir: Path, tmp_path: Path, okta: FakeOkta, soc: SOC) -> Iterator[Deskguard]:
    settings = settings_for(demo_data_dir).model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'test.db'}",
            "recovery": recovery_settings(okta, soc),
        }
    )
    dg = make_deskguard(settings, Clock())
    okta.add_user(dg.employee(ADMIN_ROLE))
    yield dg


def decide(dg: Deskguard, action: str = "mfa_reset", genuine: bool = True) -> dict:
    upn = dg.employee(ADMIN_ROLE)
    started = dg.start(
        upn, action=action, signal={"score": 0.05}, ticket={"system": "jsm", "id": "HD-7"}
    )
    truth = dg.truth(started["id"])
    answers = [
        {"question_id": q["id"], "response": q["expected"] if genuine else "no idea"}
        for q in truth["question_details"]
    ]
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": answers},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["decision"] == ("allow" if genuine else "deny"), decided
    return decided


def recover(dg: Deskguard, vid: str, key: str = "helpdesk", **body: object):
    return dg.client.post(f"/v1/verifications/{vid}/recovery", json=body, headers=dg.keys[key])


def outbox(dg: Deskguard):
    return dg.runtime.recovery.outbox.sent


def test_an_allowed_mfa_reset_runs_once_at_okta(rdg: Deskguard, okta: FakeOkta) -> None:
    decided = decide(rdg)
    response = recover(
        rdg, decided["id"], action="mfa_reset", ticket={"system": "jsm", "id": "HD-7"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["performed"] is True and body["status"] == "done"
    assert body["provider"] == "okta" and body["operation"] == "reset_factors"
    assert [s["name"] for s in body["steps"]] == ["okta.revoke_sessions", "okta.reset_factors"]
    assert all(s["request_id"] for s in body["steps"])
    assert [op for op, _ in okta.performed] == ["revoke_sessions", "reset_factors"]
    # Stored and audited, with the provider's request ids.
    audit = rdg.client.get(
        "/v1/audit", params={"verification_id": decided["id"]}, headers=rdg.keys["auditor"]
    ).json()
    performed = [r for r in audit["records"] if r["event"] == "recovery.performed"]
    assert (
        performed
        and performed[0]["detail"]["steps"][1]["request_id"] == body["steps"][1]["request_id"]
    )
    assert audit["intact"] is True
    # The employee was told, with a link.
    (recipient, message), *_ = outbox(rdg)
    assert recipient.address == rdg.employee(ADMIN_ROLE)
    assert (
        "jsm:HD-7" in message.body and "https://deskguard.corp.example/v1/disputes/" in message.body
    )
    assert body["notified"][0]["ok"] is True


def test_a_replayed_grant_is_refused_and_okta_sees_nothing(rdg: Deskguard, okta: FakeOkta) -> None:
    decided = decide(rdg)
    assert recover(rdg, decided["id"]).status_code == 200
    before = len(okta.changes())
    replay = recover(rdg, decided["id"])
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "grant_used"
    assert len(okta.changes()) == before


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("another_agent", 403, "wrong_agent"),  # a second help-desk key is another agent
        ("another_action", 403, "wrong_action"),
        ("another_ticket", 403, "wrong_ticket"),
        ("expired", 403, "grant_expired"),  # 15 minutes after the decision
        ("auditor", 403, "forbidden"),  # not the help-desk role
    ],
)
def test_refusals_leave_okta_untouched(
    rdg: Deskguard, okta: FakeOkta, case: str, status: int, code: str
) -> None:
    decided = decide(rdg)
    key, body = "helpdesk", {}
    if case == "another_agent":
        from api.auth import create_key

        rdg.keys["other"] = {"Authorization": f"Bearer {create_key(rdg.runtime.db, 'helpdesk')[1]}"}
        key = "other"
    elif case == "another_action":
        body = {"action": "password_reset"}
    elif case == "another_ticket":
        body = {"ticket": {"system": "jsm", "id": "HD-8"}}
    elif case == "expired":
        rdg.clock.advance(15 * 60 + 1)
    elif case == "auditor":
        key = "auditor"
    response = recover(rdg, decided["id"], key=key, **body)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert okta.changes() == []
    # The refusal did not use the grant up: the right agent, in time, can still recover.
    if case not in ("expired",):
        assert recover(rdg, decided["id"]).status_code == 200


def test_a_deny_receipt_runs_nothing_and_the_employee_is_told(
    rdg: Deskguard, okta: FakeOkta
) -> None:
    decided = decide(rdg, genuine=False)
    response = recover(rdg, decided["id"])
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"
    assert okta.changes() == []
    # NIST 63B-4: a denied MFA request is told to the employee too, with the link.
    (_, message), *_ = outbox(rdg)
    assert "refused" in message.body and "/v1/disputes/" in message.body


def test_a_provider_5xx_is_an_error_and_resets_nothing(rdg: Deskguard, okta: FakeOkta) -> None:
    decided = decide(rdg)
    okta.server.script(
        "/api/v1/users/", Reply(500, okta_error("E0000009", "Internal Server Error"))
    )
    response = recover(rdg, decided["id"])
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "provider_error" and "Nothing was reset" in error["message"]
    assert okta.performed == []
    assert "performed" not in response.json()
    audit = rdg.client.get(
        "/v1/audit", params={"verification_id": decided["id"]}, headers=rdg.keys["auditor"]
    ).json()
    assert "recovery.failed" in [r["event"] for r in audit["records"]]
    # The allow is spent: a retry needs a new verification.
    assert recover(rdg, decided["id"]).status_code == 409


def test_provider_none_keeps_decision_only(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE), action="mfa_reset")["id"]
    response = dg.client.post(
        f"/v1/verifications/{vid}/recovery", json={}, headers=dg.keys["helpdesk"]
    )
    body = response.json()
    assert response.status_code == 200 and body["performed"] is False
    assert (
        body["status"] == "not_configured"
        and "DESKGUARD_RECOVERY__PROVIDER=none" in body["message"]
    )


def dispute_link(dg: Deskguard) -> str:
    (_, message), *_ = outbox(dg)
    link = next(w for w in message.body.split() if "/v1/disputes/" in w)
    return link.removeprefix("https://deskguard.corp.example")


def test_this_wasnt_me_end_to_end(rdg: Deskguard, okta: FakeOkta, soc: SOC) -> None:
    decided = decide(rdg)
    assert recover(rdg, decided["id"]).status_code == 200
    link = dispute_link(rdg)
    changes = len(okta.changes())
    page = rdg.client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "This wasn't me" in page.text and "<form" in page.text
    assert len(okta.changes()) == changes
    confirmed = rdg.client.post(link, headers={"Accept": "text/html"})
    assert confirmed.status_code == 200 and "signed out everywhere" in confirmed.text
    revoke = okta.changes()[-1]
    assert revoke.method == "DELETE" and revoke.path.endswith("/sessions")
    assert revoke.query == {"oauthTokens": ["true"], "forgetDevices": ["true"]}
    # Single use.
    assert rdg.client.post(link).status_code == 409
    assert rdg.client.get(link).status_code == 409
    # Recovery is locked for this employee, even with a fresh genuine allow.
    again = decide(rdg)
    locked = recover(rdg, again["id"])
    assert locked.status_code == 403 and locked.json()["error"]["code"] == "recovery_locked"
    # ...for 24 hours.
    rdg.clock.advance(24 * 3600 + 60)
    assert recover(rdg, decide(rdg)["id"]).status_code == 200
    # Disputed, alerted, and the SOC heard of it.
    alerts = rdg.client.get("/v1/alerts", headers=rdg.keys["security"]).json()["alerts"]
    assert [a["kind"] for a in alerts] == ["disputed"]
    assert soc.events()[0]["event"] == "verification.disputed"
    audit = rdg.client.get(
        "/v1/audit", params={"verification_id": decided["id"]}, headers=rdg.keys["auditor"]
    ).json()
    assert "verification.disputed" in [r["event"] for r in audit["records"]]


def test_an_unknown_link_is_a_page_not_a_trace(rdg: Deskguard) -> None:
    page = rdg.client.get("/v1/disputes/not-a-real-token")
    assert page.status_code == 404 and "Link not usable" in page.text


def hook_payload(target: str, published: str) -> dict:
    payload = json.loads(FIXTURE.read_text())
    event = payload["data"]["events"][0]
    event["target"][0]["alternateId"] = target
    event["published"] = published
    return payload


def test_okta_event_hook_verification_and_secret(rdg: Deskguard) -> None:
    challenge = {"x-okta-verification-challenge": "X7qx-challenge"}
    ok = rdg.client.get("/v1/hooks/okta", headers=challenge | {"Authorization": HOOK_SECRET})
    assert ok.status_code == 200 and ok.json() == {"verification": "X7qx-challenge"}
    wrong = rdg.client.get("/v1/hooks/okta", headers=challenge | {"Authorization": "guess"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "hook_unauthorised"
    payload = hook_payload(rdg.employee(ADMIN_ROLE), "2026-11-25T17:40:00.000Z")
    assert rdg.client.post("/v1/hooks/okta", json=payload).status_code == 401


def test_the_okta_hook_is_absent_until_its_secret_is_set(dg: Deskguard) -> None:
    response = dg.client.get("/v1/hooks/okta", headers={"x-okta-verification-challenge": "x"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "hook_not_configured"


def test_a_reset_outside_deskguard_raises_an_alert(
    rdg: Deskguard, okta: FakeOkta, soc: SOC
) -> None:
    upn = rdg.employee(ADMIN_ROLE)
    headers = {"Authorization": HOOK_SECRET}
    # An agent with admin rights resets the factors directly in Okta: no grant.
    payload = hook_payload(upn, rdg.clock.now.isoformat())
    response = rdg.client.post("/v1/hooks/okta", json=payload, headers=headers)
    assert response.status_code == 200 and response.json() == {"events": 1, "alerts": 1}
    # Okta retries deliveries: the same event raises no second alert.
    assert rdg.client.post("/v1/hooks/okta", json=payload, headers=headers).json()["alerts"] == 0
    alerts = rdg.client.get("/v1/alerts", headers=rdg.keys["security"]).json()["alerts"]
    assert len(alerts) == 1 and alerts[0]["kind"] == "bypass"
    assert alerts[0]["detail"]["actor"] == "helpdesk.agent@corp.example"
    assert alerts[0]["detail"]["event_type"] == "user.mfa.factor.reset_all"
    assert soc.events()[-1]["event"] == "recovery.bypass_detected"
    assert rdg.client.get("/v1/alerts", headers=rdg.keys["helpdesk"]).status_code == 403
    metrics = rdg.client.get("/metrics").text
    assert 'deskguard_recovery_bypass_total{action="mfa_reset",provider="okta"}' in metrics


def test_deskguards_own_reset_is_not_a_bypass(rdg: Deskguard) -> None:
    decided = decide(rdg)
    assert recover(rdg, decided["id"]).status_code == 200
    # Okta reports the reset deskguard just made.
    payload = hook_payload(rdg.employee(ADMIN_ROLE), rdg.clock.now.isoformat())
    response = rdg.client.post(
        "/v1/hooks/okta", json=payload, headers={"Authorization": HOOK_SECRET}
    )
    assert response.json() == {"events": 1, "alerts": 0}
    # A password reset (another action) in the same minute is still a bypass.
    payload["data"]["events"][0]["eventType"] = "user.account.reset_password"
    payload["data"]["events"][0]["uuid"] = "another-event"
    response = rdg.client.post(
        "/v1/hooks/okta", json=payload, headers={"Authorization": HOOK_SECRET}
    )
    assert response.json()["alerts"] == 1


def test_disputing_a_denied_attempt_locks_recovery(rdg: Deskguard, okta: FakeOkta) -> None:
    decide(rdg, genuine=False)  # an impostor was denied; the employee is told
    link = dispute_link(rdg)
    outcome = rdg.client.post(link).json()
    assert [s["name"] for s in outcome["revoked"]] == ["okta.revoke_sessions"]
    # Now even a genuine allow cannot reset through the help desk for 24 h.
    locked = recover(rdg, decide(rdg)["id"])
    assert locked.status_code == 403 and locked.json()["error"]["code"] == "recovery_locked"
    assert [op for op, _ in okta.performed] == ["revoke_sessions"]  # only the dispute's
