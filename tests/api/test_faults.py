"""Fault injection through the HTTP API (issue 18): every context source that talks to a service
(Graph calendar and mail, Teams Shifts, Jira, JSM, ServiceNow, GitHub) refusing connections,
hanging past its time-out, answering 429 or 500, a body of the wrong shape or not JSON at all, or
an empty body, from its first call or part-way (Graph's mail after its calendar answered); local
git repositories gone or corrupt; the directory and the ticketing systems (the start's ticket
check) failing the same ways; the database read-only or gone. Never `allow`, never a 5xx without
a JSON error, always an audit record where the database is up, and the reason names what failed.

One helper runs every case: each source is its real client against a local fault server
(tests/fakes/local_http.py) answering every request with the fault, beside the demo tenant, with
short time-outs; the directory is the real Graph client (msgraph-sdk) against the same server,
the ticketing systems the real ServiceNow (pysnc, TLS) and JSM (jira) adapters."""

from __future__ import annotations

import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from _pytest.mark import ParameterSet
from pydantic import SecretStr

from api.settings import TicketDeliveryConfig
from api.storage import Database
from context.config import (
    GitConfig,
    GitHubConfig,
    GraphConfig,
    JiraConfig,
    JsmSourceConfig,
    ServiceNowSourceConfig,
    ShiftsConfig,
)
from context.connectors.base import Connector
from context.connectors.git import GitConnector
from context.connectors.github import GitHubConnector
from context.connectors.graph import GraphConnector
from context.connectors.graph_directory import GraphDirectory
from context.connectors.jira import JiraConnector
from context.connectors.jsm import JsmConnector
from context.connectors.servicenow import ServiceNowConnector
from context.connectors.shifts import ShiftsConnector
from tests.api.conftest import PG_SERVER, START, Clock, Deskguard, make_deskguard, settings_for
from tests.api.test_verifications import ADMIN_ROLE, genuine_answers
from tests.fakes.graph_server import FakeGraph
from tests.fakes.local_http import FakeHTTPServer, Reply
from tickets.jsm import JSMConfig
from tickets.servicenow import ServiceNowConfig

SOURCE_TIMEOUT = 0.5
ACTIONS = ["password_reset", "mfa_reset", "privileged_account"]
TOKEN = SecretStr("token")


def closed_port_url(scheme: str = "http") -> str:
    with socket.socket() as s:  # bound, then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"{scheme}://127.0.0.1:{port}"


@dataclass(frozen=True)
class Fault:
    name: str
    reply: Reply | None  # None: nothing listens


