"""GitConnector against real repositories built in tmp_path, with commits modelled on the recorded
collective/icalendar log (tests/fixtures/git), where one person commits as "Sashank" and as
"Sashank Bhamidi"."""

from __future__ import annotations

import csv
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from context.collect import window_for
from context.config import GitConfig
from context.connectors.base import ConnectorError
from context.connectors.git import GitConnector, branch_name, parse_record
from context.connectors.malformed import MalformedItem
from context.identity import identity_keys, is_employee
from context.manifest import assert_within_manifest
from context.models import ASSUMED_LARGE_AUDIENCE, AudienceScope, Employee, Involvement

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = window_for(NOW, 7)
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "git"
SASHANK = Employee(
    upn="sashank@example.com",
    name="Sashank Bhamidi",
    title="Software Engineer",
    department="Engineering",
    role="engineer",
    aliases=("Sashank", "sashank@users.noreply.github.com"),
)


def recorded_subjects() -> dict[str, list[str]]:
    """Real commit subjects per author from the recorded log."""
    by_author: dict[str, list[str]] = {}
    with (FIXTURE / "icalendar_gitlog_2025-09-01_2025-10-15.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_author.setdefault(row["author_name"], []).append(row["subject"])
    return by_author


@dataclass
class Commit:
    author: str
    email: str
    subject: str
    when: datetime
    files: tuple[str, ...] = ("README.rst",)
    branch: str = "main"


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    base = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, env=base | (env or {})
    )
    return done.stdout.decode()


def make_repo(root: Path, name: str, commits: list[Commit]) -> Path:
    repo = root / name
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for c in commits:
        if c.branch != "main":
            git(repo, "checkout", "-q", "-B", c.branch)
        for file in c.files:
            path = repo / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{c.subject}\n", encoding="utf-8")
        git(repo, "add", *c.files)
        stamp = c.when.isoformat()
        git(
            repo,
            "commit",
            "-q",
            "-m",
            c.subject,
            env={
                "GIT_AUTHOR_NAME": c.author,
                "GIT_AUTHOR_EMAIL": c.email,
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_NAME": c.author,
                "GIT_COMMITTER_EMAIL": c.email,
                "GIT_COMMITTER_DATE": stamp,
            },
        )
        git(repo, "checkout", "-q", "main")
    return repo


@pytest.fixture
def repos(tmp_path: Path) -> list[Path]:
    subjects = recorded_subjects()
    day = lambda n: NOW - timedelta(days=n)  # noqa: E731
    sashank, full = subjects["Sashank"], subjects["Sashank Bhamidi"]
    steve = subjects["Steve Piercy"]
    icalendar = make_repo(
        tmp_path,
        "icalendar",
        [
            Commit("Sashank", "sashank@example.com", "Old work", day(30)),  # outside the window
            Commit("Steve Piercy", "steve@example.org", steve[0], day(3)),
            Commit(
                "Sashank Bhamidi",
                "sashank@users.noreply.github.com",
                full[0],
                day(2),
                ("src/icalendar/py.typed", "pyproject.toml"),
                branch="typing",
            ),
            Commit(
                "Sashank", "sashank@example.com", sashank[0], day(1), ("CHANGES.rst",)
            ),  # the same person under the short name
        ],
    )
    docs = make_repo(
        tmp_path,
        "docs-site",
        [
            Commit(
                "SASHANK BHAMIDI",
                "other@example.com",
                "Fix toctree depth",
                day(4),
                ("docs/index.rst",),
            ),  # name matches case-insensitively
        ],
    )
    return [icalendar, docs]


