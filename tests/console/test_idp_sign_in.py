"""The console's "Sign in with <company IdP>" through the real flow (TestClient, httpx against a
local fake issuer on 127.0.0.1): discovery, the authorization redirect with state, nonce and a
PKCE S256 challenge, the callback, the code exchange at the token endpoint, the ID token checked
by api/oidc.py, the role mapped as for bearer tokens. Every failure is a page in words, and
nobody is signed in."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import ECKey
from pydantic import SecretStr
from sqlalchemy import select

from api.settings import LimitSettings, OIDCSettings
from api.storage import AuditRow
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.console.test_pages import browser, csrf
from tests.fakes.oidc_issuer import CLIENT_ID, CLIENT_SECRET, FakeIssuer

ACTOR = "pat.agent@corp.example [oidc:00u1agent]"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console-idp")


@pytest.fixture
def issuer() -> Iterator[FakeIssuer]:
    fake = FakeIssuer().start()
    yield fake
    fake.stop()


def idp_settings(issuer_url: str, **extra: Any) -> OIDCSettings:
    return OIDCSettings(
        issuer=issuer_url,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        display_name="Corp SSO",
        **extra,
    )


def deskguard_with(demo_dir: Path, tmp_path: Path, oidc: OIDCSettings, **update: Any) -> Deskguard:
    settings = settings_for(demo_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'idp.db'}", "oidc": oidc, **update}
    )
    return make_deskguard(settings, Clock())


@pytest.fixture
def dg(demo_dir: Path, tmp_path: Path, issuer: FakeIssuer) -> Deskguard:
    return deskguard_with(demo_dir, tmp_path, idp_settings(issuer.url))


@dataclass
class Flow:
    """One sign-in in flight: the browser, the authorization request it was sent to, and the
    callback URL the issuer sent it back to."""

    client: TestClient
    authorize: dict[str, str]
    callback: str

    def finish(self, **override: str) -> httpx.Response:
        """The browser arriving at the callback (with parameters changed as an attacker would)."""
        parts = urlsplit(self.callback)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()} | override
        return self.client.get(parts.path, params=params, follow_redirects=False)


def begin(dg: Deskguard, client: TestClient | None = None) -> Flow:
    client = client or browser(dg)
    started = client.get("/console/oidc/start", follow_redirects=False)
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    at_idp = httpx.get(location, follow_redirects=False)  # the IdP signs the user in at once
    assert at_idp.status_code == 302
    return Flow(client, query, at_idp.headers["location"])


def signed_in_as(client: TestClient) -> httpx.Response:
    return client.get("/console/start", follow_redirects=False)


def audit_events(dg: Deskguard) -> list[tuple[str, str, dict[str, Any]]]:
    with dg.runtime.db.session() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.seq))
        return [(r.event, r.actor, r.detail) for r in rows]


def test_the_sign_in_page_offers_the_idp_when_configured(dg: Deskguard, demo_dir: Path) -> None:
    page = browser(dg).get("/console/sign-in")
    assert "Sign in with Corp SSO" in page.text and 'href="/console/oidc/start"' in page.text
    assert "Your API key" in page.text  # the key stays available beside it
    plain = make_deskguard(settings_for(demo_dir), Clock())
    assert "/console/oidc/start" not in browser(plain).get("/console/sign-in").text


def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(
    dg: Deskguard, issuer: FakeIssuer
) -> None:
    flow = begin(dg)
    sent = flow.authorize
    assert sent["response_type"] == "code" and sent["client_id"] == CLIENT_ID
    assert sent["redirect_uri"] == "http://testserver/console/oidc/callback"
    assert sent["scope"] == "openid profile email"
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
    assert len(sent["state"]) >= 32 and len(sent["nonce"]) >= 32
    cookie = next(c for c in flow.client.cookies.jar if c.name == "deskguard_oidc")
    assert cookie.path == "/console/oidc" and cookie.has_nonstandard_attr("HttpOnly")
    verifier_or_nonce = [sent["state"], sent["nonce"]]
    assert all(v not in flow.client.get("/console/sign-in").text for v in verifier_or_nonce)


def test_a_genuine_sign_in_starts_an_oidc_session_with_the_mapped_role(dg: Deskguard) -> None:
    flow = begin(dg)
    done = flow.finish()
    assert done.status_code == 200, done.text
    assert "You are signed in as pat.agent@corp.example (helpdesk)" in done.text
    assert 'http-equiv="refresh" content="0; url=/console/start"' in done.text
    assert "deskguard_oidc=" in done.headers["set-cookie"]  # the flow cookie, deleted
    session = json.loads(
        base64.b64decode(flow.client.cookies["deskguard_console"].split(".")[0] + "==")
    )
    assert session["method"] == "oidc" and session["key_id"] == "oidc:00u1agent"
    assert session["role"] == "helpdesk" and "nonce" not in json.dumps(session)
    start = signed_in_as(flow.client)
    assert start.status_code == 200 and "New verification" in start.text
    upn = dg.employee("it_admin")
    token = csrf(flow.client, f"/console/start?employee={upn}")
    made = flow.client.post(
        "/console/verifications",
        data={"employee": upn, "action": "password_reset", "ticket_id": "INC7", "csrf": token},
        follow_redirects=False,
    )
    assert made.status_code == 303
    vid = made.headers["location"].rsplit("/", 1)[-1]
    assert dg.truth(vid)["created_by"] == ACTOR  # the audit names the IdP user
    signed = [(a, d) for e, a, d in audit_events(dg) if e == "console.signed_in"]
    assert signed == [(ACTOR, {"method": "oidc", "role": "helpdesk"})]


def test_a_key_sign_in_is_audited_the_same_way(dg: Deskguard) -> None:
    from tests.console.test_pages import key_of

    client = browser(dg)
    client.post("/console/sign-in", data={"key": key_of(dg, "auditor"), "csrf": csrf(client)})
    [(_, actor, detail)] = [e for e in audit_events(dg) if e[0] == "console.signed_in"]
    assert actor.endswith("]") and detail == {"method": "api_key", "role": "auditor"}


@dataclass(frozen=True)
class Case:
    id: str
    claims: dict[str, Any]
    status: int
    words: str


FORGED = ECKey.generate_key("P-256", parameters={"kid": "k1"})  # same kid, not the IdP's key
TOKEN_CASES = [
    Case("wrong nonce", {"nonce": "replayed-from-another-sign-in"}, 401, "ID token was refused"),
    Case("no nonce", {"nonce": None}, 401, "ID token was refused"),
    Case("other audience", {"aud": "another-app"}, 401, "ID token was refused"),
    Case("other issuer", {"iss": "http://127.0.0.1:1/evil"}, 401, "ID token was refused"),
    Case("expired", {"exp": 1_000_000}, 401, "ID token was refused"),
    # azp names the client the token was issued to: another one's token is refused
    Case("other azp", {"aud": [CLIENT_ID, "x"], "azp": "x"}, 401, "issued to another client"),
    Case("no deskguard role", {"roles": ["other.app.admin"]}, 403, "carries no deskguard role"),
]


@pytest.mark.parametrize("case", TOKEN_CASES, ids=lambda c: c.id)
def test_a_bad_id_token_signs_nobody_in(dg: Deskguard, issuer: FakeIssuer, case: Case) -> None:
    issuer.id_claims = dict(case.claims)
    flow = begin(dg)
    done = flow.finish()
    assert done.status_code == case.status, done.text
    assert case.words in done.text and "Nobody was signed in" in done.text
    assert "Traceback" not in done.text
    assert signed_in_as(flow.client).status_code == 401
    assert not [e for e in audit_events(dg) if e[0] == "console.signed_in"]


def test_an_id_token_signed_by_another_key_is_refused(dg: Deskguard, issuer: FakeIssuer) -> None:
    issuer.id_key = FORGED
    flow = begin(dg)
    done = flow.finish()
    assert done.status_code == 401 and "BadSignatureError" in done.text
    assert signed_in_as(flow.client).status_code == 401


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"state": "not-the-state-we-sent"}, "does not belong to this sign-in"),
        ({"state": ""}, "does not belong to this sign-in"),
        ({"error": "access_denied"}, "The sign-in was cancelled"),
        # an IdP error parameter is untrusted text: only a code-like value is shown
        ({"error": "Call 555-0100 to verify <b>now</b>"}, "refused the sign-in (an error)"),
        ({"code": ""}, "carries no authorization code"),
        ({"code": "a-code-the-idp-never-issued"}, "refused the sign-in code (invalid_grant)"),
    ],
)
def test_a_tampered_or_refused_callback_signs_nobody_in(
    dg: Deskguard, override: dict[str, str], words: str
) -> None:
    flow = begin(dg)
    done = flow.finish(**override)
    assert done.status_code == 401, done.text
    assert words in done.text and "Nobody was signed in" in done.text
    assert "555-0100" not in done.text and "<b>now" not in done.text
    assert signed_in_as(flow.client).status_code == 401


def test_a_callback_is_good_once_and_only_in_the_browser_that_started_it(dg: Deskguard) -> None:
    flow = begin(dg)
    other_browser = browser(dg)
    stolen = other_browser.get(urlsplit(flow.callback).path + "?" + urlsplit(flow.callback).query)
    assert stolen.status_code == 401 and "not started in this browser" in stolen.text
    assert flow.finish().status_code == 200
    again = flow.finish()  # the flow cookie is gone, and the code was used
    assert again.status_code == 401 and signed_in_as(other_browser).status_code == 401


def test_an_unreachable_issuer_is_a_page_in_words(demo_dir: Path, tmp_path: Path) -> None:
    dg = deskguard_with(demo_dir, tmp_path, idp_settings("http://127.0.0.1:9", timeout_seconds=1))
    client = browser(dg)
    page = client.get("/console/oidc/start", follow_redirects=False)
    assert page.status_code == 503
    assert "The identity provider could not be reached" in page.text
    assert "sign in with your API key" in page.text and "Traceback" not in page.text


def test_a_token_endpoint_down_at_the_callback_signs_nobody_in(
    dg: Deskguard, issuer: FakeIssuer
) -> None:
    from tests.fakes.local_http import Reply

    flow = begin(dg)
    issuer.server.script("/token", Reply(503, {"error": "temporarily_unavailable"}))
    done = flow.finish()
    assert done.status_code == 503 and "token endpoint failed" in done.text
    assert signed_in_as(flow.client).status_code == 401


def test_failed_idp_sign_ins_are_logged_and_throttled_per_address(
    demo_dir: Path, tmp_path: Path, issuer: FakeIssuer, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.logging import configure_logging
    from tests.console.test_pages import key_of

    limits = LimitSettings(auth_failures_per_client=2, auth_window_seconds=60)
    dg = deskguard_with(demo_dir, tmp_path, idp_settings(issuer.url), limits=limits)
    configure_logging("INFO", json_logs=True)
    try:
        refused = [begin(dg).finish(state="forged").status_code for _ in range(2)]
    finally:
        configure_logging("WARNING")
    assert refused == [401, 401]
    logged = [
        line for line in capsys.readouterr().err.splitlines() if "authentication_failed" in line
    ]
    assert len(logged) == 2 and all('"reason": "oidc_sign_in_refused"' in line for line in logged)
    client = browser(dg)  # this address is now locked out, for keys as for the API
    locked = client.post(
        "/console/sign-in", data={"key": key_of(dg, "helpdesk"), "csrf": csrf(client)}
    )
    assert locked.status_code == 429
