"""Signed grants: Ed25519 JWS receipts, the JWKS, expiry, binding, rotation and single use."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OKPKey

from api.grants import GrantExpired, GrantInvalid, GrantMismatch, GrantNotAllow, GrantUsed
from api.runtime import build_runtime
from api.signing import KEY_FILE
from tests.api.conftest import Clock, Deskguard, settings_for
from tests.api.test_verifications import ADMIN_ROLE, genuine_answers

TICKET = {"system": "jsm", "id": "HD-77"}


def decide(dg: Deskguard, *, right: bool = True, **extra: object) -> dict:
    started = dg.start(dg.employee(ADMIN_ROLE), signal={"score": 0.1}, **extra)
    if right:
        answers = genuine_answers(dg.truth(started["id"]))
    else:
        answers = [{"question_id": q["id"], "response": "no idea"} for q in started["questions"]]
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": answers},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["receipt"], decided
    return decided


def check(dg: Deskguard, receipt: str, **expect: object) -> dict:
    response = dg.client.post(
        "/v1/receipts/verify", json={"receipt": receipt, **expect}, headers=dg.keys["helpdesk"]
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_receipt_is_an_ed25519_jws_anyone_can_check_against_the_jwks(dg: Deskguard) -> None:
    decided = decide(dg, ticket=TICKET)
    jwks = dg.client.get("/.well-known/jwks.json").json()  # public: no key needed
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and "d" not in k for k in jwks["keys"])
    token = jwt.decode(decided["receipt"], KeySet.import_key_set(jwks), algorithms=["Ed25519"])
    claims = token.claims
    assert token.header["kid"] in {k["kid"] for k in jwks["keys"]}
    assert claims["sub"] == decided["employee"] and claims["aud"] == "jsm:HD-77"
    assert claims["action"] == "password_reset" and claims["decision"] == "allow"
    assert claims["exp"] - claims["iat"] == 15 * 60 and len(claims["jti"]) >= 32
    assert "verdicts" not in claims  # a receipt is no feedback on which answers were right


def test_verify_checks_employee_action_and_ticket(dg: Deskguard) -> None:
    decided = decide(dg, ticket=TICKET)
    receipt, upn = decided["receipt"], decided["employee"]
    ok = check(dg, receipt, employee=upn, action="password_reset", ticket=TICKET)
    assert ok["valid"] and ok["decision"] == "allow" and ok["ticket"] == "jsm:HD-77"
    for expect in (
        {"employee": "someone.else@corp.example"},
        {"action": "mfa_reset"},
        {"ticket": {"system": "jsm", "id": "HD-78"}},
    ):
        result = check(dg, receipt, **expect)
        assert not result["valid"] and result["problem"]["code"] == "grant_mismatch", expect
        assert result["decision"] is None


def test_a_receipt_without_a_ticket_does_not_verify_for_a_ticket(dg: Deskguard) -> None:
    receipt = decide(dg)["receipt"]
    assert check(dg, receipt)["valid"]
    assert check(dg, receipt, ticket=TICKET)["problem"]["code"] == "grant_mismatch"


def test_a_forged_or_foreign_receipt_is_invalid(dg: Deskguard) -> None:
    receipt = decide(dg, right=False)["receipt"]
    header, payload, signature = receipt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["decision"] = "allow"
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    foreign = OKPKey.generate_key(
        "Ed25519", parameters={"kid": json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]}
    )
    forged = jwt.encode(
        {"alg": "Ed25519", "kid": foreign.kid, "typ": "deskguard-grant+jwt"},
        claims,
        foreign,
        algorithms=["Ed25519"],
    )
    for token in (f"{header}.{edited}.{signature}", forged, "not.a.jws", "x" * 50):
        result = check(dg, token)
        assert not result["valid"] and result["problem"]["code"] == "grant_invalid", token


def test_a_deny_receipt_verifies_as_a_deny_and_is_never_permission(dg: Deskguard) -> None:
    decided = decide(dg, right=False)
    assert decided["decision"] == "deny"
    result = check(dg, decided["receipt"])
    assert result["valid"] and result["decision"] == "deny"
    with pytest.raises(GrantNotAllow):
        dg.runtime.grants.redeem(
            decided["receipt"],
            employee=decided["employee"],
            action="password_reset",
            ticket=None,
            purpose="recovery",
            actor="test",
        )


def test_an_expired_receipt_is_rejected(dg: Deskguard) -> None:
    receipt = decide(dg)["receipt"]
    dg.clock.advance(15 * 60 - 1)
    assert check(dg, receipt)["valid"]
    dg.clock.advance(2)
    assert check(dg, receipt)["problem"]["code"] == "grant_expired"
    with pytest.raises(GrantExpired):
        dg.runtime.grants.verify(receipt)


def test_a_grant_is_redeemed_once(dg: Deskguard) -> None:
    decided = decide(dg, ticket=TICKET)
    redeem = {
        "employee": decided["employee"],
        "action": "password_reset",
        "ticket": ("jsm", "HD-77"),
        "purpose": "recovery",
        "actor": "okta",
    }
    claims = dg.runtime.grants.redeem(decided["receipt"], **redeem)  # type: ignore[arg-type]
    assert claims.decision == "allow" and claims.verification_id == decided["id"]
    with pytest.raises(GrantUsed):
        dg.runtime.grants.redeem(decided["receipt"], **redeem)  # type: ignore[arg-type]
    with pytest.raises(GrantUsed):  # consume alone is single-use too (the database says so)
        dg.runtime.grants.consume(
            claims.jti, verification_id=decided["id"], purpose="other", actor="x"
        )
    # A grant for a ticket is only redeemed for that ticket.
    other = decide(dg, ticket=TICKET)
    with pytest.raises(GrantMismatch):
        dg.runtime.grants.redeem(other["receipt"], **(redeem | {"ticket": None}))  # type: ignore[arg-type]


def test_rotation_keeps_live_receipts_valid_until_they_expire(dg: Deskguard) -> None:
    old = decide(dg)["receipt"]
    old_kid = dg.runtime.keyring.current.jwk["kid"]
    dg.runtime.keyring.rotate()
    new = decide(dg)["receipt"]
    kids = {k["kid"] for k in dg.client.get("/.well-known/jwks.json").json()["keys"]}
    assert old_kid in kids and len(kids) == 2
    assert check(dg, old)["valid"] and check(dg, new)["valid"]
    assert json.loads(base64.urlsafe_b64decode(new.split(".")[0] + "=="))["kid"] != old_kid
    dg.clock.advance(15 * 60 + 61)  # every grant of the old key has expired
    kids = {k["kid"] for k in dg.client.get("/.well-known/jwks.json").json()["keys"]}
    assert old_kid not in kids and len(kids) == 1


def test_keys_live_in_the_data_dir_owner_only_or_come_from_settings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runtime = build_runtime(settings_for(data, connectors=["demo"]), clock=Clock())
    assert stat.S_IMODE(os.stat(data / KEY_FILE).st_mode) == 0o600
    kid = runtime.keyring.current.jwk["kid"]
    again = build_runtime(settings_for(data, connectors=["demo"]), clock=Clock())
    assert again.keyring.current.jwk["kid"] == kid  # the same key across restarts

    key = OKPKey.generate_key("Ed25519", parameters={"kid": "configured-1"})
    configured = json.dumps({"keys": [key.as_dict(private=True)]})
    other = tmp_path / "other"
    runtime = build_runtime(
        settings_for(other, connectors=["demo"], signing_keys=configured), clock=Clock()
    )
    assert runtime.keyring.current.jwk["kid"] == "configured-1"
    assert not (other / KEY_FILE).exists()
    grant = runtime.grants.issue(
        verification_id="ver_1",
        employee="a@b.example",
        action="password_reset",
        ticket=None,
        decision="allow",
        policy="p@1",
    )
    assert jwt.decode(grant.token, key, algorithms=["Ed25519"]).claims["sub"] == "a@b.example"
    with pytest.raises(GrantInvalid):  # another deployment's key does not verify here
        build_runtime(
            settings_for(tmp_path / "third", connectors=["demo"]), clock=Clock()
        ).grants.verify(grant.token)


def test_signing_rotate_cli_keeps_the_old_key_in_the_ring(tmp_path: Path) -> None:
    from tests.api.test_demo_and_cli import run_cli

    first = json.loads(run_cli(tmp_path, "signing", "jwks").stdout)["keys"]
    rotated = run_cli(tmp_path, "signing", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    out = json.loads(rotated.stdout)
    assert out["retired"] == first[0]["kid"] and out["kid"] != out["retired"]
    ring = json.loads(run_cli(tmp_path, "signing", "jwks").stdout)["keys"]
    assert [k["kid"] for k in ring] == [out["kid"], out["retired"]]
    assert all("d" not in k for k in ring)