async def test_commits_by_every_name_of_the_employee(repos: list[Path]) -> None:
    connector = GitConnector(GitConfig(repos=[str(r) for r in repos]))
    result = await connector.fetch(SASHANK, WINDOW)
    got = sorted(result.items, key=lambda i: i.when)
    subjects = recorded_subjects()
    assert [i.title for i in got] == [
        "Fix toctree depth",
        subjects["Sashank Bhamidi"][0],
        subjects["Sashank"][0],
    ]
    typed = got[1]
    assert typed.involvement is Involvement.AUTHOR
    assert typed.identifiers["repository"] == "icalendar"
    assert typed.identifiers["branch"] == "typing"
    assert len(typed.identifiers["sha"]) == 7
    assert typed.extra["files"] == "pyproject.toml, src/icalendar/py.typed"
    assert got[2].identifiers["branch"] == "main" and got[2].extra["files"] == "CHANGES.rst"
    assert got[0].identifiers["repository"] == "docs-site"
    # a repository's history is open to everyone who can read it: how many, git cannot say
    assert [(i.audience.scope, i.audience.group, i.audience.size) for i in got] == [
        (AudienceScope.REPOSITORY, "docs-site", None),
        (AudienceScope.REPOSITORY, "icalendar", None),
        (AudienceScope.REPOSITORY, "icalendar", None),
    ]
    assert got[0].audience.reach == ASSUMED_LARGE_AUDIENCE
    assert result.skipped == 0
    for access in result.accesses:
        assert_within_manifest(connector.manifest(), access.endpoint, access.fields)


async def test_someone_else_gets_only_their_commits(repos: list[Path]) -> None:
    steve = SASHANK.model_copy(
        update={"upn": "steve@example.org", "name": "Steve Piercy", "aliases": ()}
    )
    result = await GitConnector(GitConfig(repos=[str(repos[0])])).fetch(steve, WINDOW)
    assert [i.participants[0].name for i in result.items] == ["Steve Piercy"]


async def test_a_missing_repository_is_recorded_and_others_still_read(
    repos: list[Path], tmp_path: Path
) -> None:
    config = GitConfig(repos=[str(tmp_path / "gone"), str(repos[0])])
    result = await GitConnector(config).fetch(SASHANK, WINDOW)
    assert len(result.items) == 2
    gone = tmp_path / "gone"
    assert result.failures == [f"repo {gone} failed: git log failed in gone (exit 128)"]
    assert [(a.endpoint, a.status) for a in result.accesses] == [
        ("git log gone", "failed"),
        ("git log icalendar", "ok"),
    ]


@pytest.mark.parametrize(
    ("timeout", "message"),
    [(10.0, "git log failed in gone"), (1e-9, "timed out in icalendar")],
)
async def test_all_repositories_failing_is_a_connector_error(
    repos: list[Path], tmp_path: Path, timeout: float, message: str
) -> None:
    repo = tmp_path / "gone" if timeout > 1 else repos[0]
    config = GitConfig(repos=[str(repo)], timeout_seconds=timeout)
    with pytest.raises(ConnectorError, match=message):
        await GitConnector(config).fetch(SASHANK, WINDOW)


@pytest.mark.parametrize(
    ("ref", "branch"),
    [
        ("refs/heads/main", "main"),
        ("refs/remotes/origin/fix", "origin/fix"),
        ("refs/tags/v1", "refs/tags/v1"),
    ],
)
def test_branch_names(ref: str, branch: str) -> None:
    assert branch_name(ref) == branch


def test_a_short_log_record_is_malformed() -> None:
    with pytest.raises(MalformedItem):
        parse_record("abc\x1fSashank\x1f")


@pytest.mark.parametrize(
    ("candidate", "matches"),
    [
        ("Sashank", True),
        ("  sashank   BHAMIDI ", True),  # case and whitespace do not matter
        ("SASHANK@EXAMPLE.COM", True),  # the UPN
        ("Sashank B.", False),  # near misses never count: no fuzzy attribution
        ("Steve Piercy", False),
    ],
)
def test_author_identity(candidate: str, matches: bool) -> None:
    assert is_employee(identity_keys(SASHANK), [candidate]) is matches
