"""Who is calling: named keys (create, list, revoke; the audit names the holder), OIDC bearer
tokens validated against a local issuer's discovery document and JWKS (joserfc), and failed
authentication logged and throttled per client address."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey

from api.auth import create_key, list_keys, revoke_key
from api.settings import OIDCSettings
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for, throttled
from tests.api.test_verifications import ADMIN_ROLE
from tests.fakes.oidc_issuer import AUDIENCE, FakeIssuer


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_names_its_holder_and_the_audit_names_who_acted(dg: Deskguard) -> None:
    key_id, key = create_key(dg.runtime.db, "helpdesk", "agent 4411")
    started = dg.client.post(
        "/v1/verifications",
        json={"employee": dg.employee(ADMIN_ROLE), "action": "password_reset"},
        headers=bearer(key),
    ).json()
    records = dg.client.get(
        "/v1/audit", params={"verification_id": started["id"]}, headers=dg.keys["auditor"]
    ).json()["records"]
    assert {r["actor"] for r in records} == {f"agent 4411 [{key_id}]"}
    assert dg.truth(started["id"])["created_by"] == f"agent 4411 [{key_id}]"
    listed = {k.id: k for k in list_keys(dg.runtime.db)}
    assert listed[key_id].name == "agent 4411" and listed[key_id].role == "helpdesk"


def test_a_revoked_key_stops_working(dg: Deskguard) -> None:
    key_id, key = create_key(dg.runtime.db, "auditor", "auditor 7")
    assert dg.client.get("/v1/audit", headers=bearer(key)).status_code == 200
    assert revoke_key(dg.runtime.db, key_id).revoked_at is not None
    refused = dg.client.get("/v1/audit", headers=bearer(key))
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "unknown or revoked API key"


def test_keys_commands_create_list_and_revoke(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    env = {"DESKGUARD_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        made = runner.invoke(
            app, ["keys", "create", "--role", "helpdesk", "--name", "agent 4411"], env=env
        )
        listed = runner.invoke(app, ["keys", "list"], env=env)
        key_id = made.output.strip().split("_")[1]
        revoked = runner.invoke(app, ["keys", "revoke", key_id], env=env)
        after = runner.invoke(app, ["keys", "list"], env=env)
    finally:
        get_settings.cache_clear()
    assert made.output.startswith("dg_")
    assert f'"id":"{key_id}","name":"agent 4411","role":"helpdesk"' in listed.output
    assert '"revoked_at":null' in listed.output
    assert f'"revoked": "{key_id}"' in revoked.output
    assert '"revoked_at":null' not in after.output
    audited = runner_audit(tmp_path)
    assert [(e, d["key_id"], d["name"]) for e, d in audited] == [
        ("key.created", key_id, "agent 4411"),
        ("key.revoked", key_id, "agent 4411"),
    ]


def runner_audit(data_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """The audit records the key commands wrote (the CLI's SQLite file in the data dir)."""
    from sqlalchemy import select

    from api.storage import AuditRow, Database

    db = Database(f"sqlite:///{data_dir / 'deskguard.db'}")
    with db.session() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.seq))
        return [(r.event, r.detail) for r in rows]


@pytest.fixture
def issuer() -> Iterator[FakeIssuer]:
    fake = FakeIssuer().start()
    yield fake
    fake.stop()


@pytest.fixture
def oidc_dg(issuer: FakeIssuer, demo_data_dir: Path, tmp_path: Path) -> Deskguard:
    settings = settings_for(demo_data_dir).model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'oidc.db'}",
            "oidc": OIDCSettings(issuer=issuer.url, audience=AUDIENCE),
        }
    )
    return make_deskguard(settings, Clock())


def start_with(dg: Deskguard, token: str) -> Any:
    return dg.client.post(
        "/v1/verifications",
        json={"employee": dg.employee(ADMIN_ROLE), "action": "password_reset"},
        headers=bearer(token),
    )


def test_an_idp_token_with_a_role_is_let_in_and_audited(
    oidc_dg: Deskguard, issuer: FakeIssuer
) -> None:
    response = start_with(oidc_dg, issuer.token())
    assert response.status_code == 201, response.text
    records = oidc_dg.client.get(
        "/v1/audit", params={"verification_id": response.json()["id"]},
        headers=oidc_dg.keys["auditor"],
    ).json()["records"]  # fmt: skip
    assert records[0]["actor"] == "pat.agent@corp.example [oidc:00u1agent]"
    assert start_with(oidc_dg, oidc_dg.keys["helpdesk"]["Authorization"][7:]).status_code == 201


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"aud": "api://someone-else"}, 401),
        ({"iss": "http://127.0.0.1:1/other"}, 401),
        ({"exp": int(time.time()) - 60}, 401),
        ({"roles": ["other.app.admin"]}, 403),  # authenticated, but no deskguard role
        ({"roles": "deskguard.auditor"}, 403),  # a single string works; auditors cannot start
    ],
)
def test_a_token_for_another_audience_issuer_or_time_or_role_is_refused(
    oidc_dg: Deskguard, issuer: FakeIssuer, claims: dict[str, Any], status: int
) -> None:
    response = start_with(oidc_dg, issuer.token(**claims))
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] in ("unauthorized", "forbidden")


def test_a_token_signed_by_another_key_is_refused(oidc_dg: Deskguard, issuer: FakeIssuer) -> None:
    forged = issuer.token(key=ECKey.generate_key("P-256", parameters={"kid": "k1"}))
    assert start_with(oidc_dg, forged).status_code == 401
    assert start_with(oidc_dg, "not-a-jwt").status_code == 401


def test_a_rotated_issuer_key_is_picked_up(oidc_dg: Deskguard, issuer: FakeIssuer) -> None:
    assert start_with(oidc_dg, issuer.token()).status_code == 201
    issuer.rotate("k2")  # the cached JWKS lacks k2: read again once
    assert start_with(oidc_dg, issuer.token()).status_code == 201


def test_failed_authentication_is_logged_and_throttled_per_address(
    demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.logging import configure_logging

    dg = throttled(demo_data_dir, tmp_path / "auth.db", failures=3)
    configure_logging("INFO", json_logs=True)
    try:
        statuses = [
            dg.client.get("/v1/audit", headers=bearer(f"dg_guess_{n}")).status_code
            for n in range(5)
        ]
        locked = dg.client.get("/v1/audit", headers=dg.keys["auditor"])
    finally:
        configure_logging("WARNING")
    assert statuses == [401, 401, 401, 429, 429]
    assert locked.status_code == 429  # even a good key, from this address, until the window ends
    assert locked.headers["Retry-After"] == "60"
    assert locked.json()["error"]["code"] == "rate_limited"
    logged = [
        line for line in capsys.readouterr().err.splitlines() if "authentication_failed" in line
    ]
    assert len(logged) == 3 and all('"client": "testclient"' in line for line in logged)
    dg.clock.advance(61)
    assert dg.client.get("/v1/audit", headers=dg.keys["auditor"]).status_code == 200
