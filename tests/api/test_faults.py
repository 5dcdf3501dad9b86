"""Fault injection through the HTTP API: each context source refusing, hanging, answering 429 or
500, malformed or empty; the directory down or hanging; the database read-only or gone. Never
`allow`, never a 5xx without a JSON error, always an audit record where the database is up.

Sources are the real Jira client against a local fake (tests/fakes/local_http.py) beside the
demo tenant; the directory is the real Graph client (msgraph-sdk) against a closed port or a
fake that does not answer in time."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from api.storage import Database
from context.config import GraphConfig, JiraConfig
from context.connectors.graph_directory import GraphDirectory
from context.connectors.jira import JiraConnector
from tests.api.conftest import PG_SERVER, Deskguard
from tests.api.test_verifications import ADMIN_ROLE, genuine_answers
from tests.fakes.local_http import FakeHTTPServer, Reply

SOURCE_TIMEOUT = 0.5


def closed_port_url() -> str:
    with socket.socket() as s:  # bound, then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass(frozen=True)
class SourceFault:
    name: str
    reply: Reply | None  # None: nothing listens


SOURCE_FAULTS = [
    SourceFault("refusing", None),
    SourceFault("hanging", Reply(200, {"versionNumbers": [9, 0, 0]}, delay=SOURCE_TIMEOUT * 6)),
    SourceFault("429", Reply(429, {"errorMessages": ["rate limited"]}, {"Retry-After": "120"})),
    SourceFault("500", Reply(500, {"errorMessages": ["boom"]})),
    SourceFault("malformed", Reply(200, ["not", "a", "serverInfo", "object"])),
    SourceFault("empty", Reply(200, None)),  # 200 with an empty body
]


@pytest.fixture
def fake_jira() -> Iterator[FakeHTTPServer]:
    server = FakeHTTPServer(lambda request: Reply(500, {"errorMessages": ["unscripted"]}))
    server.start()
    yield server
    server.stop()


def with_faulty_source(dg: Deskguard, url: str) -> None:
    settings = dg.runtime.settings
    collection = settings.collection.model_copy(
        update={"per_source_timeout_seconds": SOURCE_TIMEOUT, "deadline_seconds": 5}
    )
    jira = JiraConnector(
        JiraConfig(url=url, token=SecretStr("pat"), timeout_seconds=SOURCE_TIMEOUT),
        retry_budget_seconds=0.2,
    )
    dg.client.app.state.runtime = replace(
        dg.runtime,
        settings=settings.model_copy(update={"collection": collection}),
        connectors=[*dg.runtime.connectors, jira],
    )


def audit_events(dg: Deskguard, vid: str) -> list[str]:
    response = dg.client.get(
        "/v1/audit", params={"verification_id": vid}, headers=dg.keys["auditor"]
    )
    assert response.status_code == 200, response.text
    return [r["event"] for r in response.json()["records"]]


def assert_json_if_server_error(response: httpx.Response) -> None:
    if response.status_code >= 500:
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["error"]["code"]


@pytest.mark.parametrize("action", ["password_reset", "mfa_reset", "privileged_account"])
@pytest.mark.parametrize("fault", SOURCE_FAULTS, ids=lambda f: f.name)
def test_a_failing_source_escalates_and_is_audited(
    dg: Deskguard, fake_jira: FakeHTTPServer, fault: SourceFault, action: str
) -> None:
    if fault.reply is not None:
        fake_jira.script("/rest/api/2/serverInfo", fault.reply)
    with_faulty_source(dg, closed_port_url() if fault.reply is None else fake_jira.url)
    response = dg.client.post(
        "/v1/verifications",
        json={"employee": dg.employee(ADMIN_ROLE), "action": action, "signal": {"score": 0.0}},
        headers=dg.keys["helpdesk"],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "decided" and body["decision"] == "escalate"
    # A hanging source times out; any other fault fails, or times out first on a loaded machine
    # (the jira client is synchronous, in a thread, within SOURCE_TIMEOUT): never "ok".
    statuses = {s["status"] for s in body["sources"] if s["connector"] == "jira"}
    expected = {"timeout"} if fault.name == "hanging" else {"failed", "timeout"}
    assert len(statuses) == 1 and statuses <= expected, body["sources"]
    truth = dg.truth(body["id"])
    assert any("jira failed or timed out" in r for r in truth["reasons"])
    assert audit_events(dg, body["id"])[:2] == ["verification.started", "verification.decided"]
    answered = dg.client.post(
        f"/v1/verifications/{body['id']}/answers",
        json={"answers": genuine_answers(truth)},
        headers=dg.keys["helpdesk"],
    )
    assert answered.status_code == 409  # decided: the right answers cannot turn it into allow


def graph_directory(url: str) -> GraphDirectory:
    return GraphDirectory(
        GraphConfig(
            base_url=url,
            access_token=SecretStr("token"),
            timeout_seconds=SOURCE_TIMEOUT,
            retry_budget_seconds=0,
        )
    )


def hanging_graph() -> FakeHTTPServer:
    return FakeHTTPServer(lambda request: Reply(200, {"value": []}, delay=SOURCE_TIMEOUT * 8))


@pytest.mark.parametrize("state", ["down", "hanging"])
def test_the_directory_failing_escalates_and_is_audited(dg: Deskguard, state: str) -> None:
    server = hanging_graph().start() if state == "hanging" else None
    url = server.url if server else closed_port_url()
    settings = dg.runtime.settings
    collection = settings.collection.model_copy(
        update={"per_source_timeout_seconds": SOURCE_TIMEOUT * 2}
    )
    dg.client.app.state.runtime = replace(
        dg.runtime,
        directory=graph_directory(url),
        settings=settings.model_copy(update={"collection": collection}),
    )
    try:
        response = dg.client.post(
            "/v1/verifications",
            json={"employee": "pat.doe@example.com", "action": "password_reset"},
            headers=dg.keys["helpdesk"],
        )
    finally:
        if server:
            server.stop()
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["decision"] == "escalate" and body["questions"] == []
    assert any("directory failed" in r for r in dg.truth(body["id"])["reasons"])
    assert audit_events(dg, body["id"])[:2] == ["verification.started", "verification.decided"]
    assert dg.client.get("/readyz").status_code == 503


def test_the_directory_down_during_preview_is_503_json(dg: Deskguard) -> None:
    dg.client.app.state.runtime = replace(dg.runtime, directory=graph_directory(closed_port_url()))
    from api.errors import Unavailable
    from api.service import VerificationService

    with pytest.raises(Unavailable, match="directory failed"):
        import asyncio

        asyncio.run(VerificationService(dg.client.app.state.runtime).preview("a@example.com"))


def test_a_read_only_database_never_allows(dg: Deskguard, tmp_path: Path) -> None:
    upn = dg.employee(ADMIN_ROLE)
    pending = dg.start(upn, signal={"score": 0.0})
    truth = dg.truth(pending["id"])
    path = dg.settings.database_url.removeprefix("sqlite:///")  # type: ignore[union-attr]
    frozen = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    dg.client.app.state.runtime = replace(dg.runtime, db=frozen)
    for response in (
        dg.client.post(
            "/v1/verifications",
            json={"employee": upn, "action": "password_reset"},
            headers=dg.keys["helpdesk"],
        ),
        dg.client.post(
            f"/v1/verifications/{pending['id']}/answers",
            json={"answers": genuine_answers(truth)},
            headers=dg.keys["helpdesk"],
        ),
    ):
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "database_unavailable" and error["decision"] == "escalate"
        assert_json_if_server_error(response)
    status = dg.client.get(f"/v1/verifications/{pending['id']}", headers=dg.keys["helpdesk"])
    assert status.json()["status"] == "pending"  # reads still work; nothing was decided


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_a_database_that_is_gone_answers_503_json(dg: Deskguard, where: str) -> None:
    url = (
        f"sqlite:///file:{dg.settings.data_dir}/missing/{uuid.uuid4().hex}.db?mode=ro&uri=true"
        if where == "sqlite"
        else f"{PG_SERVER}/deskguard_gone_{uuid.uuid4().hex[:8]}?connect_timeout=2"
    )
    dg.client.app.state.runtime = replace(dg.runtime, db=Database(url))
    for method, path in [
        ("POST", "/v1/verifications"),
        ("GET", "/v1/verifications/ver_x"),
        ("GET", "/v1/audit"),
    ]:
        body = {"employee": dg.employee(ADMIN_ROLE), "action": "mfa_reset"}
        response = dg.client.request(
            method, path, json=body if method == "POST" else None, headers=dg.keys["helpdesk"]
        )
        assert response.status_code == 503, response.text
        assert response.json()["error"]["decision"] == "escalate"
    assert dg.client.get("/healthz").status_code == 200
    assert dg.client.get("/readyz").status_code == 503


def test_the_shared_limit_store_down_refuses_with_503_json(
    demo_data_dir: Path, tmp_path: Path
) -> None:
    from tests.api.conftest import Clock, make_deskguard, settings_for

    settings = settings_for(demo_data_dir).model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'redis-down.db'}",
            "redis_url": SecretStr(closed_port_url().replace("http://", "redis://")),
        }
    )
    dg = make_deskguard(settings, Clock())
    response = dg.client.post(
        "/v1/verifications",
        json={"employee": dg.employee(ADMIN_ROLE), "action": "password_reset"},
        headers=dg.keys["helpdesk"],
    )
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "limits_unavailable"
    ready = dg.client.get("/readyz")
    assert ready.status_code == 503
    assert "Redis" in ready.json()["error"]["checks"]["limits"]
