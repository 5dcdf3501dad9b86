"""The employee's own Jira Service Management requests, through the `jira` client (the same
calls, retries and error handling as the Jira connector): issues they reported in the window,
with only the key, summary, request type (the issue type) and created and resolution dates;
never the description, comments or changelog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel

from context.config import JsmSourceConfig
from context.connectors.base import (
    BuildContext,
    EndpointDeclaration,
    FetchResult,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.connectors.itsm_items import it_ticket_item
from context.connectors.jira import (
    FIELD_LIST,
    SEARCH_CLOUD,
    SEARCH_SERVER,
    SERVER_INFO,
    USER_SEARCH,
    JiraConnector,
)
from context.connectors.jira_parse import parse_jira_time, user_ids
from context.connectors.malformed import MalformedItem
from context.identity import identity_keys, normalise
from context.models import ContextItem, Employee

JSM_FIELDS = ["summary", "issuetype", "created", "resolutiondate"]


def jsm_manifest(lookback_days: int = 7) -> SourceManifest:
    return SourceManifest(
        connector="jsm",
        description=(
            "Jira Service Management: the requests the employee raised in the window (key,"
            " summary, request type, created and resolved). No description, comments or"
            " changelog"
        ),
        endpoints=[
            EndpointDeclaration(path=SERVER_INFO),
            EndpointDeclaration(path=FIELD_LIST),
            EndpointDeclaration(
                path=USER_SEARCH, fields=["accountId", "name", "key", "emailAddress", "displayName"]
            ),
            EndpointDeclaration(path=SEARCH_SERVER, fields=JSM_FIELDS),
            EndpointDeclaration(path=SEARCH_CLOUD, fields=JSM_FIELDS),
        ],
        fields=[
            FieldDeclaration(name="issue.key/issuetype", category="system.operations"),
            FieldDeclaration(name="issue.summary", category="user.workplace"),
            FieldDeclaration(name="issue.created/resolutiondate", category="user.workplace"),
            FieldDeclaration(name="user.accountId/name/key", category="user.unique_id"),
            FieldDeclaration(name="user.emailAddress", category="user.contact.email"),
        ],
        lookback_days=lookback_days,
        third_parties=["Atlassian (Jira Service Management, the system of record)"],
    )


class JsmConnector(JiraConnector):
    """IT requests the employee raised, from Jira Service Management."""

    name: ClassVar[str] = "jsm"
    config_type: ClassVar[type[BaseModel] | None] = JsmSourceConfig
    search_fields: ClassVar[list[str]] = JSM_FIELDS
    search_expand: ClassVar[str | None] = None

    @classmethod
    def from_config(cls, config: Any, context: BuildContext) -> JsmConnector:  # JsmSourceConfig
        return cls(config, lookback_days=context.lookback_days)

    def manifest(self) -> SourceManifest:
        return jsm_manifest(self.lookback_days)

    def _fetch(self, employee: Employee, window: Window) -> FetchResult:
        result = FetchResult()
        client = self._client()
        self._log(result, SERVER_INFO, [], 0)
        cloud = getattr(client, "deploymentType", None) == "Cloud"
        keys = identity_keys(employee)
        user = self._find_user(client, employee, keys, cloud, result)
        if user is None:
            return result
        keys = keys | {normalise(i) for i in user_ids(user) if i}
        who = str(user["accountId"] if cloud else user["name"])
        who = who.replace("\\", "\\\\").replace('"', '\\"')
        since = (window.start - timedelta(days=1)).strftime("%Y-%m-%d")
        jql = f'reporter = "{who}" AND created >= "{since}" ORDER BY created DESC'
        fetched_at = datetime.now(UTC)
        for issue in self._issues(client, jql, cloud, result):
            try:
                item = request_item(issue, fetched_at)
            except (MalformedItem, KeyError, TypeError, AttributeError):
                result.skipped += 1
                continue
            if window.start <= item.when < window.end:
                result.items.append(item)
        return result


def request_item(issue: dict[str, Any], fetched_at: datetime) -> ContextItem:
    fields = issue.get("fields") or {}
    key, summary = issue.get("key"), (fields.get("summary") or "").strip()
    if not key or not summary:
        raise MalformedItem("request without key or summary")
    resolved = fields.get("resolutiondate")
    kind = (fields.get("issuetype") or {}).get("name")
    return it_ticket_item(
        connector="jsm",
        number=str(key),
        short_description=summary,
        opened=parse_jira_time(fields.get("created")),
        resolved=parse_jira_time(resolved) if resolved else None,
        category=str(kind) if kind else None,
        assignment_group=None,
        fetched_at=fetched_at,
    )
