"""The production path: directory and context from Microsoft Graph (the real msgraph-sdk against
a local fake serving recorded responses), through the HTTP API. Thin or failing sources must
escalate, never allow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from context.config import GraphConfig
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for
from tests.fakes.graph_server import FakeGraph
from tests.fakes.local_http import Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    fake = FakeGraph(NOW)
    fake.server.start()
    yield fake
    fake.server.stop()


def on_graph(graph: FakeGraph, tmp_path: Path) -> tuple[Deskguard, str]:
    config = GraphConfig(
        base_url=graph.base_url,
        access_token=SecretStr("test-token"),
        retry_budget_seconds=0.5,
        timeout_seconds=5,
    )
    settings = settings_for(tmp_path).model_copy(update={"connectors": ["graph"], "graph": config})
    clock = Clock()
    clock.now = NOW
    dg = make_deskguard(settings, clock)
    upn = next(key for key in graph.users if "@" in key)
    return dg, upn


def test_a_graph_employee_is_verified_from_graph_context(graph: FakeGraph, tmp_path: Path) -> None:
    dg, upn = on_graph(graph, tmp_path)
    started = dg.start(upn)
    assert started["sources"] == [{"connector": "graph", "status": "ok"}]
    paths = {r.path for r in graph.server.requests}
    assert any(p.endswith("/calendarView") for p in paths)
    assert any(p.endswith("/mailFolders/sentitems/messages") for p in paths)
    assert started["status"] == "pending" and len(started["questions"]) >= 4
    truth = dg.truth(started["id"])
    assert {e["connector"] for e in truth["evidence"]} == {"graph"}
    answers = [
        {"question_id": q["id"], "response": q["expected"]} for q in truth["question_details"]
    ]
    decided = dg.client.post(
        f"/v1/verifications/{started['id']}/answers",
        json={"answers": answers},
        headers=dg.keys["helpdesk"],
    ).json()
    assert decided["decision"] == "allow"  # password reset; no signal is treated as clean


def test_unknown_graph_user_is_404(graph: FakeGraph, tmp_path: Path) -> None:
    dg, _ = on_graph(graph, tmp_path)
    response = dg.client.post(
        "/v1/verifications",
        headers=dg.keys["helpdesk"],
        json={"employee": "nobody@contoso.example", "action": "password_reset"},
    )
    assert response.status_code == 404


def test_a_failing_source_is_recorded_and_never_allows(graph: FakeGraph, tmp_path: Path) -> None:
    dg, upn = on_graph(graph, tmp_path)
    original = graph.route

    def broken(request):  # the directory answers; calendar and mail fail
        if "calendarView" in request.path or "sentitems" in request.path:
            return Reply(500, {"error": {"code": "generalException", "message": "boom"}})
        return original(request)

    graph.server.route = broken
    started = dg.start(upn)
    assert started["sources"] == [{"connector": "graph", "status": "failed"}]
    assert started["decision"] == "escalate"
