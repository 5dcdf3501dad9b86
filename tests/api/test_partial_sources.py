"""One repository of several failing (issue 18): a GitHub repository answering 500, a local git
path that does not exist. The source counts as failed for the policy (decided `escalate` before
asking, by the policy's source-failure rule), the security view names the repository, and the
items of the repositories that answered are still read. All repositories answering: unchanged."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from context.config import GitConfig, GitHubConfig
from context.connectors.git import GitConnector
from context.connectors.github import GitHubConnector
from tests.api.conftest import Deskguard
from tests.api.test_faults import (
    SOURCE_TIMEOUT,
    TOKEN,
    assert_escalated_and_audited,
    start,
    with_source,
)
from tests.fakes.github_server import FakeGitHub, FakeRepo
from tests.fakes.local_http import Reply, Request

BROKEN, FINE = "acme/broken", "acme/fine"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """Two repositories; every request about BROKEN answers 500."""
    fake = FakeGitHub([FakeRepo(BROKEN, 1, []), FakeRepo(FINE, 2, [])])
    answer = fake.route

    def route(request: Request) -> Reply:
        if request.path.startswith(f"/repos/{BROKEN}"):
            return Reply(500, {"message": "Server Error"})
        return answer(request)

    fake.server.route = route
    fake.server.start()
    yield fake
    fake.server.stop()


def on_github(dg: Deskguard, github: FakeGitHub, repos: list[str]) -> None:
    config = GitHubConfig(
        base_url=github.base_url, token=TOKEN, repos=repos, timeout_seconds=SOURCE_TIMEOUT
    )
    with_source(dg, GitHubConnector(config), timeout=4)


def a_repository(path: Path) -> Path:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True)

    path.mkdir()
    git("init", "-q")
    git("-c", "user.name=Someone", "-c", "user.email=someone@example.org", "commit", "-q",
        "--allow-empty", "-m", "first")  # fmt: skip
    return path


def source_of(dg: Deskguard, body: dict, connector: str) -> tuple[str, str | None]:
    truth = dg.truth(body["id"])
    [status] = [s["status"] for s in body["sources"] if s["connector"] == connector]
    return status, truth["source_errors"].get(connector)


def test_one_github_repository_answering_500_escalates(dg: Deskguard, github: FakeGitHub) -> None:
    on_github(dg, github, [BROKEN, FINE])
    body = assert_escalated_and_audited(
        dg, start(dg, "password_reset"), "context source github failed or timed out"
    )
    status, error = source_of(dg, body, "github")
    assert status == "partial"
    assert error == f"github: repo {BROKEN} failed: /repos/{BROKEN}: HTTP 500"
    asked = {r.path for r in github.server.requests}
    assert f"/repos/{FINE}/commits" in asked  # the repository that answered was still read


def test_every_github_repository_answering_is_unchanged(dg: Deskguard, github: FakeGitHub) -> None:
    on_github(dg, github, [FINE])
    body = start(dg, "password_reset").json()
    assert body["status"] == "pending", body
    assert source_of(dg, body, "github") == ("ok", None)


def test_one_missing_git_repository_escalates(dg: Deskguard, tmp_path: Path) -> None:
    gone, there = tmp_path / "gone", a_repository(tmp_path / "there")
    config = GitConfig(repos=[str(gone), str(there)], timeout_seconds=SOURCE_TIMEOUT * 10)
    with_source(dg, GitConnector(config), timeout=4)
    body = assert_escalated_and_audited(
        dg, start(dg, "password_reset"), "context source git failed or timed out"
    )
    status, error = source_of(dg, body, "git")
    assert status == "partial"
    assert error is not None and error.startswith(f"git: repo {gone} failed: git log failed")
    accesses = [(a["endpoint"], a["status"]) for a in dg.truth(body["id"])["accesses"]]
    assert ("git log there", "ok") in accesses and ("git log gone", "failed") in accesses


def test_every_git_repository_answering_is_unchanged(dg: Deskguard, tmp_path: Path) -> None:
    config = GitConfig(repos=[str(a_repository(tmp_path / "there"))])
    with_source(dg, GitConnector(config), timeout=4)
    body = start(dg, "password_reset").json()
    assert body["status"] == "pending", body
    assert source_of(dg, body, "git") == ("ok", None)
