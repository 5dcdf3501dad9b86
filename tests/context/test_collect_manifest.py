"""Each connector's requests, as the fake servers logged them, stay inside its manifest."""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from pydantic import SecretStr

from context.collect import window_for
from context.config import GitConfig, GitHubConfig, GraphConfig, JiraConfig
from context.connectors import git as git_module
from context.connectors.base import Connector
from context.connectors.git import GitConnector
from context.connectors.github import GitHubConnector
from context.connectors.graph import GraphConnector
from context.connectors.graph_directory import GraphDirectory
from context.connectors.jira import SEARCH_FIELDS, SEARCH_SERVER, JiraConnector
from context.connectors.jira_parse import kept_histories
from context.manifest import ManifestViolation, assert_within_manifest, manifests, match_endpoint
from context.models import Employee
from tests.fakes.github_server import FakeCommit, FakeGitHub, FakeRepo
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
        body = request.json() if request.method == "POST" else None
        fields = body["fieldIds"] if body else request.query.get("fields", [])
        assert_within_manifest(connector.manifest(), request.path, fields)
    changelogs = [r for r in fake.server.requests if "changelog" in r.path]
    expands = [r.param("expand") for r in fake.server.requests if "/api/2/search" in r.path]
    if cloud:  # the changelog filtered at the source: status changes only, never expanded
        assert changelogs and all(r.json()["fieldIds"] == ["status"] for r in changelogs)
        assert expands and not any(expands)
    else:  # Server has no changelog filter: expanded whole, status kept at parse time
        assert not changelogs and expands and all(e == "changelog" for e in expands)
    assert {i.identifiers.get("status_to") for i in result.items} - {None}
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
    graph = {f.name: f.category for f in found[0].fields}
    # what people wrote is content, not the organisation of employment
    assert graph["event.subject"] == graph["message.subject"] == "user.content.private"


def test_jira_asks_only_for_the_declared_fields_and_keeps_only_status() -> None:
    fake = FakeJira(NOW)
    fake.issues[0]["changelog"]["histories"].append(
        {
            "id": "77",
            "author": fake.issues[0]["fields"]["reporter"],
            "created": fake.issues[0]["fields"]["created"],
            "items": [{"field": "description", "fromString": "old text", "toString": "secret"}],
        }
    )
    fake.server.start()
    try:
        connector = JiraConnector(JiraConfig(url=fake.server.url, token=TOKEN))
        asyncio.run(connector.fetch(employee(EMPLOYEE_EMAIL), WINDOW))
    finally:
        fake.server.stop()
    searches = [r for r in fake.server.requests if r.path.startswith("/rest/api/2/search")]
    assert searches
    declared = match_endpoint(connector.manifest(), SEARCH_SERVER)
    assert declared is not None
    for request in searches:
        assert request.query["fields"] == declared.fields == SEARCH_FIELDS
        assert "comment" not in request.query["fields"]
    kept = kept_histories(fake.issues[0])
    assert {item["field"] for h in kept for item in h["items"]} == {"status"}
    assert "secret" not in str(kept)
    assert "parse time" in connector.manifest().description


async def test_github_never_asks_for_patches_and_drops_them() -> None:
    commit = FakeCommit("Sam", "sam@example.com", "Fix it", NOW - timedelta(days=1), "sam")
    fake = FakeGitHub([FakeRepo("acme/app", 1, [commit])])
    fake.server.start()
    try:
        connector = GitHubConnector(GitHubConfig(base_url=fake.base_url, repos=["acme/app"]))
        result = await connector.fetch(
            Employee(upn="sam@example.com", name="Sam", title="x", department="y", role="r"),
            WINDOW,
        )
    finally:
        fake.server.stop()
    details = [r for r in fake.server.requests if "/commits/" in r.path]
    assert details and result.items[0].extra == {"files": "README.md"}
    for request in fake.server.requests:
        accept = request.headers.get("accept", "")
        assert "patch" not in accept and "diff" not in accept
        assert not request.path.endswith((".patch", ".diff"))
        assert_within_manifest(connector.manifest(), request.path, [])
    assert "@@" not in result.model_dump_json()  # the served patch text went nowhere
    manifest = connector.manifest()
    declared = [f for e in manifest.endpoints for f in e.fields] + [f.name for f in manifest.fields]
    assert not [f for f in declared if "patch" in f]


async def test_git_log_is_limited_to_the_employees_aliases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "app"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    run = functools.partial(subprocess.run, check=True, capture_output=True, env=env)
    run(["git", "-C", str(repo), "init", "-q", "-b", "main"])
    when = (NOW - timedelta(days=1)).isoformat()
    for who, mail, subject in [
        ("A.n (dev)", "ann+x@example.com", "mine by name"),
        ("Joanne", "joanne@example.com", "not mine"),
        ("Bob", "ANN+X@example.com", "mine by address"),
    ]:
        (repo / "f.txt").write_text(subject, encoding="utf-8")
        run(["git", "-C", str(repo), "add", "f.txt"])
        ident = {"GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": mail, "GIT_AUTHOR_DATE": when}
        ident |= {"GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": mail}
        ident |= {"GIT_COMMITTER_DATE": when}
        run(["git", "-C", str(repo), "commit", "-q", "-m", subject], env=env | ident)
    seen: list[tuple[list[str], bytes]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        done = real_run(args, **kwargs)
        seen.append((list(args), done.stdout))
        return done

    monkeypatch.setattr(git_module.subprocess, "run", spy)
    ann = Employee(upn="ann+x@example.com", name="A.n (dev)", title="x", department="y", role="r")
    window = window_for(NOW, 7)
    result = await GitConnector(GitConfig(repos=[str(repo)])).fetch(ann, window)
    [(args, stdout)] = seen
    assert "--author=<ann\\+x@example\\.com>$" in args and "--author=^A\\.n \\(dev\\) <" in args
    assert "--extended-regexp" in args and "--regexp-ignore-case" in args
    assert b"mine by name" in stdout and b"not mine" not in stdout  # Joanne's never left git
    assert sorted(i.title for i in result.items) == ["mine by address", "mine by name"]
    assert "--author" in GitConnector(GitConfig()).manifest().description
