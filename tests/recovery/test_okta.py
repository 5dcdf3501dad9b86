"""The Okta executor through the official SDK against a local fake of the management API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from recovery.models import Operation, RecoveryAction, RecoveryError, RecoveryRequest
from recovery.okta import OktaConfig, OktaExecutor
from tests.fakes.local_http import Reply
from tests.fakes.okta_server import TOKEN, FakeOkta, okta_error

UPN = "jane.doe@corp.example"


@pytest.fixture
def okta() -> Iterator[FakeOkta]:
    fake = FakeOkta()
    fake.server.start()
    yield fake
    fake.server.stop()


def executor(fake: FakeOkta, token: str = TOKEN) -> OktaExecutor:
    return OktaExecutor(OktaConfig(org_url=fake.url, api_token=token))


def request(operation: Operation, action: RecoveryAction = RecoveryAction.MFA_RESET, **kw):
    return RecoveryRequest(
        employee=UPN, action=action, operation=operation, reference="ver_1", **kw
    )


async def test_mfa_reset_revokes_sessions_then_resets_factors(okta: FakeOkta) -> None:
    user_id = okta.add_user(UPN)
    outcome = await executor(okta).execute(request(Operation.RESET_FACTORS))
    assert okta.performed == [("revoke_sessions", user_id), ("reset_factors", user_id)]
    assert okta.factors[user_id] == []
    assert [s.name for s in outcome.steps] == ["okta.revoke_sessions", "okta.reset_factors"]
    # The provider's request ids are what the fake sent in X-Okta-Request-Id.
    assert all(s.request_id for s in outcome.steps)
    assert outcome.target_id == user_id and outcome.secret is None
    # The API token goes as 'SSWS <token>' (Okta's documented form).
    assert {r.headers["authorization"] for r in okta.server.requests} == {f"SSWS {TOKEN}"}


async def test_password_reset_link_goes_to_the_employee_never_the_caller(okta: FakeOkta) -> None:
    user_id = okta.add_user(UPN)
    outcome = await executor(okta).execute(
        request(Operation.RESET_PASSWORD_EMAIL, RecoveryAction.PASSWORD_RESET)
    )
    reset = next(r for r in okta.server.requests if r.path.endswith("/reset_password"))
    assert reset.query == {"sendEmail": ["true"], "revokeSessions": ["true"]}
    assert okta.users[user_id]["status"] == "RECOVERY"
    assert outcome.delivered_to == "j***@corp.example"
    assert "reset_password/" not in outcome.model_dump_json()  # no link in the outcome


async def test_temp_password_is_returned_once_as_a_secret(okta: FakeOkta) -> None:
    okta.add_user(UPN)
    outcome = await executor(okta).execute(
        request(Operation.TEMP_PASSWORD, RecoveryAction.PASSWORD_RESET, revoke_sessions=False)
    )
    assert outcome.secret is not None and outcome.secret.kind == "temporary_password"
    assert len(outcome.secret.value.get_secret_value()) >= 8
    assert outcome.secret.value.get_secret_value() not in repr(outcome)
    call = next(r for r in okta.server.requests if "expire_password" in r.path)
    assert call.query == {"revokeSessions": ["false"]}


async def test_unknown_user_changes_nothing(okta: FakeOkta) -> None:
    with pytest.raises(RecoveryError, match="404 E0000007") as caught:
        await executor(okta).execute(request(Operation.RESET_FACTORS))
    assert caught.value.request_id and okta.performed == [] and okta.changes() == []


async def test_suspended_user_is_left_to_an_administrator(okta: FakeOkta) -> None:
    user_id = okta.add_user(UPN)
    okta.users[user_id]["status"] = "SUSPENDED"
    with pytest.raises(RecoveryError, match="SUSPENDED"):
        await executor(okta).execute(request(Operation.RESET_FACTORS))
    assert okta.changes() == []


async def test_provider_5xx_after_session_revocation_is_a_failure_not_a_reset(
    okta: FakeOkta,
) -> None:
    user_id = okta.add_user(UPN)
    okta.server.script(
        f"/api/v1/users/{user_id}/lifecycle/reset_factors",
        Reply(500, okta_error("E0000009", "Internal Server Error")),
    )
    with pytest.raises(RecoveryError, match="HTTP 500 E0000009") as caught:
        await executor(okta).execute(request(Operation.RESET_FACTORS))
    # Only the safe step happened, and the error says so; the factors are intact.
    assert [s.name for s in caught.value.steps] == ["okta.revoke_sessions"]
    assert okta.factors[user_id] == ["push", "token:software:totp"]
    # No retry: a reset must never run twice behind the caller's back.
    assert sum("reset_factors" in r.path for r in okta.server.requests) == 1


async def test_wrong_token_is_refused_by_okta(okta: FakeOkta) -> None:
    okta.add_user(UPN)
    with pytest.raises(RecoveryError, match="401 E0000011"):
        await executor(okta, token="wrong").execute(request(Operation.RESET_FACTORS))
    assert okta.performed == []


async def test_unreachable_okta_is_an_error(okta: FakeOkta) -> None:
    url = okta.url
    okta.server.stop()
    with pytest.raises(RecoveryError, match="unreachable"):
        await OktaExecutor(OktaConfig(org_url=url, api_token=TOKEN)).execute(
            request(Operation.RESET_FACTORS)
        )


async def test_repudiation_revokes_sessions_tokens_and_devices(okta: FakeOkta) -> None:
    user_id = okta.add_user(UPN)
    steps = await executor(okta).repudiate(UPN, {})
    assert [s.name for s in steps] == ["okta.revoke_sessions"]
    call = okta.changes()[-1]
    assert call.method == "DELETE" and call.path == f"/api/v1/users/{user_id}/sessions"
    assert call.query == {"oauthTokens": ["true"], "forgetDevices": ["true"]}


def test_plain_http_only_for_loopback() -> None:
    from recovery.models import RecoveryConfigError

    with pytest.raises(RecoveryConfigError, match="https"):
        OktaExecutor(OktaConfig(org_url="http://corp.okta.com", api_token=TOKEN))
    with pytest.raises(RecoveryConfigError, match="API_TOKEN"):
        OktaExecutor(OktaConfig(org_url="https://corp.okta.com"))


async def test_oauth_service_app_with_private_key_jwt(okta: FakeOkta, tmp_path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "okta-service-app.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    user_id = okta.add_user(UPN)
    config = OktaConfig(org_url=okta.url, client_id="0oa1deskguard", private_key_path=str(pem))
    await OktaExecutor(config).execute(request(Operation.RESET_FACTORS, revoke_sessions=False))
    assert okta.performed == [("reset_factors", user_id)]
    (form,) = okta.token_requests
    assert form["scope"] == "okta.users.manage"
    assert form["client_assertion_type"].endswith("jwt-bearer")
    calls = [r for r in okta.server.requests if r.path.startswith("/api/")]
    assert {r.headers["authorization"] for r in calls} == {f"Bearer {TOKEN}"}


async def test_personal_contacts_from_the_okta_profile(okta: FakeOkta) -> None:
    from recovery.contacts import OktaContacts
    from recovery.notify import RecipientKind

    user_id = okta.add_user(UPN)
    okta.users[user_id]["profile"] |= {"secondEmail": "jane@home.example", "mobilePhone": "+1 555"}
    found = await OktaContacts(executor(okta)).personal(UPN)
    assert [(r.kind, r.address) for r in found] == [
        (RecipientKind.PERSONAL_MAIL, "jane@home.example"),
        (RecipientKind.PHONE, "+1 555"),
    ]
