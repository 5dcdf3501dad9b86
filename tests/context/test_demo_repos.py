"""The demo roster's commits live in real git repositories with the same shas as the items."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from context.demo import Organisation, build_org, load_demo_tenant, materialize_git_repos
from context.models import Source

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> tuple[Organisation, Path]:
    data_dir = tmp_path_factory.mktemp("data")
    return load_demo_tenant(data_dir, now=NOW), data_dir


def git_log(repo: Path) -> set[tuple[str, str, str, int, str]]:
    out = subprocess.run(
        ["git", "log", "--all", "--format=%h%x1f%an%x1f%ae%x1f%at%x1f%s", "--abbrev=7"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split("\x1f") for line in out.splitlines()]
    return {(sha, name, email, int(at), subject) for sha, name, email, at, subject in rows}


def commit_items(org: Organisation, repo: str) -> set[tuple[str, str, int, str]]:
    return {
        (i.identifiers["sha"], i.extra["author"], int(i.when.timestamp()), i.title)
        for e in org.employees
        for i in org.items(e.upn)
        if i.source == Source.GIT and i.identifiers["repository"] == repo
    }


def test_git_log_shows_the_commit_items(tenant: tuple[Organisation, Path]) -> None:
    org, data_dir = tenant
    assert set(org.repositories) >= {"pos-gateway", "store-inventory-sync", "okta-terraform"}
    for repo, path in org.repositories.items():
        assert path == data_dir / "demo-repos" / repo
        logged = {row for row in git_log(path) if row[4] != "Initial import"}
        assert {(sha, name, at, subject) for sha, name, _, at, subject in logged} == commit_items(
            org, repo
        )


def test_authors_are_aliases_of_their_employee(tenant: tuple[Organisation, Path]) -> None:
    org, _ = tenant
    aliases = {a for e in org.employees for a in e.aliases}
    logged = {
        (n, m)
        for path in org.repositories.values()
        for _, n, m, _, s in git_log(path)
        if s != "Initial import"
    }
    assert logged and all(name in aliases and email in aliases for name, email in logged)
    assert {"Dan", "Daniel Okafor"} <= {name for name, _ in logged}


def test_item_shas_are_real_and_feature_branches_exist(tenant: tuple[Organisation, Path]) -> None:
    org, _ = tenant
    path = org.repositories["pos-gateway"]
    branches = subprocess.run(
        ["git", "branch", "--format=%(refname:short)"],
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "main" in branches and any(b.startswith("feature/pos-") for b in branches)
    item = next(i for i in org.items("mei.chen@larkspurgoods.example") if i.source == Source.GIT)
    shown = subprocess.run(
        ["git", "show", "-s", "--format=%s", item.identifiers["sha"]],
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == item.title and item.provenance.ref == item.identifiers["sha"]


def test_second_call_reuses_the_repositories(tenant: tuple[Organisation, Path]) -> None:
    org, data_dir = tenant
    marks = org.repositories["pos-gateway"] / ".git" / "demo-marks"
    before = marks.stat().st_mtime_ns
    again = build_org(now=NOW)
    assert materialize_git_repos(again, data_dir) == org.repositories
    assert marks.stat().st_mtime_ns == before  # not rebuilt
    assert again.items("mei.chen@larkspurgoods.example") == org.items(
        "mei.chen@larkspurgoods.example"
    )


def test_synthetic_organisations_get_no_repositories(tmp_path: Path) -> None:
    org = build_org(size=30, now=NOW)
    assert materialize_git_repos(org, tmp_path) == {}
    assert not (tmp_path / "demo-repos").exists()
    shas = [
        i.identifiers["sha"]
        for e in org.employees
        for i in org.items(e.upn)
        if i.source == Source.GIT
    ]
    assert shas and all(len(s) == 7 and int(s, 16) >= 0 for s in shas)
