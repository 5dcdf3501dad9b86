"""JiraConnector: the real `jira` client against a local fake Jira serving the recorded Apache
Lucene search, in Server/Data Center mode (startAt, users by name) and Cloud mode (nextPageToken,
users by accountId)."""

from __future__ import annotations

import glob
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from context.collect import collect, window_for
from context.config import CollectionConfig, JiraConfig
from context.connectors.base import ConnectorError
from context.connectors.jira import SEARCH_FIELDS, JiraConnector
from context.connectors.jira_parse import parse_jira_time
from context.connectors.malformed import MalformedItem
from context.models import ASSUMED_LARGE_AUDIENCE, AudienceScope, Employee
from tests.fakes.jira_server import EMPLOYEE_EMAIL, FakeJira, account_id
from tests.fakes.local_http import Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = window_for(NOW, 7)
SECRET = "ATATT3x-jira-very-secret"
DOUG = Employee(
    upn=EMPLOYEE_EMAIL, name="Doug Cutting", title="Engineer", department="Search", role="engineer"
)
# What Doug did on the recorded issues (key, involvement, status_to): the same in both modes.
EXPECTED = sorted(
    [
        ("LUCENE-1", "reporter", None),
        ("LUCENE-1", "transitioner", "In Progress"),
        ("LUCENE-1", "transitioner", "Resolved"),
        ("LUCENE-3", "transitioner", "Closed"),
        # someone else closed LUCENE-4: not Doug's transition; Doug was assigned LUCENE-5, but
        # only status transitions are read from the changelog (minimal at the source)
    ],
    key=str,
)


