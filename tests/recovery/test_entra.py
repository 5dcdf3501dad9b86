"""The Entra executor through msgraph-sdk (app-only) against a local Graph fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from context.config import GraphConfig
from context.connectors.graph_client import graph_client
from recovery.entra import EntraExecutor, temporary_password
from recovery.models import Operation, RecoveryAction, RecoveryError, RecoveryRequest
from tests.fakes.entra_server import TOKEN, FakeEntra, graph_error

UPN = "jane.doe@corp.example"


@pytest.fixture
def entra() -> Iterator[FakeEntra]:
    fake = FakeEntra()
    fake.server.start()
    yield fake
    fake.server.stop()


def executor(fake: FakeEntra, token: str = TOKEN) -> EntraExecutor:
    config = GraphConfig(base_url=fake.base_url, access_token=token, timeout_seconds=5)
    return EntraExecutor(lambda: graph_client(config), tap_lifetime_minutes=30)


def request(operation: Operation, action: RecoveryAction = RecoveryAction.MFA_RESET, **kw):
    return RecoveryRequest(
        employee=UPN, action=action, operation=operation, reference="ver_1", **kw
    )


async def test_mfa_reset_issues_a_one_time_tap_after_revoking_sessions(entra: FakeEntra) -> None:
    user_id = entra.add_user(UPN)
    outcome = await executor(entra).execute(request(Operation.TEMPORARY_ACCESS_PASS))
    assert entra.performed == [("revoke_sessions", user_id), ("create_tap", user_id)]
    post = next(r for r in entra.changes() if r.path.endswith("temporaryAccessPassMethods"))
    assert post.json() == {
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        "isUsableOnce": True,
        "lifetimeInMinutes": 30,
    }
    tap = next(iter(entra.taps[user_id].values()))
    assert outcome.secret is not None and outcome.secret.kind == "temporary_access_pass"
    assert outcome.secret.value.get_secret_value() == tap["temporaryAccessPass"]
    assert outcome.secret.expires_at is not None
    assert outcome.undo == {"user_id": user_id, "tap_method_id": tap["id"]}
    assert all(s.request_id for s in outcome.steps)  # Graph's request-id header


async def test_password_reset_patches_password_profile_never_reset_password(
    entra: FakeEntra,
) -> None:
    user_id = entra.add_user(UPN)
    outcome = await executor(entra).execute(
        request(Operation.TEMP_PASSWORD, RecoveryAction.PASSWORD_RESET)
    )
    patch = next(r for r in entra.changes() if r.method == "PATCH")
    assert patch.path == f"/v1.0/users/{user_id}"
    profile = patch.json()["passwordProfile"]
    assert profile["forceChangePasswordNextSignInWithMfa"] is True
    assert outcome.secret is not None
    assert profile["password"] == outcome.secret.value.get_secret_value()
    # The delegated-only resetPassword action is never called.
    assert not any("resetPassword" in r.path for r in entra.server.requests)


async def test_unknown_or_disabled_user_changes_nothing(entra: FakeEntra) -> None:
    with pytest.raises(RecoveryError, match="HTTP 404"):
        await executor(entra).execute(request(Operation.TEMPORARY_ACCESS_PASS))
    entra.add_user(UPN, accountEnabled=False)
    with pytest.raises(RecoveryError, match="disabled"):
        await executor(entra).execute(request(Operation.TEMPORARY_ACCESS_PASS))
    assert entra.changes() == []


async def test_tap_failure_leaves_no_tap_and_reports_what_was_done(entra: FakeEntra) -> None:
    user_id = entra.add_user(UPN)
    entra.server.script(
        f"/v1.0/users/{user_id}/authentication", graph_error(503, "serviceNotAvailable", "busy")
    )
    with pytest.raises(RecoveryError, match="create a TAP failed: HTTP 503") as caught:
        await executor(entra).execute(request(Operation.TEMPORARY_ACCESS_PASS))
    assert [s.name for s in caught.value.steps] == ["entra.revoke_sign_in_sessions"]
    assert entra.taps.get(user_id, {}) == {}
    # The SDK's own retry handler is off: one POST, not four.
    assert sum(r.path.endswith("Methods") for r in entra.server.requests) == 1


async def test_wrong_token_is_refused(entra: FakeEntra) -> None:
    entra.add_user(UPN)
    with pytest.raises(RecoveryError, match="HTTP 401"):
        await executor(entra, token="nope").execute(request(Operation.TEMPORARY_ACCESS_PASS))
    assert entra.performed == []


async def test_repudiation_revokes_sessions_and_deletes_the_tap(entra: FakeEntra) -> None:
    user_id = entra.add_user(UPN)
    run = executor(entra)
    outcome = await run.execute(request(Operation.TEMPORARY_ACCESS_PASS, revoke_sessions=False))
    steps = await run.repudiate(UPN, outcome.undo)
    assert [s.name for s in steps] == ["entra.revoke_sign_in_sessions", "entra.delete_tap"]
    assert entra.taps[user_id] == {}
    # A TAP already gone (used, expired) is not an error the second time.
    again = await run.repudiate(UPN, outcome.undo)
    assert [s.name for s in again] == ["entra.revoke_sign_in_sessions"]


def test_temporary_passwords_meet_complexity_and_differ() -> None:
    values = {temporary_password() for _ in range(20)}
    assert len(values) == 20
    for value in values:
        assert len(value) == 16
        assert any(c.islower() for c in value) and any(c.isupper() for c in value)
        assert any(c.isdigit() for c in value)
