"""build_connectors, and no secret in any failure message or log line across all connectors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from context.collect import collect, window_for
from context.config import CollectionConfig, GitConfig, GraphConfig, JiraConfig
from context.connectors.base import Connector
from context.connectors.git import GitConnector
from context.connectors.graph import GraphConnector
from context.connectors.jira import JiraConnector
from context.models import Employee
from context.registry import build_connectors
from tests.fakes.graph_server import FakeGraph
from tests.fakes.jira_server import FakeJira
from tests.fakes.local_http import Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRET = "s3cr3t-d0-not-leak"


def build(
    names: list[str],
    graph: GraphConfig | None = None,
    jira: JiraConfig | None = None,
    git: GitConfig | None = None,
) -> list[Connector]:
    return build_connectors(
        names, graph=graph or GraphConfig(), jira=jira or JiraConfig(), git=git or GitConfig()
    )


def test_builds_named_connectors_in_order_once_each() -> None:
    built = build(["jira", " GIT ", "graph", "jira"])
    assert [type(c) for c in built] == [JiraConnector, GitConnector, GraphConnector]
    assert [c.name for c in built] == ["jira", "git", "graph"]


def test_unknown_name_lists_the_known_ones() -> None:
    known = "known: demo, git, github, graph, jira, jsm, servicenow, shifts, wfm"
    with pytest.raises(ValueError, match=f"unknown connector\\(s\\) ldap; {known}"):
        build(["graph", "ldap"])


async def test_no_secret_in_errors_or_logs(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    graph, jira = FakeGraph(NOW), FakeJira(NOW)
    graph.server.start()
    jira.server.start()
    graph.server.script("/v1.0/users", Reply(500, {"error": {"message": "boom"}}))
    jira.server.script("/rest/api/2/search", Reply(500, {"errorMessages": ["boom"]}))
    configs = (
        GraphConfig(base_url=graph.base_url, access_token=SecretStr(SECRET)),
        JiraConfig(url=jira.server.url, token=SecretStr(SECRET)),
        GitConfig(repos=[str(tmp_path / "missing")]),
    )
    employee = Employee(
        upn="cutting@apache.org", name="Doug Cutting", title="x", department="y", role="engineer"
    )
    try:
        with caplog.at_level(logging.DEBUG):
            got = await collect(
                employee,
                build(["graph", "jira", "git"], *configs),
                window=window_for(NOW, 7),
                config=CollectionConfig(),
            )
    finally:
        graph.server.stop()
        jira.server.stop()
    assert got.degraded_sources == ["graph", "jira", "git"]
    assert all(s.error for s in got.sources)
    assert SECRET not in got.model_dump_json()
    assert SECRET not in caplog.text
    assert SECRET not in repr(configs)


def test_manifests_state_the_configured_look_back() -> None:
    connectors = build_connectors(
        ["graph", "jira", "git", "github"], graph=GraphConfig(), jira=JiraConfig(),
        git=GitConfig(), lookback_days=10,
    )  # fmt: skip
    assert {c.manifest().lookback_days for c in connectors} == {10}


def test_the_demo_connector_is_registered_like_the_others(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from context.connectors.base import DirectorySource
    from context.connectors.demo import DemoConnector

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    [demo] = build_connectors(["demo"], data_dir=tmp_path, now=now, lookback_days=5)
    assert isinstance(demo, DemoConnector) and isinstance(demo, DirectorySource)
    assert demo.company()[1] and demo.manifest().connector == "demo"
    real = build_connectors(["graph"])
    assert not any(isinstance(c, DirectorySource) for c in real)  # the directory is Graph's


def test_two_connectors_declaring_one_name_refuse_to_load() -> None:
    from context.connectors.git import GitConnector
    from context.registry import _registry

    with pytest.raises(TypeError, match="declared twice"):
        _registry([GitConnector, GitConnector])
