"""A signal the agent cannot forge: provider-posted or provider-signed scores count; a score in
the help desk's own request counts only as far as it asks for more caution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import OKPKey

from api.auth import create_key
from api.signals import SignalProvider
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.api.test_verifications import ADMIN_ROLE, genuine_answers

TICKET = {"system": "jsm", "id": "HD-9"}
PROVIDER_KEY = OKPKey.generate_key("Ed25519", parameters={"kid": "edr-1"})
PROVIDER = {
    "name": "edr",
    "issuer": "https://edr.example",
    "jwks": json.dumps({"keys": [PROVIDER_KEY.as_dict(private=False)]}),
}


def signal_key(dg: Deskguard) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_key(dg.runtime.db, 'signal')[1]}"}


def post_signal(dg: Deskguard, **body: object) -> dict:
    response = dg.client.post("/v1/signals", json={"source": "edr", **body}, headers=signal_key(dg))
    assert response.status_code == 201, response.text
    return response.json()


def answer(dg: Deskguard, vid: str) -> dict:
    response = dg.client.post(
        f"/v1/verifications/{vid}/answers",
        json={"answers": genuine_answers(dg.truth(vid))},
        headers=dg.keys["helpdesk"],
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_agent_score_of_zero_is_unknown_so_privileged_accounts_escalate(dg: Deskguard) -> None:
    started = dg.start(dg.employee(ADMIN_ROLE), action="privileged_account",
                       signal={"score": 0.0, "source": "trust me"}, ticket=TICKET)  # fmt: skip
    truth = dg.truth(started["id"])
    assert truth["signal"]["provenance"] == "agent"
    decided = answer(dg, started["id"])
    assert decided["decision"] == "escalate"
    assert any("no device/network risk signal" in r for r in decided["reasons"])


def test_an_agent_score_gets_mfa_resets_the_strict_thresholds(dg: Deskguard) -> None:
    vid = dg.start(dg.employee(ADMIN_ROLE), action="mfa_reset", signal={"score": 0.0})["id"]
    answer(dg, vid)
    assert any("stricter thresholds" in r for r in dg.truth(vid)["reasons"])


def test_a_provider_posted_signal_is_used_for_its_ticket(dg: Deskguard) -> None:
    posted = post_signal(dg, score=0.05, ticket=TICKET, reasons=["managed device"])
    assert posted["id"].startswith("sig_") and posted["ticket"] == "jsm:HD-9"
    started = dg.start(
        dg.employee(ADMIN_ROLE), action="privileged_account", signal={"score": 0.99}, ticket=TICKET
    )  # fmt: skip  (the agent's is ignored)
    truth = dg.truth(started["id"])
    assert truth["signal"]["provenance"] == "provider_api"
    assert truth["signal"]["id"] == posted["id"] and truth["signal"]["score"] == 0.05
    assert answer(dg, started["id"])["decision"] == "allow"


def test_a_posted_signal_binds_to_its_ticket_call_and_employee_and_expires(dg: Deskguard) -> None:
    upn = dg.employee(ADMIN_ROLE)
    post_signal(dg, score=0.05, ticket={"system": "jsm", "id": "HD-10"})
    post_signal(dg, score=0.05, ticket=TICKET, employee="someone.else@corp.example")
    assert dg.truth(dg.start(upn, ticket=TICKET)["id"])["signal"] is None
    post_signal(dg, score=0.2, call_id="call-77")
    by_call = dg.truth(dg.start(upn, call_id="call-77")["id"])["signal"]
    assert by_call["provenance"] == "provider_api" and by_call["score"] == 0.2
    dg.clock.advance(301)  # five minutes by default
    assert dg.truth(dg.start(upn, call_id="call-77")["id"])["signal"] is None


def test_signals_need_a_ticket_or_call_and_the_signal_role(dg: Deskguard) -> None:
    unbound = dg.client.post("/v1/signals", json={"score": 0.1, "source": "edr"},
                             headers=signal_key(dg))  # fmt: skip
    assert unbound.status_code == 422 and unbound.json()["error"]["code"] == "invalid_input"
    agent = dg.client.post("/v1/signals", json={"score": 0.0, "source": "x", "ticket": TICKET},
                           headers=dg.keys["helpdesk"])  # fmt: skip
    assert agent.status_code == 403
    start = dg.client.post("/v1/verifications", json={"employee": dg.employee(ADMIN_ROLE),
                           "action": "password_reset"}, headers=signal_key(dg))  # fmt: skip
    assert start.status_code == 403


def token(claims: dict, key: OKPKey = PROVIDER_KEY) -> str:
    now = int(Clock().now.timestamp())
    base = {"iss": PROVIDER["issuer"], "aud": "deskguard", "iat": now, "exp": now + 120}
    return jwt.encode({"alg": "Ed25519", "kid": key.kid}, base | claims, key,
                      algorithms=["Ed25519"])  # fmt: skip


@pytest.fixture
def signed(demo_data_dir: Path, tmp_path: Path) -> Deskguard:
    settings = settings_for(demo_data_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'test.db'}"}
    )
    signals = settings.signals.model_copy(update={"providers": [SignalProvider(**PROVIDER)]})
    return make_deskguard(settings.model_copy(update={"signals": signals}), Clock())


def test_a_provider_signed_signal_token_is_verified_against_its_jwks(signed: Deskguard) -> None:
    dg = signed
    upn = dg.employee(ADMIN_ROLE)
    good = token({"score": 0.1, "ticket": "jsm:HD-9", "reasons": ["managed device"]})
    started = dg.start(upn, action="privileged_account", ticket=TICKET, signal_token=good)
    truth = dg.truth(started["id"])
    assert truth["signal"]["provenance"] == "provider_jws" and truth["signal"]["source"] == "edr"
    assert answer(dg, started["id"])["decision"] == "allow"
    other = OKPKey.generate_key("Ed25519", parameters={"kid": "edr-1"})
    bad = {
        "forged": token({"score": 0.0, "ticket": "jsm:HD-9"}, other),
        "other ticket": token({"score": 0.0, "ticket": "jsm:HD-10"}),
        "expired": token({"score": 0.0, "ticket": "jsm:HD-9", "exp": 1}),
        "long-lived": token(
            {"score": 0.0, "ticket": "jsm:HD-9", "exp": int(Clock().now.timestamp()) + 3600}
        ),
        "unbound": token({"score": 0.0}),
        "not a jws": "abc",
    }
    for name, value in bad.items():
        response = dg.client.post(
            "/v1/verifications",
            json={"employee": upn, "action": "mfa_reset", "ticket": TICKET, "signal_token": value},
            headers=dg.keys["helpdesk"],
        )
        assert response.status_code == 422, (name, response.text)
        assert response.json()["error"]["code"] == "invalid_input"
        assert "signal_token" in response.json()["error"]["message"], name
