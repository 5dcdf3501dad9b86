"""The console's pages without a browser (TestClient): sessions, CSRF, roles, errors in words."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.storage import ApiKeyRow
from tests.api.conftest import Deskguard, deskguard_on, throttled

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console-pages")


@pytest.fixture
def dg(demo_dir: Path, tmp_path: Path) -> Iterator[Deskguard]:
    yield deskguard_on(demo_dir, tmp_path / "test.db")


def key_of(dg: Deskguard, role: str) -> str:
    return dg.keys[role]["Authorization"].removeprefix("Bearer ")


def browser(dg: Deskguard) -> TestClient:
    """A client with its own cookie jar (the shared dg.client is for the JSON API)."""
    return TestClient(create_app(dg.runtime), raise_server_exceptions=False)


def csrf(client: TestClient, path: str = "/console/sign-in") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, path
    return match.group(1)


def signed_in(dg: Deskguard, role: str) -> TestClient:
    client = browser(dg)
    token = csrf(client)
    response = client.post("/console/sign-in", data={"key": key_of(dg, role), "csrf": token})
    assert response.status_code == 200, response.text
    return client


def started(dg: Deskguard, client: TestClient) -> str:
    upn = dg.employee("it_admin")
    token = csrf(client, f"/console/start?employee={upn}")
    response = client.post(
        "/console/verifications",
        data={"employee": upn, "action": "password_reset", "ticket_id": "INC1", "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def test_session_cookie_is_strict_httponly_and_holds_no_key(dg: Deskguard) -> None:
    client = browser(dg)
    token = csrf(client)
    response = client.post(
        "/console/sign-in",
        data={"key": key_of(dg, "helpdesk"), "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    for attribute in ("httponly", "samesite=strict", "path=/console"):
        assert attribute in cookie.lower()
    payload = base64.b64decode(cookie.split("=", 1)[1].split(".", 1)[0] + "==")
    session = json.loads(payload)
    assert key_of(dg, "helpdesk") not in payload.decode()
    assert session["key_id"] and session["csrf"] != token  # a new session at sign-in


def test_an_idp_token_at_the_key_sign_in_is_refused_in_words(dg: Deskguard) -> None:
    client = browser(dg)
    response = client.post("/console/sign-in", data={"key": "eyJhbGciOi.x.y", "csrf": csrf(client)})
    assert response.status_code == 401 and "not an identity provider token" in response.text


def test_wrong_key_is_refused_in_words(dg: Deskguard) -> None:
    client = browser(dg)
    response = client.post("/console/sign-in", data={"key": "dg_nope", "csrf": csrf(client)})
    assert response.status_code == 401
    assert "Unknown or revoked API key" in response.text
    assert "Traceback" not in response.text


def test_wrong_keys_at_sign_in_are_throttled_per_address(  # lost in 79725ae, restored
    demo_dir: Path, tmp_path: Path
) -> None:
    dg = throttled(demo_dir, tmp_path / "throttle.db", failures=2)
    client = browser(dg)
    statuses = [
        client.post("/console/sign-in", data={"key": f"dg_guess{n}", "csrf": csrf(client)})
        for n in range(3)
    ]
    assert [r.status_code for r in statuses] == [401, 401, 429]
    good = client.post(
        "/console/sign-in", data={"key": key_of(dg, "helpdesk"), "csrf": csrf(client)}
    )
    assert good.status_code == 429  # this address is locked out until the window passes
    dg.clock.advance(61)
    signed = client.post(
        "/console/sign-in", data={"key": key_of(dg, "helpdesk"), "csrf": csrf(client)}
    )
    assert signed.status_code == 200


@pytest.mark.parametrize(
    "token, headers",
    [
        ("", {}),  # no token
        ("forged-token", {}),  # not this session's
        (None, {"Sec-Fetch-Site": "cross-site"}),  # the right token, sent from another site
    ],
)
def test_csrf_refused(dg: Deskguard, token: str | None, headers: dict[str, str]) -> None:
    client = signed_in(dg, "helpdesk")
    upn = dg.employee("it_admin")
    real = csrf(client, f"/console/start?employee={upn}")
    sent = real if token is None else token
    response = client.post(
        "/console/verifications",
        data={"employee": upn, "action": "password_reset", "csrf": sent},
        headers=headers,
    )
    assert response.status_code == 403
    assert "refused" in response.text or "expired" in response.text
    assert dg.runtime.db.list_verifications() == []  # nothing was started


@pytest.mark.parametrize(
    "role, allowed, refused",
    [
        ("helpdesk", ["/console/start"], ["/console/security", "/console/audit"]),
        ("security", ["/console/security"], ["/console/start", "/console/audit"]),
        ("auditor", ["/console/security", "/console/audit"], ["/console/start"]),
        ("admin", ["/console/start", "/console/security", "/console/audit"], []),
    ],
)
def test_each_role_sees_what_its_api_role_can(
    dg: Deskguard, role: str, allowed: list[str], refused: list[str]
) -> None:
    client = signed_in(dg, role)
    for path in allowed:
        assert client.get(path).status_code == 200, path
    for path in refused:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Not allowed" in response.text and f"Your role ({role})" in response.text


def test_help_desk_is_refused_one_verification_detail(dg: Deskguard) -> None:
    client = signed_in(dg, "helpdesk")
    verification = started(dg, client)
    response = client.get(f"/console/security/verifications/{verification}")
    assert response.status_code == 403
    security = signed_in(dg, "security")
    detail = security.get(f"/console/security/verifications/{verification}")
    assert detail.status_code == 200
    expected = dg.truth(verification)["question_details"][0]["expected"]
    assert expected in detail.text  # the security role sees what its API role sees


def test_expired_verification_is_refused_in_words(dg: Deskguard) -> None:
    client = signed_in(dg, "helpdesk")
    verification = started(dg, client)
    token = csrf(client, f"/console/verifications/{verification}")
    dg.clock.advance(dg.settings.verification_ttl_seconds + 1)
    page = client.get(f"/console/verifications/{verification}")
    assert page.status_code == 410 and "This verification expired" in page.text
    response = client.post(
        f"/console/verifications/{verification}/answers", data={"csrf": token, "answer-q1": "x"}
    )
    assert response.status_code == 410
    assert "expired; start a new one" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/console/verifications/ver_unknown", 404, "No verification"),
        ("/console/start?employee=nobody@nowhere.example", 200, "Employee name or email"),
    ],
)
def test_errors_are_pages_in_words(dg: Deskguard, path: str, status: int, words: str) -> None:
    response = signed_in(dg, "helpdesk").get(path)
    assert response.status_code == status
    assert words in response.text and "Traceback" not in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_bad_input_is_explained(dg: Deskguard) -> None:
    client = signed_in(dg, "helpdesk")
    token = csrf(client, "/console/start")
    response = client.post(
        "/console/verifications",
        data={"employee": "not-a-upn", "action": "password_reset", "csrf": token},
    )
    assert response.status_code == 422
    assert "user principal name" in response.text and "Traceback" not in response.text


def test_a_revoked_key_ends_its_sessions(dg: Deskguard) -> None:
    client = signed_in(dg, "helpdesk")
    assert client.get("/console/start").status_code == 200
    with dg.runtime.db.session() as session, session.begin():
        for row in session.query(ApiKeyRow).all():
            row.revoked_at = datetime.now(UTC)
    response = client.get("/console/start")
    assert response.status_code == 401 and "revoked" in response.text


def test_pages_allow_only_local_assets(dg: Deskguard) -> None:
    response = browser(dg).get("/console/sign-in")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert not re.search(r'(src|href)="(https?:)?//', response.text)  # no CDN, nothing remote
    assert browser(dg).get("/console/static/console.css").status_code == 200
