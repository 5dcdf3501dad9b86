"""Every route of the app, called with every role and with no key: who gets in, who gets 403.

A new route fails `test_the_matrix_covers_every_route` until it has a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from api.auth import Role, create_key
from tests.api.conftest import Deskguard
from tests.api.test_verifications import ADMIN_ROLE

PUBLIC = None  # no key needed


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    roles: frozenset[str] | None  # who may call it; None: anyone, without a key
    body: Callable[[Deskguard, str], object] | None = None


def _start(dg: Deskguard, vid: str) -> object:
    return {"employee": dg.employee(ADMIN_ROLE), "action": "password_reset"}


def _answers(dg: Deskguard, vid: str) -> object:
    return {"answers": [{"question_id": "q1", "response": "x"}]}


def _receipt(dg: Deskguard, vid: str) -> object:
    return {"receipt": "not.a.grant"}


def _recovery(dg: Deskguard, vid: str) -> object:
    return {"action": "password_reset"}


def _signal(dg: Deskguard, vid: str) -> object:
    return {"score": 0.1, "source": "edr", "call_id": "call-1"}


HELPDESK, SECURITY, AUDITOR, ADMIN, SIGNAL = "helpdesk", "security", "auditor", "admin", "signal"
READ_STATUS = frozenset({HELPDESK, SECURITY, AUDITOR, ADMIN})
MATRIX = [
    Row("GET", "/healthz", PUBLIC),
    Row("GET", "/readyz", PUBLIC),
    Row("GET", "/metrics", PUBLIC),
    Row("GET", "/.well-known/jwks.json", PUBLIC),
    Row("POST", "/v1/verifications", frozenset({HELPDESK, ADMIN}), _start),
    Row(
        "POST",
        "/v1/verifications/{verification_id}/answers",
        frozenset({HELPDESK, ADMIN}),
        _answers,
    ),
    Row("GET", "/v1/verifications/{verification_id}", READ_STATUS),
    Row("GET", "/v1/audit", frozenset({AUDITOR, ADMIN})),
    Row("POST", "/v1/audit/checkpoints", frozenset({AUDITOR, ADMIN})),
    Row("GET", "/v1/privacy/employees/{upn}/report", frozenset({AUDITOR, ADMIN})),
    Row("POST", "/v1/receipts/verify", READ_STATUS, _receipt),
    Row(
        "POST",
        "/v1/verifications/{verification_id}/recovery",
        frozenset({HELPDESK, ADMIN}),
        _recovery,
    ),
    Row("GET", "/v1/alerts", frozenset({SECURITY, ADMIN})),
    Row("POST", "/v1/hooks/entra/poll", frozenset({SECURITY, ADMIN})),
    # Okta's Event Hook takes no API key: its shared secret is checked instead (tests/api/
    # test_recovery.py); here it is not configured, so every caller gets 404.
    Row("GET", "/v1/hooks/okta", PUBLIC),
    Row("POST", "/v1/hooks/okta", PUBLIC),
    Row("POST", "/v1/signals", frozenset({SIGNAL, ADMIN}), _signal),
]


def app_routes(dg: Deskguard) -> set[tuple[str, str]]:
    """Every operation the app serves, as its OpenAPI document lists them."""
    paths = dg.client.get("/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_the_matrix_covers_every_route(dg: Deskguard) -> None:
    assert {(r.method, r.path) for r in MATRIX} == app_routes(dg)


def call(dg: Deskguard, row: Row, headers: dict[str, str]) -> int:
    vid = dg.start(dg.employee(ADMIN_ROLE))["id"]
    path = row.path.replace("{verification_id}", vid).replace("{upn}", dg.employee(ADMIN_ROLE))
    body = row.body(dg, vid) if row.body else None
    response = dg.client.request(row.method, path, json=body, headers=headers)
    assert response.status_code < 500, response.text
    return response.status_code


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.path}")
def test_each_role_is_let_in_or_refused(dg: Deskguard, row: Row) -> None:
    for role in Role:
        key = dg.keys.get(role.value) or {
            "Authorization": f"Bearer {create_key(dg.runtime.db, role.value)[1]}"
        }
        status = call(dg, row, key)
        if row.roles is None or role.value in row.roles:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)
    anonymous = call(dg, row, {})
    assert (anonymous != 401) if row.roles is None else (anonymous == 401)
    bogus = call(dg, row, {"Authorization": "Bearer dg_unknown_key"})
    assert (bogus != 401) if row.roles is None else (bogus == 401)