FAULTS = [
    Fault("refusing", None),
    Fault("hanging", Reply(200, {"value": []}, delay=SOURCE_TIMEOUT * 6)),
    Fault("429", Reply(429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": "120"})),
    Fault("500", Reply(500, {"error": {"code": "InternalServerError"}})),
    Fault("wrong-shape", Reply(200, ["not", "an", "object"])),  # JSON, but not what was asked
    Fault("not-json", Reply(200, raw=b'{"value": [{"id": "trunc')),
    Fault("empty", Reply(200, None)),  # 200 with an empty body
]


@dataclass(frozen=True)
class Source:
    """A connector built against `url` (trusting `ca_file` when it speaks TLS only)."""

    name: str
    build: Callable[[str, str | None], Connector]
    tls: bool = False


def graph_config(url: str) -> GraphConfig:
    return GraphConfig(
        base_url=url, access_token=TOKEN, timeout_seconds=SOURCE_TIMEOUT, retry_budget_seconds=0
    )


SOURCES = [
    Source("graph", lambda url, ca: GraphConnector(graph_config(url))),
    Source(
        "shifts",
        lambda url, ca: ShiftsConnector(
            ShiftsConfig(**graph_config(url).model_dump(), teams=["team-1"], acts_as="user-1")
        ),
    ),
    Source(
        "jira",
        lambda url, ca: JiraConnector(
            JiraConfig(url=url, token=TOKEN, timeout_seconds=SOURCE_TIMEOUT),
            retry_budget_seconds=0.2,
        ),
    ),
    Source(
        "jsm",
        lambda url, ca: JsmConnector(
            JsmSourceConfig(url=url, token=TOKEN, timeout_seconds=SOURCE_TIMEOUT),
            retry_budget_seconds=0.2,
        ),
    ),
    Source(
        "servicenow",
        lambda url, ca: ServiceNowConnector(
            ServiceNowSourceConfig(
                instance=url,
                ca_bundle=ca,
                username="deskguard",
                password=TOKEN,
                timeout_seconds=SOURCE_TIMEOUT,
            )
        ),
        tls=True,  # pysnc refuses plain http
    ),
    Source(
        "github",
        lambda url, ca: GitHubConnector(
            GitHubConfig(
                base_url=url, token=TOKEN, repos=["acme/app"], timeout_seconds=SOURCE_TIMEOUT
            )
        ),
    ),
]


def cases() -> list[ParameterSet]:
    """Every source with every fault; the action turns with both, so each source and each fault
    meets every action without the full product (the policy treats the actions alike here)."""
    return [
        pytest.param(
            source, fault, ACTIONS[(i + j) % len(ACTIONS)], id=f"{source.name}-{fault.name}"
        )
        for i, source in enumerate(SOURCES)
        for j, fault in enumerate(FAULTS)
    ]


Serve = Callable[[Fault, bool], tuple[str, str | None]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """`serve(fault, tls)`: (url, ca_file) of a server answering every request with the fault,
    or of a closed port for `refusing`."""
    servers: list[FakeHTTPServer] = []

    def start(fault: Fault, tls: bool) -> tuple[str, str | None]:
        if fault.reply is None:
            return closed_port_url("https" if tls else "http"), None
        reply = fault.reply
        server = FakeHTTPServer(lambda request: reply, tls=tls).start()
        servers.append(server)
        return server.url, server.ca_file

    yield start
    for server in servers:
        server.stop()


def with_source(dg: Deskguard, connector: Connector, timeout: float = SOURCE_TIMEOUT) -> None:
    """The demo tenant's sources plus `connector`, within short time-outs (`timeout`: the whole
    source's; each connector's own per call is SOURCE_TIMEOUT)."""
    settings = dg.runtime.settings
    collection = settings.collection.model_copy(
        update={"per_source_timeout_seconds": timeout, "deadline_seconds": 5}
    )
    dg.client.app.state.runtime = replace(
        dg.runtime,
        settings=settings.model_copy(update={"collection": collection}),
        connectors=[*dg.runtime.connectors, connector],
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


def start(dg: Deskguard, action: str, upn: str | None = None, **extra: object) -> httpx.Response:
    body = {"employee": upn or dg.employee(ADMIN_ROLE), "action": action, "signal": {"score": 0.0}}
    return dg.client.post("/v1/verifications", json=body | extra, headers=dg.keys["helpdesk"])


def assert_escalated_and_audited(dg: Deskguard, response: httpx.Response, reason: str) -> dict:
    """The one check of every fault: decided `escalate` at the start, with `reason` among the
    reasons, audited, and the right answers to its questions cannot turn it into `allow`."""
    assert_json_if_server_error(response)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "decided" and body["decision"] == "escalate", body
    truth = dg.truth(body["id"])
    assert any(reason in r for r in truth["reasons"]), truth["reasons"]
    assert audit_events(dg, body["id"])[:2] == ["verification.started", "verification.decided"]
    if truth["question_details"]:  # none when the employee could not be looked up
        answered = dg.client.post(
            f"/v1/verifications/{body['id']}/answers",
            json={"answers": genuine_answers(truth)},
            headers=dg.keys["helpdesk"],
        )
        assert answered.status_code == 409  # decided: the right answers cannot make it allow
    return body


def assert_failed(body: dict, connector: str) -> None:
    """Failed, or timed out (a hang meets the client's own time-out and the source's together;
    on a loaded machine any fault may time out first): never "ok"."""
    statuses = [s["status"] for s in body["sources"] if s["connector"] == connector]
    assert len(statuses) == 1 and statuses[0] in {"failed", "timeout"}, body["sources"]


@pytest.mark.parametrize(("source", "fault", "action"), cases())
def test_a_failing_source_escalates_and_is_audited(
    dg: Deskguard,
    serve: Serve,
    source: Source,
    fault: Fault,
    action: str,
) -> None:
    url, ca_file = serve(fault, source.tls)
    with_source(dg, source.build(url, ca_file))
    body = assert_escalated_and_audited(
        dg, start(dg, action), f"context source {source.name} failed or timed out"
    )
    assert_failed(body, source.name)


@pytest.mark.parametrize("fault", [f for f in FAULTS if f.reply], ids=lambda f: f.name)
def test_a_source_failing_part_way_escalates(dg: Deskguard, fault: Fault) -> None:
    """Graph's calendar answers (the recorded fake), then its sent mail fails: what was read
    before the failure does not make the source ok."""
    graph = FakeGraph(now=START)
    answer, reply = graph.route, fault.reply
    graph.server.route = lambda request: (
        reply if "/mailFolders/" in request.path else answer(request)
    )
    graph.server.start()
    try:
        # The mail call's own time-out (SOURCE_TIMEOUT) ends a hang: the whole source gets
        # longer, so a slow first Graph client (lazy imports) still reaches the calendar.
        with_source(dg, GraphConnector(graph_config(graph.base_url)), timeout=4)
        body = assert_escalated_and_audited(
            dg, start(dg, "mfa_reset"), "context source graph failed or timed out"
        )
    finally:
        graph.server.stop()
    paths = [request.path for request in graph.server.requests]
    assert any(p.endswith("/calendarView") for p in paths), paths  # read first, and answered
    assert_failed(body, "graph")


def corrupt_repository(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    (path / ".git" / "HEAD").write_text("not a ref\n")
    return path


@pytest.mark.parametrize("fault", ["gone", "corrupt"])
def test_local_git_repositories_failing_escalate(dg: Deskguard, tmp_path: Path, fault: str) -> None:
    repo = tmp_path / "gone" if fault == "gone" else corrupt_repository(tmp_path / "repo")
    with_source(dg, GitConnector(GitConfig(repos=[str(repo)], timeout_seconds=SOURCE_TIMEOUT)))
    body = assert_escalated_and_audited(
        dg, start(dg, "password_reset"), "context source git failed or timed out"
    )
    assert_failed(body, "git")


TICKETS = {"servicenow": "INC0010023", "jsm": "ITSD-42"}


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("system", sorted(TICKETS))
def test_the_ticketing_system_failing_the_start_check_escalates(
    demo_data_dir: Path,
    tmp_path: Path,
    serve: Serve,
    system: str,
    fault: Fault,
) -> None:
    """The ticket a verification names is checked at start (api/ticketing.py); its system
    failing in any way is "could not confirm", never a 500 and never a check skipped."""
    url, ca_file = serve(fault, system == "servicenow")
    settings = settings_for(demo_data_dir).model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'tickets.db'}",
            "tickets": TicketDeliveryConfig(deadline_seconds=SOURCE_TIMEOUT),
        }
    )
    account = {"timeout_seconds": SOURCE_TIMEOUT}
    if system == "servicenow":
        settings.servicenow = ServiceNowConfig(
            instance=url, username="deskguard", password=TOKEN, ca_bundle=ca_file, **account
        )
    else:
        settings.jsm = JSMConfig(url=url, token=TOKEN, **account)
    dg = make_deskguard(settings, Clock())
    ticket = {"system": system, "id": TICKETS[system]}
    response = start(dg, "password_reset", ticket=ticket)
    body = assert_escalated_and_audited(
        dg, response, "the ticketing system could not confirm the ticket"
    )
    assert dg.truth(body["id"])["ticket"] == ticket  # which system: the one the ticket names


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_the_directory_failing_escalates_and_is_audited(
    dg: Deskguard, serve: Serve, fault: Fault
) -> None:
    url, _ = serve(fault, False)
    settings = dg.runtime.settings
    collection = settings.collection.model_copy(
        update={"per_source_timeout_seconds": SOURCE_TIMEOUT * 2}
    )
    dg.client.app.state.runtime = replace(
        dg.runtime,
        directory=GraphDirectory(graph_config(url)),
        settings=settings.model_copy(update={"collection": collection}),
    )
    body = assert_escalated_and_audited(
        dg, start(dg, "password_reset", "pat.doe@example.com"), "directory failed"
    )
    assert body["questions"] == []
    assert dg.client.get("/readyz").status_code == 503


def test_the_directory_down_during_preview_is_503_json(dg: Deskguard) -> None:
    import asyncio

    from api.errors import Unavailable
    from api.service import VerificationService

    directory = GraphDirectory(graph_config(closed_port_url()))
    dg.client.app.state.runtime = replace(dg.runtime, directory=directory)
    with pytest.raises(Unavailable, match="directory failed"):
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
