"""Jira issue JSON -> one ContextItem per thing the employee did on it: reported (created),
was assigned, moved status. Pure functions; a malformed issue raises MalformedItem.

Works on both Cloud (users by `accountId`) and Server/Data Center (users by `name`/`key`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from context.connectors.base import Window
from context.connectors.malformed import MalformedItem
from context.identity import is_employee
from context.models import (
    Audience,
    AudienceScope,
    ContextItem,
    Involvement,
    ItemKind,
    Participant,
    Provenance,
    Source,
)

Json = dict[str, Any]


def parse_jira_time(value: Any) -> datetime:
    """Jira's `2016-03-01T10:15:30.000+0000` (offset without a colon) or ISO 8601."""
    if not isinstance(value, str):
        raise MalformedItem("missing timestamp")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise MalformedItem(f"bad timestamp {value!r}") from exc
    if parsed.tzinfo is None:
        raise MalformedItem(f"timestamp without offset {value!r}")
    return parsed


def user_ids(user: Json | None) -> list[str | None]:
    """Every identifier a Jira user object carries (Cloud or Server)."""
    if not user:
        return []
    return [user.get(k) for k in ("accountId", "name", "key", "emailAddress", "displayName")]


def _person(user: Json | None, role: str) -> Participant | None:
    if not user or not (user.get("displayName") or user.get("name")):
        return None
    return Participant(name=user.get("displayName") or user["name"], role=role)


KEPT_CHANGES = frozenset({"status"})


def kept_histories(issue: Json) -> list[Json]:
    """The changelog reduced to status transitions (Jira Server's search sends it whole; Cloud's
    bulk changelog sends only status changes): every other change, with its old and new
    values, is dropped here, unread."""
    kept: list[Json] = []
    for history in (issue.get("changelog") or {}).get("histories") or []:
        items = [
            item
            for item in history.get("items") or []
            if str(item.get("field") or "").lower() in KEPT_CHANGES
        ]
        if items:
            kept.append(
                {"created": history.get("created"), "author": history.get("author"), "items": items}
            )
    return kept


class IssueView:
    """The minimal fields of one issue, read once."""

    def __init__(self, issue: Json, keys: frozenset[str]) -> None:
        fields = issue.get("fields")
        if not isinstance(fields, dict) or not issue.get("key"):
            raise MalformedItem("issue without key or fields")
        self.key: str = issue["key"]
        self.fields: Json = fields
        self.summary = str(fields.get("summary") or "").strip()
        if not self.summary:
            raise MalformedItem(f"{self.key}: no summary")
        self.project = (fields.get("project") or {}).get("key") or self.key.split("-")[0]
        self.issue_type = (fields.get("issuetype") or {}).get("name")
        self.histories = kept_histories(issue)
        self.audience = self._audience(keys)

    def people(self) -> tuple[Participant, ...]:
        found = [
            _person(self.fields.get("assignee"), "assignee"),
            _person(self.fields.get("reporter"), "reporter"),
        ]
        return tuple(p for p in found if p is not None)

    def _audience(self, keys: frozenset[str]) -> Audience:
        """The assignee and reporter by name, and every member of the project: the issue and
        its history are visible to anyone who can browse it, a number Jira does not report."""
        named = [
            _person(self.fields.get(role), role)
            for role in ("assignee", "reporter")
            if not is_employee(keys, user_ids(self.fields.get(role)))
        ]
        return Audience(
            scope=AudienceScope.PROJECT,
            people=tuple(dict.fromkeys(p.name for p in named if p is not None)),
            group=self.project,
        )


def _item(
    view: IssueView,
    event: str,
    when: datetime,
    involvement: Involvement,
    fetched_at: datetime,
    **identifiers: str | None,
) -> ContextItem:
    ids = {"ticket_key": view.key, "project": view.project, **identifiers}
    return ContextItem(
        id=f"jira:{view.key}:{event}:{when.isoformat()}",
        source=Source.JIRA,
        kind=ItemKind.TICKET,
        when=when,
        title=view.summary,
        involvement=involvement,
        participants=view.people(),
        identifiers={k: v for k, v in ids.items() if v},
        extra={"issue_type": view.issue_type} if view.issue_type else {},
        audience=view.audience,
        provenance=Provenance(connector="jira", ref=view.key, fetched_at=fetched_at),
    )


def _history_events(
    view: IssueView, keys: frozenset[str], window: Window, fetched_at: datetime
) -> Iterator[ContextItem]:
    for history in view.histories:
        when = parse_jira_time(history.get("created"))
        if not window.start <= when < window.end:
            continue
        by_employee = is_employee(keys, user_ids(history.get("author")))
        for change in history.get("items") or []:
            field = str(change.get("field") or "").lower()
            if field == "status" and by_employee:
                yield _item(
                    view,
                    "transition",
                    when,
                    Involvement.TRANSITIONER,
                    fetched_at,
                    status_from=change.get("fromString"),
                    status_to=change.get("toString"),
                )


def issue_events(
    issue: Json, keys: frozenset[str], window: Window, fetched_at: datetime
) -> list[ContextItem]:
    """Everything the employee did on this issue inside the window."""
    view = IssueView(issue, keys)
    events: list[ContextItem] = []
    if is_employee(keys, user_ids(view.fields.get("reporter"))):
        created = parse_jira_time(view.fields.get("created"))
        if window.start <= created < window.end:
            events.append(_item(view, "created", created, Involvement.REPORTER, fetched_at))
    events += _history_events(view, keys, window, fetched_at)
    return events
