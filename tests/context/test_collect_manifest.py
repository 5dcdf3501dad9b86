"""Each connector's requests, as the fake servers logged them, stay inside its manifest."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from pydantic import SecretStr

from context.collect import window_for
from context.config import GitConfig, GraphConfig, JiraConfig
from context.connectors.base import Connector
from context.connectors.git import GitConnector
from context.connectors.graph import GraphConnector
from context.connectors.graph_directory import GraphDirectory
from context.connectors.jira import JiraConnector
from context.manifest import ManifestViolation, assert_within_manifest, manifests
from context.models import Employee
from tests.fakes.graph_server import UPN, FakeGraph
from tests.fakes.jira_server import EMPLOYEE_EMAIL, FakeJira

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = window_for(NOW, 7)
TOKEN = SecretStr("t0ken")


def employee(upn: str) -> Employee:
    return Employee(upn=upn, name="Someone", title="x", department="y", role="staff")


async def test_graph_requests_stay_inside_the_manifest() -> None:
    fake = FakeGraph(NOW)
    fake.server.start()
    try:
        config = GraphConfig(base_url=fake.base_url, access_token=TOKEN)
        connector = GraphConnector(config)
        await connector.fetch(employee(UPN), WINDOW)
        await GraphDirectory(config).get_employee("AllanD@M365x035709.OnMicrosoft.com")
    finally:
        fake.server.stop()
    assert len(fake.server.requests) == 8
    for request in fake.server.requests:
        path = unquote(request.path).removeprefix("/v1.0")
        fields = (request.param("$select") or "").split(",")
        assert_within_manifest(connector.manifest(), path, [f for f in fields if f])


@pytest.mark.parametrize("cloud", [False, True], ids=["server", "cloud"])
async def test_jira_requests_stay_inside_the_manifest(cloud: bool) -> None:
    fake = FakeJira(NOW, cloud=cloud)
    fake.server.start()
    try:
        connector = JiraConnector(JiraConfig(url=fake.server.url, token=TOKEN))
        result = await connector.fetch(employee(EMPLOYEE_EMAIL), WINDOW)
    finally:
        fake.server.stop()
    assert result.items
    for request in fake.server.requests:
        assert_within_manifest(connector.manifest(), request.path, request.query.get("fields", []))
    for access in result.accesses:
        assert_within_manifest(connector.manifest(), access.endpoint, access.fields)


@pytest.mark.parametrize(
    ("path", "fields", "problem"),
    [
        ("/users/x/calendarView", ["subject", "body"], "undeclared fields ['body']"),
        ("/users/x/messages", [], "undeclared endpoint"),  # all mail, not sent items
        ("/users/x/mailFolders/sentitems/messages", ["bodyPreview"], "['bodyPreview']"),
    ],
)
def test_violations_are_named(path: str, fields: list[str], problem: str) -> None:
    manifest = GraphConnector(GraphConfig()).manifest()
    with pytest.raises(ManifestViolation, match=problem.replace("[", r"\[").replace("]", r"\]")):
        assert_within_manifest(manifest, path, fields)


def test_manifests_declare_fideslang_categories() -> None:
    connectors: list[Connector] = [
        GraphConnector(GraphConfig()),
        JiraConnector(JiraConfig()),
        GitConnector(GitConfig()),
    ]
    found = manifests(connectors)
    assert [m.connector for m in found] == ["graph", "jira", "git"]
    for manifest in found:
        assert manifest.data_use == "essential.service.security"
        assert manifest.lookback_days == 7 and manifest.fields
        top = {f.category.split(".")[0] for f in manifest.fields}
        assert top <= {"user", "system"}
