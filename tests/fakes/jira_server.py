"""A fake Jira serving the real Apache Lucene search recording (tests/fixtures/jira), moved into the
test window, with changelogs derived on the real shapes. Server/Data Center mode pages with
startAt; Cloud mode pages with nextPageToken and identifies users by accountId only (the
recording's names, keys and e-mail addresses are removed, as Cloud does)."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

FIXTURE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "jira" / "search_lucene_core_first10.json"
)
PAGE_SIZE = 3
EMPLOYEE_NAME = "cutting"  # Doug Cutting: reporter as "cutting", commenter as "cutting@apache.org"
EMPLOYEE_EMAIL = "cutting@apache.org"


def jira_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


# The recording shows Doug Cutting under two Server accounts; Cloud has one accountId per person.
SAME_PERSON = {EMPLOYEE_EMAIL: EMPLOYEE_NAME}


def account_id(user: dict[str, Any]) -> str:
    name = str(user.get("name"))
    return hashlib.sha1(SAME_PERSON.get(name, name).encode()).hexdigest()[:24]


def _cloud_user(user: dict[str, Any] | None) -> dict[str, Any] | None:
    if not user:
        return user
    aid = account_id(user)
    return {
        "self": f"https://example.atlassian.net/rest/api/2/user?accountId={aid}",
        "accountId": aid,
        "displayName": user.get("displayName"),
        "active": user.get("active", True),
        "accountType": "atlassian",
    }


def _doug(issues: list[dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(issues[0]["fields"]["reporter"])


def _history(hid: int, author: dict[str, Any], when: datetime, **change: Any) -> dict[str, Any]:
    return {"id": str(hid), "author": author, "created": jira_time(when), "items": [change]}


def recorded_issues(now: datetime) -> list[dict[str, Any]]:
    """The first six real issues, re-timed into the week before `now`, each with a changelog:
    the employee moves LUCENE-1 and LUCENE-3, is assigned LUCENE-5; someone else moves LUCENE-4."""
    issues = json.loads(FIXTURE.read_text(encoding="utf-8"))["issues"][:6]
    doug = _doug(issues)
    other = copy.deepcopy(issues[1]["fields"]["reporter"])
    out = []
    for k, issue in enumerate(issues):
        issue = copy.deepcopy(issue)
        created = now - timedelta(days=6) + timedelta(hours=17 * k)
        issue["fields"]["created"] = jira_time(created)
        issue["fields"]["updated"] = jira_time(created + timedelta(hours=12))
        for j, comment in enumerate(issue["fields"]["comment"]["comments"]):
            comment["created"] = jira_time(created + timedelta(hours=2 * (j + 1)))
        issue["changelog"] = {"startAt": 0, "maxResults": 10, "total": 0, "histories": []}
        out.append(issue)
    t = lambda k, h: now - timedelta(days=6) + timedelta(hours=17 * k + h)  # noqa: E731
    out[0]["changelog"]["histories"] = [
        _history(1, doug, t(0, 1), field="status", fromString="Open", toString="In Progress"),
        _history(2, doug, t(0, 5), field="status", fromString="In Progress", toString="Resolved"),
    ]
    out[2]["changelog"]["histories"] = [
        _history(3, doug, t(2, 3), field="status", fromString="Open", toString="Closed")
    ]
    out[3]["changelog"]["histories"] = [
        _history(4, other, t(3, 1), field="status", fromString="Open", toString="Closed")
    ]
    out[4]["changelog"]["histories"] = [
        _history(5, other, t(4, 1), field="assignee", to="cutting", toString="Doug Cutting")
    ]
    malformed = {"id": "999", "key": "LUCENE-999", "self": "x"}  # no fields at all
    return [*out, malformed]


def only_fields(issues: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    """Jira answers only the fields a search names (`fields=` repeated or comma-separated), and
    the changelog only when asked for (`expand=changelog`)."""
    wanted = {f for value in request.query.get("fields", []) for f in value.split(",") if f}
    expand = {e for value in request.query.get("expand", []) for e in value.split(",")}
    out = []
    for issue in issues:
        issue = copy.deepcopy(issue)
        if "changelog" not in expand:
            issue.pop("changelog", None)
        if wanted and "*all" not in wanted and isinstance(issue.get("fields"), dict):
            issue["fields"] = {k: v for k, v in issue["fields"].items() if k in wanted}
        out.append(issue)
    return out


def to_cloud(issue: dict[str, Any]) -> dict[str, Any]:
    """The same issue as Jira Cloud shows it: users by accountId, no names or e-mail."""
    issue = copy.deepcopy(issue)
    fields = issue.get("fields") or {}
    for key in ("assignee", "reporter", "creator"):
        if key in fields:
            fields[key] = _cloud_user(fields[key])
    for comment in (fields.get("comment") or {}).get("comments", []):
        comment["author"] = _cloud_user(comment.get("author"))
        comment["updateAuthor"] = _cloud_user(comment.get("updateAuthor"))
    for history in (issue.get("changelog") or {}).get("histories", []):
        history["author"] = _cloud_user(history["author"])
        for item in history["items"]:
            if item.get("field") == "assignee" and item.get("to"):
                item["to"] = account_id({"name": item["to"]})
    return issue


@dataclass
class FakeJira:
    now: datetime
    cloud: bool = False
    issues: list[dict[str, Any]] = field(default_factory=list)
    server: FakeHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.issues = self.issues or recorded_issues(self.now)
        if self.cloud:
            self.issues = [to_cloud(i) for i in self.issues]
        self.server = FakeHTTPServer(self.route)

    @property
    def doug(self) -> dict[str, Any]:
        user = json.loads(FIXTURE.read_text(encoding="utf-8"))["issues"][0]["fields"]["reporter"]
        return _cloud_user(user) or {} if self.cloud else user

    def route(self, request: Request) -> Reply:
        auth = request.headers.get("authorization", "")
        if not (auth.startswith("Bearer ") or auth.startswith("Basic ")):
            return Reply(401, {"errorMessages": ["You are not authenticated"]})
        path = request.path
        if path == "/rest/api/2/serverInfo":
            kind = "Cloud" if self.cloud else "Server"
            return Reply(
                200,
                {
                    "baseUrl": self.server.url,
                    "version": "9.12.0",
                    "versionNumbers": [9, 12, 0],
                    "deploymentType": kind,
                },
            )
        if path == "/rest/api/2/field":
            return Reply(200, [{"id": "summary", "name": "Summary", "clauseNames": ["summary"]}])
        if path == "/rest/api/2/user/search":
            who = request.param("query" if self.cloud else "username") or ""
            return Reply(200, [self.doug] if who.lower() == EMPLOYEE_EMAIL else [])
        if path == "/rest/api/2/search" and not self.cloud:
            start = int(request.param("startAt") or 0)
            return Reply(
                200,
                {
                    "startAt": start,
                    "maxResults": PAGE_SIZE,
                    "total": len(self.issues),
                    "issues": only_fields(self.issues[start : start + PAGE_SIZE], request),
                },
            )
        if path == "/rest/api/2/search/jql" and self.cloud:
            start = int(request.param("nextPageToken") or 0)
            page = only_fields(self.issues[start : start + PAGE_SIZE], request)
            body: dict[str, Any] = {"issues": page}
            if start + PAGE_SIZE < len(self.issues):
                body["nextPageToken"] = str(start + PAGE_SIZE)
            else:
                body["isLast"] = True
            return Reply(200, body)
        if path == "/rest/api/2/changelog/bulkfetch" and self.cloud and request.method == "POST":
            return Reply(200, self.bulk_changelog(request.json() or {}))
        return Reply(404, {"errorMessages": [f"no route {path}"]})

    def bulk_changelog(self, body: dict[str, Any]) -> dict[str, Any]:
        """Cloud's POST changelog/bulkfetch: the histories of the named issues, each reduced to
        the items of the `fieldIds` asked for (all fields when none are named)."""
        wanted = set(body.get("fieldIds") or [])
        keys = set(body.get("issueIdsOrKeys") or [])
        logs = []
        for issue in self.issues:
            if issue.get("key") not in keys and issue.get("id") not in keys:
                continue
            histories = []
            for history in (issue.get("changelog") or {}).get("histories", []):
                items = [i for i in history["items"] if not wanted or i.get("field") in wanted]
                if items:
                    histories.append({**history, "items": items})
            logs.append({"issueId": issue["id"], "changeHistories": histories})
        return {"issueChangeLogs": logs}
