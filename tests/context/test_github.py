"""GitHubConnector against a fake GitHub REST API on 127.0.0.1 (tests/fakes/github_server.py).

The employee commits as "Sashank" <sashank@example.com> (e-mail not linked to an account), as
"Sashank Bhamidi" <noreply> with login SBhamidi, and from a laptop whose e-mail only the login
ties to them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from context.collect import window_for
from context.config import GitConfig, GitHubConfig, GraphConfig, JiraConfig
from context.connectors import github as github_module
from context.connectors.base import ConnectorError, FetchResult
from context.connectors.github import GitHubConnector
from context.connectors.github_parse import author_filters, github_time
from context.manifest import assert_within_manifest
from context.models import AudienceScope, Employee, Involvement, ItemKind, Source
from context.registry import build_connectors
from tests.fakes.github_server import FakeCommit, FakeGitHub, FakeRepo
from tests.fakes.local_http import Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = window_for(NOW, 7)
TOKEN = "ghp_s3cr3t-d0-not-leak"
ICAL, PAY = "collective/icalendar", "acme/payments"
SASHANK = Employee(
    upn="sashank@example.com",
    name="Sashank Bhamidi",
    title="Software Engineer",
    department="Engineering",
    role="engineer",
    aliases=("Sashank", "sashank@users.noreply.github.com", "github:sbhamidi"),
)
LIST_PARAMS = {"since", "until", "author", "per_page", "page"}


def day(n: int) -> datetime:
    return NOW - timedelta(days=n)


def mine(message: str, when: datetime, files: tuple[str, ...] = ("README.md",)) -> FakeCommit:
    return FakeCommit("Sashank", "sashank@example.com", message, when, files=files)


def icalendar() -> FakeRepo:
    noreply, typed = (
        "sashank@users.noreply.github.com",
        ("src/icalendar/py.typed", "pyproject.toml"),
    )
    return FakeRepo(
        ICAL,
        2081711,
        [
            mine("Add py.typed\n\nBody", day(1), ("CHANGES.rst",)),  # e-mail not on an account
            FakeCommit("Sashank Bhamidi", noreply, "Type the parser", day(2), "SBhamidi", typed),
            FakeCommit("S. Bhamidi", "sb@laptop.local", "Fix tz test", day(3), "sbhamidi"),
            FakeCommit("Steve Piercy", "steve@example.org", "Docs", day(3), "stevepiercy"),
            mine("Old work", day(30)),
            FakeCommit("Sashank", "sashank@example.com", "Rebased", day(20), committed=day(1)),
            FakeCommit("x", "x@x", "", day(2), "sbhamidi", raw={"sha": "not-a-sha", "commit": {}}),
        ],
    )


def payments() -> FakeRepo:
    commits = [mine(f"Ledger change {n}", day(n) + timedelta(hours=1)) for n in range(1, 6)]
    return FakeRepo(PAY, 9001, commits, default_branch="trunk")


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub([icalendar(), payments()])
    server.server.start()
    yield server
    server.server.stop()


def connector(fake: FakeGitHub, repos: list[str], **kw: int) -> GitHubConnector:
    config = GitHubConfig(base_url=fake.base_url, token=SecretStr(TOKEN), repos=repos, **kw)
    return GitHubConnector(config)


async def fetch(fake: FakeGitHub, repos: list[str], **kw: int) -> FetchResult:
    return await connector(fake, repos, **kw).fetch(SASHANK, WINDOW)


async def test_commits_matched_by_every_alias(fake: FakeGitHub) -> None:
    result = await fetch(fake, [ICAL])
    titles = sorted(i.title for i in result.items)
    assert titles == ["Add py.typed", "Fix tz test", "Type the parser"]
    assert result.skipped == 1 and result.failures == []  # the malformed list item
    typed = next(i for i in result.items if i.title == "Type the parser")
    sha = next(c.sha for c in icalendar().commits if c.message == "Type the parser")
    assert typed.id == f"git:icalendar:{sha[:12]}"  # the local-git id: both sources de-duplicate
    assert (typed.source, typed.kind, typed.involvement) == (
        Source.GIT,
        ItemKind.COMMIT,
        Involvement.AUTHOR,
    )
    assert typed.identifiers == {"repository": "icalendar", "branch": "main", "sha": sha[:7]}
    assert typed.extra == {"files": "src/icalendar/py.typed, pyproject.toml"}
    assert typed.when == day(2)
    assert typed.participants[0].email == "sashank@users.noreply.github.com"
    assert (typed.provenance.connector, typed.provenance.ref) == ("github", sha)
    # everyone who can read the repository sees its history, a number GitHub does not give us
    assert (typed.audience.scope, typed.audience.group) == (AudienceScope.REPOSITORY, "icalendar")
    assert typed.audience.size is None


async def test_window_and_authors_sent_at_the_source(fake: FakeGitHub) -> None:
    await fetch(fake, [ICAL])
    lists = [r for r in fake.server.requests if r.path.endswith("/commits")]
    assert {r.param("author") for r in lists} == set(author_filters(SASHANK))
    assert set(author_filters(SASHANK)) == {
        "sashank@example.com",
        "Sashank",
        "sashank@users.noreply.github.com",
        "sbhamidi",
    }
    for request in lists:
        assert request.param("since") == github_time(WINDOW.start) == "2026-11-18T12:00:00Z"
        assert request.param("until") == github_time(WINDOW.end)
        assert request.param("per_page") == "100"


async def test_paging_follows_the_link_header_up_to_max_pages(fake: FakeGitHub) -> None:
    result = await fetch(fake, [PAY])
    assert len(result.items) == 5
    assert all(i.identifiers["branch"] == "trunk" for i in result.items)
    assert [r for r in fake.server.requests if r.path == "/repositories/9001/commits"]
    fake.server.requests.clear()
    capped = await fetch(fake, [PAY], max_pages=2)
    assert len(capped.items) == 4  # 2 pages of 2
    pages = [r for r in fake.server.requests if r.path.endswith("/commits")]
    assert len([r for r in pages if r.param("author") == "sashank@example.com"]) == 2


async def test_files_fetched_for_matched_commits_only_and_bounded(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await fetch(fake, [ICAL, PAY])
    details = [r for r in fake.server.requests if "/commits/" in r.path]
    assert len(details) == len(result.items) == 8
    assert all("files" in i.extra for i in result.items)
    monkeypatch.setattr(github_module, "MAX_DETAILS", 2)
    fake.server.requests.clear()
    result = await fetch(fake, [ICAL, PAY])
    assert len([r for r in fake.server.requests if "/commits/" in r.path]) == 2
    newest = sorted(result.items, key=lambda i: i.when, reverse=True)
    assert [bool(i.extra) for i in newest[:2]] == [True, True] and len(result.items) == 8


async def test_server_error_fails_the_source_without_the_token(fake: FakeGitHub) -> None:
    fake.server.script(f"/repos/{ICAL}", Reply(502, {"message": "Server Error"}))
    with pytest.raises(ConnectorError, match="HTTP 502") as caught:
        await fetch(fake, [ICAL])
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert TOKEN not in repr(GitHubConfig(token=SecretStr(TOKEN)))


async def test_one_failing_repository_is_recorded_and_the_others_carry_on(
    fake: FakeGitHub,
) -> None:
    result = await fetch(fake, ["acme/missing", PAY])
    assert len(result.items) == 5
    assert result.failures == ["repo acme/missing failed: /repos/acme/missing: HTTP 404"]
    assert [a.status for a in result.accesses if a.endpoint == "/repos/acme/missing"] == ["failed"]


async def test_rate_limit_with_retry_after_is_waited_out(fake: FakeGitHub) -> None:
    limited = Reply(429, {"message": "secondary rate limit"}, {"Retry-After": "0"})
    fake.server.script(f"/repos/{ICAL}/commits", limited)
    result = await fetch(fake, [ICAL])
    assert len(result.items) == 3
    assert "retried" in [a.status for a in result.accesses]


async def test_exhausted_rate_limit_fails_the_source(fake: FakeGitHub) -> None:
    reset = str(int(time.time()) + 3600)
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    fake.server.script(
        f"/repos/{ICAL}", Reply(403, {"message": "API rate limit exceeded"}, headers)
    )
    with pytest.raises(ConnectorError, match="rate limited") as caught:
        await fetch(fake, [ICAL])
    assert TOKEN not in str(caught.value)


async def test_paging_link_to_another_host_is_not_followed(fake: FakeGitHub) -> None:
    link = '<https://evil.example/repositories/9001/commits?page=2>; rel="next"'
    fake.server.script(f"/repos/{PAY}/commits", Reply(200, [], {"Link": link}))
    with pytest.raises(ConnectorError, match="off base_url"):
        await fetch(fake, [PAY])


async def test_every_request_is_authenticated_and_inside_the_manifest(fake: FakeGitHub) -> None:
    conn = connector(fake, [ICAL, PAY])
    result = await conn.fetch(SASHANK, WINDOW)
    manifest = conn.manifest()
    assert fake.server.requests
    for request in fake.server.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert_within_manifest(manifest, request.path, [])
        assert set(request.query) <= LIST_PARAMS
    assert len(result.accesses) == len(fake.server.requests)
    for access in result.accesses:
        assert_within_manifest(manifest, access.endpoint, access.fields)
    categories = {f.category for f in manifest.fields}
    assert categories == {"user.name", "user.contact.email", "user.workplace", "system.operations"}
    assert manifest.lookback_days == 7 and manifest.retention


async def test_no_repositories_no_requests(fake: FakeGitHub) -> None:
    assert await fetch(fake, []) == FetchResult()
    assert fake.server.requests == []


async def test_bad_settings_are_refused(fake: FakeGitHub) -> None:
    result = GitHubConnector(GitHubConfig(base_url=fake.base_url, repos=["../etc"]))
    with pytest.raises(ConnectorError, match="not owner/name"):
        await result.fetch(SASHANK, WINDOW)
    plain = GitHubConnector(GitHubConfig(base_url="http://github.example", repos=[ICAL]))
    with pytest.raises(ConnectorError, match="https"):
        await plain.fetch(SASHANK, WINDOW)


def test_config_splits_comma_separated_repos() -> None:
    config = GitHubConfig.model_validate({"repos": "acme/api, acme/web,"})
    assert config.repos == ["acme/api", "acme/web"]
    assert (config.base_url, config.max_pages, config.token) == ("https://api.github.com", 5, None)


def test_registry_builds_github() -> None:
    hub = GitHubConfig(repos=[ICAL])
    graph, jira, git = GraphConfig(), JiraConfig(), GitConfig()
    built = build_connectors(["github", "git"], graph=graph, jira=jira, git=git, github=hub)
    assert [c.name for c in built] == ["github", "git"]
    assert isinstance(built[0], GitHubConnector) and built[0].config is hub
    default = build_connectors(["github"], graph=graph, jira=jira, git=git)[0]
    assert isinstance(default, GitHubConnector) and default.config == GitHubConfig()


async def test_a_failed_commit_detail_keeps_the_commit_and_makes_the_source_partial(
    fake: FakeGitHub,
) -> None:
    sha = next(c.sha for c in icalendar().commits if c.message == "Fix tz test")
    fake.server.script(f"/repos/{ICAL}/commits/{sha}", Reply(500, {"message": "boom"}))
    result = await fetch(fake, [ICAL])
    by_title = {i.title: i for i in result.items}
    assert by_title["Fix tz test"].extra == {}
    assert by_title["Add py.typed"].extra == {"files": "CHANGES.rst"}
    assert "failed" in [a.status for a in result.accesses]
    assert result.failures == [
        f"repo {ICAL} commit detail failed: /repos/{ICAL}/commits/{sha}: HTTP 500"
    ]


async def test_a_bare_alias_never_claims_someone_elses_login(fake: FakeGitHub) -> None:
    # "sbhamidi" without the github: prefix could be anyone's login: "Fix tz test" is known to
    # be Sashank's only through that login, so it must not be claimed.
    bare = SASHANK.model_copy(
        update={"aliases": ("Sashank", "sashank@users.noreply.github.com", "sbhamidi")}
    )
    config = GitHubConfig(base_url=fake.base_url, token=SecretStr(TOKEN), repos=[ICAL])
    result = await GitHubConnector(config).fetch(bare, window_for(NOW, 7))
    titles = {i.title for i in result.items}
    assert "Fix tz test" not in titles and "Type the parser" in titles
