"""The employee's own ServiceNow incidents and requests, through pysnc (ServiceNow's own Python
client) and the Table API: what frontline staff asked IT for.

Per verification: the caller's sys_user record (by e-mail, then by user name), then the
incidents they are the caller of (`incident.caller_id`) and the requested items raised for them
(`sc_req_item.requested_for`) opened in the window. Only the number, short description,
category (an incident's `category`, a requested item's catalogue item), opened and resolved
times and the assignment group are asked for (`sysparm_fields`); never the description,
comments or work notes. pysnc is synchronous: the fetch runs in a worker thread. Errors carry the
exception's class name and the HTTP status where pysnc exposes it, never its message (a requests
error can carry the URL and headers)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from context.config import ServiceNowSourceConfig
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
from context.connectors.itsm_items import it_ticket_item
from context.connectors.malformed import MalformedItem
from context.models import ContextItem, Employee
from vocabulary.servicenow import pysnc_auth, pysnc_call, pysnc_client

T = TypeVar("T")

TABLE_PATH = "/api/now/table/{table}"
USER_FIELDS = ["sys_id", "user_name", "email"]
# table -> (the field naming the employee, the category field, the resolved field)
TABLES: dict[str, tuple[str, str, str]] = {
    "incident": ("caller_id", "category", "resolved_at"),
    "sc_req_item": ("requested_for", "cat_item", "closed_at"),
}
COMMON = ["number", "short_description", "opened_at", "assignment_group"]
MAX_ROWS = 50  # one employee's week


def fields_of(table: str) -> list[str]:
    _, category, resolved = TABLES[table]
    return [*COMMON, category, resolved]


def servicenow_manifest(lookback_days: int = 7) -> SourceManifest:
    every = sorted({f for t in TABLES for f in fields_of(t)} | set(USER_FIELDS))
    return SourceManifest(
        connector="servicenow",
        description=(
            "ServiceNow: the employee's own incidents (as caller) and requested items (as the"
            " person they were raised for) opened in the window: number, short description,"
            " category, opened and resolved times, assignment group. Never the description,"
            " comments or work notes"
        ),
        endpoints=[EndpointDeclaration(path=TABLE_PATH, fields=every)],
        fields=[
            FieldDeclaration(name="sys_user.sys_id/user_name", category="user.unique_id"),
            FieldDeclaration(name="sys_user.email", category="user.contact.email"),
            FieldDeclaration(name="ticket.number", category="system.operations"),
            FieldDeclaration(name="ticket.short_description", category="user.workplace"),
            FieldDeclaration(name="ticket.category/cat_item", category="system.operations"),
            FieldDeclaration(name="ticket.opened_at/resolved_at", category="user.workplace"),
            FieldDeclaration(name="ticket.assignment_group", category="system.operations"),
        ],
        lookback_days=lookback_days,
        third_parties=["ServiceNow (the system of record)"],
    )


def parse_sn_time(value: Any) -> datetime:
    """The Table API's internal value: `YYYY-MM-DD HH:MM:SS` in UTC."""
    if not value:
        raise MalformedItem("missing time")
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise MalformedItem(f"bad time {value!r}") from exc