@pytest.fixture(params=[False, True], ids=["server", "cloud"])
def jira(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    fake = FakeJira(NOW, cloud=request.param)
    fake.server.start()
    yield fake
    fake.server.stop()


def connector(fake: FakeJira, **kw: object) -> JiraConnector:
    values: dict[str, object] = {
        "url": fake.server.url,
        "token": SecretStr(SECRET),
        "timeout_seconds": 2.0,
    }
    if fake.cloud:
        values["email"] = "svc-deskguard@example.com"
    return JiraConnector(JiraConfig.model_validate(values | kw), retry_budget_seconds=1.0)


def searches(fake: FakeJira) -> list[object]:
    return [r for r in fake.server.requests if r.path.startswith("/rest/api/2/search")]


async def test_events_the_employee_did(jira: FakeJira) -> None:
    result = await connector(jira).fetch(DOUG, WINDOW)
    got = sorted(
        (
            (i.identifiers["ticket_key"], i.involvement.value, i.identifiers.get("status_to"))
            for i in result.items
        ),
        key=str,
    )
    assert got == EXPECTED
    assert result.skipped == 1  # the issue without fields
    moved = next(i for i in result.items if i.identifiers.get("status_to") == "Resolved")
    assert moved.identifiers == {
        "ticket_key": "LUCENE-1",
        "project": "LUCENE",
        "status_from": "In Progress",
        "status_to": "Resolved",
    }
    assert moved.title == "lock files don't work in JDK 1.1"
    assert moved.extra == {"issue_type": "Bug"}


async def test_every_event_is_visible_to_the_whole_project(jira: FakeJira) -> None:
    result = await connector(jira).fetch(DOUG, WINDOW)
    for item in result.items:
        audience = item.audience
        assert audience.scope is AudienceScope.PROJECT and audience.group == "LUCENE"
        # Jira does not say how many can browse the project: assumed large
        assert audience.size is None and audience.reach == ASSUMED_LARGE_AUDIENCE
        assert "Doug Cutting" not in audience.people  # the employee is not their own audience
        others = {p.name for p in item.participants} - {"Doug Cutting"}
        assert set(audience.people) == others


async def test_comment_bodies_are_never_read(jira: FakeJira) -> None:
    result = await connector(jira).fetch(DOUG, WINDOW)
    dumped = " ".join(i.model_dump_json() for i in result.items)
    assert "disabling lock files" not in dumped  # LUCENE-1's first comment body


async def test_paging_and_user_lookup_per_deployment(jira: FakeJira) -> None:
    await connector(jira).fetch(DOUG, WINDOW)
    pages = searches(jira)
    assert len(pages) == 3  # seven issues in pages of three
    if jira.cloud:
        assert {r.path for r in pages} == {"/rest/api/2/search/jql"}  # type: ignore[attr-defined]
        assert [r.param("nextPageToken") for r in pages] == [None, "3", "6"]  # type: ignore[attr-defined]
        who = account_id({"name": "cutting"})
        assert jira.server.requests[0].headers["authorization"].startswith("Basic ")
    else:
        assert {r.path for r in pages} == {"/rest/api/2/search"}  # type: ignore[attr-defined]
        assert [r.param("startAt") for r in pages] == ["0", "3", "6"]  # type: ignore[attr-defined]
        who = "cutting"
        assert jira.server.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    jql = pages[0].param("jql")  # type: ignore[attr-defined]
    assert f'reporter = "{who}"' in jql and f'status CHANGED BY "{who}"' in jql
    assert pages[0].query["fields"] == SEARCH_FIELDS  # type: ignore[attr-defined]
    # Cloud reads the changelog from changelog/bulkfetch, filtered to status at the source
    expand = None if jira.cloud else "changelog"
    assert pages[0].param("expand") == expand  # type: ignore[attr-defined]


async def test_429_with_retry_after_is_retried(jira: FakeJira) -> None:
    jira.server.script(
        "/rest/api/2/search", Reply(429, {"errorMessages": ["slow down"]}, {"Retry-After": "0"})
    )
    result = await connector(jira).fetch(DOUG, WINDOW)
    assert len(result.items) == len(EXPECTED)
    assert len(searches(jira)) == 4


@pytest.mark.parametrize(
    ("path", "reply", "message"),
    [
        (
            "/rest/api/2/search",
            Reply(429, {"errorMessages": ["x"]}, {"Retry-After": "30"}),
            "HTTP 429",
        ),  # Retry-After beyond the budget: fail now
        ("/rest/api/2/search", Reply(500, {"errorMessages": ["boom"]}), "HTTP 500"),
        ("/rest/api/2/serverInfo", Reply(401, {"errorMessages": ["bad token"]}), "HTTP 401"),
        ("/rest/api/2/search", Reply(200, {"issues": []}, delay=1.0), "ReadTimeout"),
    ],
    ids=["429-over-budget", "500", "401-at-construction", "timeout"],
)
async def test_failures_are_connector_errors_without_secrets(
    jira: FakeJira, path: str, reply: Reply, message: str
) -> None:
    before = set(glob.glob(f"{tempfile.gettempdir()}/jiraerror-*"))
    jira.server.script(path, reply)
    with pytest.raises(ConnectorError) as info:
        await connector(jira, timeout_seconds=0.3).fetch(DOUG, WINDOW)
    assert message in str(info.value)
    assert SECRET not in str(info.value) and info.value.__cause__ is None
    assert set(glob.glob(f"{tempfile.gettempdir()}/jiraerror-*")) == before


async def test_employee_without_jira_account_gives_no_items(jira: FakeJira) -> None:
    stranger = DOUG.model_copy(update={"upn": "nobody@example.com", "name": "No Body"})
    result = await connector(jira).fetch(stranger, WINDOW)
    assert result.items == [] and searches(jira) == []


async def test_collection_marks_failed_jira_without_secret(jira: FakeJira) -> None:
    jira.server.script(
        "/rest/api/2/serverInfo", Reply(503, {"errorMessages": [SECRET]}, {"Retry-After": "60"})
    )
    got = await collect(DOUG, [connector(jira)], window=WINDOW, config=CollectionConfig())
    assert got.degraded_sources == ["jira"]
    assert got.sources[0].error == "jira: /rest/api/2/serverInfo: HTTP 503"
    assert SECRET not in got.model_dump_json()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2001-10-09T16:19:16.000+0000", datetime(2001, 10, 9, 16, 19, 16, tzinfo=UTC)),
        ("2026-11-20T09:00:00.000-0600", datetime(2026, 11, 20, 15, 0, tzinfo=UTC)),
        ("2026-11-20T09:00:00+01:00", datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),  # ISO 8601
    ],
)
def test_jira_times(value: str, expected: datetime) -> None:
    assert parse_jira_time(value) == expected


@pytest.mark.parametrize("value", [None, "yesterday", "2026-11-20T09:00:00"])
def test_bad_jira_times_are_malformed(value: object) -> None:
    with pytest.raises(MalformedItem):
        parse_jira_time(value)


async def test_missing_settings_say_what_to_set() -> None:
    with pytest.raises(ConnectorError, match="set url and token"):
        await JiraConnector(JiraConfig()).fetch(DOUG, WINDOW)
