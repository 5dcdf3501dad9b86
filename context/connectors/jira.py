"""Jira (Cloud and Server/Data Center) through the `jira` library, which is synchronous: the whole
fetch runs in a worker thread. The library's own retries are off (max_retries=0); 429/503 are
retried here with Retry-After inside a budget. A JIRAError's text includes the request headers
(the token), so it is never formatted, logged or chained: only its status code is kept."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from context.config import JiraConfig
from context.connectors.base import (
    AccessRecord,
    BuildContext,
    ConnectorError,
    EndpointDeclaration,
    FetchResult,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.connectors.jira_parse import issue_events, user_ids
from context.connectors.malformed import MalformedItem
from context.identity import identity_keys, is_employee, normalise
from context.models import Employee

T = TypeVar("T")
# Exactly the fields jira_parse reads: no `comment` (Jira cannot send comments without their
# bodies), no current status (transitions come from the changelog), no other dates.
SEARCH_FIELDS = ["summary", "issuetype", "project", "created", "assignee", "reporter"]
# Jira Cloud's bulk changelog endpoint filters by field at the source: only status changes are
# sent. Server/Data Center has no such filter: its search's expand=changelog sends the whole
# changelog, of which only status transitions are read (jira_parse.kept_histories).
CHANGELOG_CLOUD = "/rest/api/2/changelog/bulkfetch"
CHANGELOG_FIELDS = ["status"]
CHANGELOG_BATCH = 1000  # issue keys per bulk request (Jira's limit)
SEARCH_SERVER = "/rest/api/2/search"
SEARCH_CLOUD = "/rest/api/2/search/jql"
USER_SEARCH = "/rest/api/2/user/search"
SERVER_INFO = "/rest/api/2/serverInfo"
FIELD_LIST = "/rest/api/2/field"
PAGE_SIZE = 50
MAX_PAGES = 20
RETRY_STATUSES = frozenset({429, 503})


def jira_manifest(lookback_days: int = 7) -> SourceManifest:
    return SourceManifest(
        connector="jira",
        description=(
            "Jira issues the employee reported, holds or moved. Search names only the fields"
            " used (no comments, so no comment bodies). Jira Cloud: the changelog is fetched"
            " separately, filtered at the source to status changes"
            " (changelog/bulkfetch fieldIds=status). Server/Data Center has no changelog"
            " filter: its search's expand=changelog sends it whole, and only status transitions"
            " are kept, at parse time; every other change is discarded unread"
        ),
        endpoints=[
            EndpointDeclaration(path=SERVER_INFO),
            # Field metadata (names -> ids); the library reads it before the first search.
            EndpointDeclaration(path=FIELD_LIST),
            EndpointDeclaration(
                path=USER_SEARCH, fields=["accountId", "name", "key", "emailAddress", "displayName"]
            ),
            EndpointDeclaration(path=SEARCH_SERVER, fields=SEARCH_FIELDS),
            EndpointDeclaration(path=SEARCH_CLOUD, fields=SEARCH_FIELDS),
            EndpointDeclaration(method="POST", path=CHANGELOG_CLOUD, fields=CHANGELOG_FIELDS),
        ],
        fields=[
            FieldDeclaration(name="issue.key/project/issuetype", category="system.operations"),
            FieldDeclaration(name="issue.summary", category="user.workplace"),
            FieldDeclaration(name="issue.created", category="user.workplace"),
            FieldDeclaration(name="issue.assignee/reporter", category="user.name"),
            FieldDeclaration(
                name="changelog.status transitions (Cloud: filtered at the source)",
                category="user.workplace",
            ),
            FieldDeclaration(name="user.accountId/name/key", category="user.unique_id"),
            FieldDeclaration(name="user.emailAddress", category="user.contact.email"),
        ],
        lookback_days=lookback_days,
        third_parties=["Atlassian (Jira, the system of record)"],
    )


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def _retry_after(exc: BaseException) -> float | None:
    if _status(exc) not in RETRY_STATUSES:
        return None
    response = getattr(exc, "response", None)
    raw = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


def _poster(client: Any, url: str, body: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """One POST through the jira client's authenticated session (it wraps no bulk changelog)."""

    def post() -> dict[str, Any]:
        return dict(client._session.post(url, json=body).json())

    return post


