"""The ServiceNow scripts against a running deskguard (uvicorn on loopback, the demo tenant):
an allow grant lets the reset through; a deny grant, an expired one, a forged one and one for
another ticket are blocked, by the business rule and by the Password Reset extension alike."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.api.test_grants import decide
from tests.integrations.servicenow_node import properties, run

TICKET = {"system": "servicenow", "id": "INC0010023"}


@pytest.fixture
def live(demo_data_dir: Path, tmp_path: Path) -> Iterator[tuple[Deskguard, str]]:
    import uvicorn

    settings = settings_for(demo_data_dir).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'live.db'}"}
    )
    dg = make_deskguard(settings, Clock())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(dg.client.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # bounded wait for start-up, not a timing assertion
        if server.started:
            break
        time.sleep(0.05)
    assert server.started
    yield dg, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def grant(dg: Deskguard, *, right: bool, ticket: dict[str, str] = TICKET) -> tuple[str, str]:
    """A decided verification's employee and grant (the grants tests' own helper)."""
    decided = decide(dg, right=right, ticket=ticket)
    assert decided["decision"] == ("allow" if right else "deny"), decided["reasons"]
    return decided["employee"], str(decided["receipt"])


def business_rule(tmp: Path, url: str, key: str, upn: str, token: str | None) -> dict:
    row = {
        "number": TICKET["id"],
        "short_description": "Caller lost their phone: reset password",
        "caller_id": "u1",
        "state": "7",
    }
    if token:
        row["u_deskguard_grant"] = token
    return run(
        tmp,
        {
            "script": "business_rule",
            "properties": properties(url, key),
            "tables": {"sys_user": {"u1": {"email": upn, "user_name": "x"}}},
            "current": {"table": "incident", "row": row},
        },
    )


def helpdesk_key(dg: Deskguard) -> str:
    return dg.keys["helpdesk"]["Authorization"].removeprefix("Bearer ")


def test_an_allow_grant_lets_the_reset_through(live: tuple[Deskguard, str], tmp_path: Path) -> None:
    dg, url = live
    upn, token = grant(dg, right=True)
    out = business_rule(tmp_path, url, helpdesk_key(dg), upn, token)
    assert out["aborted"] is False and out["errors"] == []


def test_a_deny_grant_blocks_the_reset(live: tuple[Deskguard, str], tmp_path: Path) -> None:
    dg, url = live
    upn, token = grant(dg, right=False)
    out = business_rule(tmp_path, url, helpdesk_key(dg), upn, token)
    assert out["aborted"] is True
    assert "deskguard decided deny, not allow" in out["errors"][0]


def test_an_expired_grant_blocks_the_reset(live: tuple[Deskguard, str], tmp_path: Path) -> None:
    dg, url = live
    upn, token = grant(dg, right=True)
    dg.clock.advance(16 * 60)  # grants live 15 minutes
    out = business_rule(tmp_path, url, helpdesk_key(dg), upn, token)
    assert out["aborted"] is True and "not valid" in out["errors"][0]


def test_a_forged_grant_blocks_the_reset(live: tuple[Deskguard, str], tmp_path: Path) -> None:
    import base64
    import json

    dg, url = live
    upn, deny = grant(dg, right=False)
    header, payload, signature = deny.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["decision"] = "allow"  # the attacker edits the decision and keeps the signature
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    out = business_rule(tmp_path, url, helpdesk_key(dg), upn, f"{header}.{edited}.{signature}")
    assert out["aborted"] is True and "not valid" in out["errors"][0]


def test_a_grant_for_another_ticket_or_employee_blocks(
    live: tuple[Deskguard, str], tmp_path: Path
) -> None:
    dg, url = live
    upn, token = grant(dg, right=True, ticket={"system": "servicenow", "id": "INC0000001"})
    assert business_rule(tmp_path, url, helpdesk_key(dg), upn, token)["aborted"] is True
    upn, token = grant(dg, right=True)
    other = "someone.else@larkspurgoods.example"
    assert business_rule(tmp_path, url, helpdesk_key(dg), other, token)["aborted"] is True


def test_password_reset_extension(live: tuple[Deskguard, str], tmp_path: Path) -> None:
    dg, url = live
    upn, allow = grant(dg, right=True)
    _, deny = grant(dg, right=False)

    def process(token: str) -> object:
        return run(
            tmp_path,
            {
                "script": "password_reset",
                "properties": properties(url, helpdesk_key(dg)),
                "tables": {"sys_user": {"u1": {"email": upn}}},
                "params": {"userId": "u1", "resetRequestId": "r1", "verificationId": "v1"},
                "form": {"deskguard_grant": token, "deskguard_ticket": TICKET["id"]},
            },
        )["result"]

    assert process(allow) is True
    assert process(deny) is False