class ServiceNowConnector:
    """IT tickets the employee raised, from ServiceNow."""

    name: ClassVar[str] = "servicenow"
    config_type: ClassVar[type[BaseModel] | None] = ServiceNowSourceConfig

    @classmethod
    def from_config(
        cls, config: ServiceNowSourceConfig, context: BuildContext
    ) -> ServiceNowConnector:
        return cls(config, lookback_days=context.lookback_days)

    def __init__(self, config: ServiceNowSourceConfig, *, lookback_days: int = 7) -> None:
        self.config = config
        self.lookback_days = lookback_days

    def manifest(self) -> SourceManifest:
        return servicenow_manifest(self.lookback_days)

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        return await asyncio.to_thread(self._fetch, employee, window)

    def _fetch(self, employee: Employee, window: Window) -> FetchResult:
        result = FetchResult()
        client = _call(lambda: build_client(self.config))
        user = self._user(client, employee, result)
        if user is None:
            return result  # no ServiceNow account: nothing to ask about, not a failure
        since = (window.start - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
        for table in TABLES:
            for raw in self._rows(client, table, user, since, result):
                try:
                    item = ticket_item(table, raw, datetime.now(UTC))
                except MalformedItem:
                    result.skipped += 1
                    continue
                if window.start <= item.when < window.end:
                    result.items.append(item)
        return result

    def _user(self, client: Any, employee: Employee, result: FetchResult) -> str | None:
        for field in ("email", "user_name"):
            glide = client.GlideRecord("sys_user", batch_size=1)
            glide.fields = USER_FIELDS
            glide.limit = 1
            glide.add_query(field, employee.upn)
            _call(glide.query)
            found = glide.next()
            self._log(result, "sys_user", USER_FIELDS, 1 if found else 0)
            if found:
                return str(glide.get_value("sys_id"))
        return None

    def _rows(
        self, client: Any, table: str, user: str, since: str, result: FetchResult
    ) -> list[dict[str, Any]]:
        who, _, _ = TABLES[table]
        fields = fields_of(table)
        glide = client.GlideRecord(table, batch_size=MAX_ROWS)
        glide.fields = fields
        glide.limit = MAX_ROWS
        glide.add_query(who, user)
        glide.add_query("opened_at", ">=", since)
        _call(glide.query)
        rows: list[dict[str, Any]] = []
        while glide.next():
            rows.append({f: (glide.get_value(f), glide.get_display_value(f)) for f in fields})
        self._log(result, table, fields, len(rows))
        return rows

    def _log(self, result: FetchResult, table: str, fields: list[str], items: int) -> None:
        result.accesses.append(
            AccessRecord(
                connector=self.name,
                endpoint=TABLE_PATH.format(table=table),
                fields=fields,
                at=datetime.now(UTC),
                items=items,
            )
        )


def ticket_item(table: str, raw: dict[str, Any], fetched_at: datetime) -> ContextItem:
    """One row ({field: (value, display value)}) as an IT-ticket item."""
    _, category, resolved = TABLES[table]
    number = str(raw["number"][0] or "")
    text = str(raw["short_description"][0] or "").strip()
    if not number or not text:
        raise MalformedItem("ticket without number or short description")
    closed = raw[resolved][0]
    return it_ticket_item(
        connector="servicenow",
        number=number,
        short_description=text,
        opened=parse_sn_time(raw["opened_at"][0]),
        resolved=parse_sn_time(closed) if closed else None,
        category=str(raw[category][1] or "") or None,
        assignment_group=str(raw["assignment_group"][1] or "") or None,
        fetched_at=fetched_at,
    )


def _call(fn: Callable[[], T]) -> T:
    """pysnc and requests errors become ConnectorError with the class name and the HTTP status
    (vocabulary/servicenow.py); never the message."""
    return pysnc_call(
        fn,
        refused=lambda detail: ConnectorError(
            "servicenow", f"the service account was refused ({detail})"
        ),
        failed=lambda detail: ConnectorError("servicenow", f"request failed ({detail})"),
    )


def build_client(config: ServiceNowSourceConfig) -> Any:
    """A pysnc client for the instance, basic auth or OAuth client credentials, with the
    configured CA and a time-out on every Table API call (vocabulary/servicenow.py)."""
    if not config.instance:
        raise ConnectorError("servicenow", "set DESKGUARD_SERVICENOW__INSTANCE")
    auth = pysnc_auth(config)
    if auth is None:
        raise ConnectorError(
            "servicenow", "set __USERNAME and __PASSWORD, or __CLIENT_ID and __CLIENT_SECRET"
        )
    return pysnc_client(
        config.instance, auth, ca_bundle=config.ca_bundle, timeout_seconds=config.timeout_seconds
    )