class JiraConnector:
    """Ticket events for one employee from Jira."""

    name: ClassVar[str] = "jira"
    config_type: ClassVar[type[BaseModel] | None] = JiraConfig  # DESKGUARD_JIRA__*
    search_fields: ClassVar[list[str]] = SEARCH_FIELDS  # what a search asks for
    search_expand: ClassVar[str | None] = "changelog"

    @classmethod
    def from_config(cls, config: JiraConfig, context: BuildContext) -> JiraConnector:
        return cls(config, lookback_days=context.lookback_days)

    def __init__(
        self, config: Any, *, lookback_days: int = 7, retry_budget_seconds: float = 10.0
    ) -> None:
        self.config = config
        self.lookback_days = lookback_days
        self.retry_budget_seconds = retry_budget_seconds

    def manifest(self) -> SourceManifest:
        return jira_manifest(self.lookback_days)

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        return await asyncio.to_thread(self._fetch, employee, window)

    def _call(self, what: str, call: Callable[[], T]) -> T:
        """One Jira call, retried on 429/503 while Retry-After fits in the budget."""
        deadline = time.monotonic() + self.retry_budget_seconds
        while True:
            try:
                return call()
            except Exception as exc:
                wait = _retry_after(exc)
                if wait is None or time.monotonic() + wait > deadline:
                    status = _status(exc)
                    reason = f"HTTP {status}" if status else type(exc).__name__
                    raise ConnectorError(self.name, f"{what}: {reason}") from None
                time.sleep(wait)

    def _client(self) -> Any:
        """Constructing JIRA calls /rest/api/2/serverInfo (Cloud or Server is decided there)."""
        from jira import JIRA

        config = self.config
        if not config.url or config.token is None:
            raise ConnectorError("jira", "set url and token (and email for Jira Cloud)")
        token = config.token.get_secret_value()
        auth: dict[str, Any] = (
            {"basic_auth": (config.email, token)} if config.email else {"token_auth": token}
        )
        return self._call(
            SERVER_INFO,
            lambda: JIRA(
                server=config.url,
                max_retries=0,
                timeout=config.timeout_seconds,
                options={"check_update": False},
                **auth,
            ),
        )

    def _fetch(self, employee: Employee, window: Window) -> FetchResult:
        result = FetchResult()
        client = self._client()
        self._log(result, SERVER_INFO, [], 0)
        cloud = getattr(client, "deploymentType", None) == "Cloud"
        keys = identity_keys(employee)
        user = self._find_user(client, employee, keys, cloud, result)
        if user is None:
            return result  # no Jira account: nothing to ask about, not a failure
        keys = keys | {normalise(i) for i in user_ids(user) if i}
        jql = self._jql(user["accountId"] if cloud else user["name"], window)
        issues = self._issues(client, jql, cloud, result)
        if cloud and self.search_expand:
            self._status_changes(client, issues, result)
        for issue in issues:
            try:
                result.items += issue_events(issue, keys, window, datetime.now(UTC))
            except (MalformedItem, ValueError, TypeError, AttributeError):
                result.skipped += 1
        return result

    def _find_user(
        self,
        client: Any,
        employee: Employee,
        keys: frozenset[str],
        cloud: bool,
        result: FetchResult,
    ) -> dict[str, Any] | None:
        """The employee's Jira user: Cloud searches by `query` (answers accountIds), Server by
        `username` (matches name, key and email)."""
        kwargs = {"query": employee.upn} if cloud else {"user": employee.upn}
        found = self._call(USER_SEARCH, lambda: client.search_users(maxResults=5, **kwargs))
        users = [u.raw for u in found]
        self._log(result, USER_SEARCH, [], len(users))
        mine = [u for u in users if is_employee(keys, user_ids(u))]
        # Cloud hides e-mail addresses by default: a single answer to an e-mail query is theirs.
        if not mine and cloud and len(users) == 1:
            mine = users
        needed = "accountId" if cloud else "name"
        return next((u for u in mine if u.get(needed)), None)

    def _jql(self, user: str, window: Window) -> str:
        """Issues the user reported, holds or moved. Dates are the server's zone: start a day
        early and let the parser keep only events inside the window."""
        since = (window.start - timedelta(days=1)).strftime("%Y-%m-%d")
        who = user.replace("\\", "\\\\").replace('"', '\\"')
        return (
            f'(assignee = "{who}" OR reporter = "{who}" OR status CHANGED BY "{who}") '
            f'AND updated >= "{since}" ORDER BY updated DESC'
        )

    def _issues(
        self, client: Any, jql: str, cloud: bool, result: FetchResult
    ) -> list[dict[str, Any]]:
        """All pages: Cloud follows nextPageToken, Server advances startAt."""
        issues: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            page = self._page(client, jql, cloud, token, len(issues))
            batch = [i for i in page.get("issues") or [] if isinstance(i, dict)]
            result.skipped += len(page.get("issues") or []) - len(batch)
            issues += batch
            endpoint = SEARCH_CLOUD if cloud else SEARCH_SERVER
            self._log(result, endpoint, self.search_fields, len(batch))
            if cloud:
                token = page.get("nextPageToken")
                if not token or page.get("isLast"):
                    break
            elif not batch or len(issues) >= int(page.get("total") or 0):
                break
        return issues

    def _page(
        self, client: Any, jql: str, cloud: bool, token: str | None, start: int
    ) -> dict[str, Any]:
        common: dict[str, Any] = {
            "maxResults": PAGE_SIZE,
            "fields": list(self.search_fields),
            "json_result": True,
        }
        if self.search_expand and not cloud:  # Cloud: _status_changes, filtered at the source
            common["expand"] = self.search_expand
        if cloud:
            return dict(
                self._call(
                    SEARCH_CLOUD,
                    lambda: client.enhanced_search_issues(jql, nextPageToken=token, **common),
                )
            )
        return dict(
            self._call(
                SEARCH_SERVER,
                lambda: client.search_issues(jql, startAt=start, validate_query=True, **common),
            )
        )

    def _status_changes(
        self, client: Any, issues: list[dict[str, Any]], result: FetchResult
    ) -> None:
        """Each issue's status changes from Cloud's bulk changelog, set as its changelog."""
        keys = [str(i["key"]) for i in issues if i.get("key")]
        by_id: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(keys), CHANGELOG_BATCH):
            batch = keys[start : start + CHANGELOG_BATCH]
            for log in self._changelog_pages(client, batch, result):
                by_id.setdefault(str(log.get("issueId")), []).extend(
                    log.get("changeHistories") or []
                )
        for issue in issues:
            issue["changelog"] = {"histories": by_id.get(str(issue.get("id")), [])}

    def _changelog_pages(
        self, client: Any, keys: list[str], result: FetchResult
    ) -> list[dict[str, Any]]:
        url = client.server_url.rstrip("/") + CHANGELOG_CLOUD
        logs: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            body: dict[str, Any] = {"issueIdsOrKeys": keys, "fieldIds": CHANGELOG_FIELDS}
            body |= {"maxResults": CHANGELOG_BATCH} | ({"nextPageToken": token} if token else {})
            page: dict[str, Any] = self._call(CHANGELOG_CLOUD, _poster(client, url, body))
            found = [log for log in page.get("issueChangeLogs") or [] if isinstance(log, dict)]
            logs += found
            self._log(result, CHANGELOG_CLOUD, CHANGELOG_FIELDS, len(found))
            token = page.get("nextPageToken")
            if not token:
                break
        return logs

    def _log(self, result: FetchResult, endpoint: str, fields: list[str], items: int) -> None:
        result.accesses.append(
            AccessRecord(
                connector=self.name,
                endpoint=endpoint,
                fields=fields,
                at=datetime.now(UTC),
                items=items,
            )
        )
