"""Microsoft Graph: calendar events and sent-mail metadata (never bodies).

Each call asks only for the declared `$select` fields, pages through `@odata.nextLink`, honours
429/503 Retry-After inside the configured budget and is logged as an AccessRecord."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel

from context.config import GraphConfig
from context.connectors.base import (
    AccessRecord,
    BuildContext,
    EndpointDeclaration,
    FetchResult,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.connectors.graph_client import call_with_retry, graph_client
from context.connectors.graph_directory import (
    MANAGER_PATH,
    USER_PATH,
    USER_SELECT,
    USERS_PATH,
    GraphDirectory,
)
from context.connectors.graph_parse import event_item, message_item
from context.identity import identity_keys
from context.models import ContextItem, Employee
from vocabulary.fides import CONTENT

CALENDAR_PATH = "/users/{id}/calendarView"
MAIL_PATH = "/users/{id}/mailFolders/sentitems/messages"
EVENT_SELECT = [
    "subject",
    "start",
    "end",
    "organizer",
    "attendees",
    "isOrganizer",
    "sensitivity",
    "showAs",
    "isCancelled",
    "type",
    "seriesMasterId",
    "location",
]
MAIL_SELECT = ["subject", "sentDateTime", "toRecipients", "ccRecipients"]
PAGE_SIZE = 50
PREFER_UTC = 'outlook.timezone="UTC"'
MAX_PAGES = 20  # a bound on one employee's week; more means something is wrong

__all__ = ["GraphConnector", "GraphDirectory", "graph_manifest"]

Parser = Callable[[Any, frozenset[str], datetime], ContextItem]


def graph_manifest(lookback_days: int = 7) -> SourceManifest:
    return SourceManifest(
        connector="graph",
        description="Microsoft Graph: calendar events and sent-mail metadata; directory entries",
        endpoints=[
            EndpointDeclaration(path=CALENDAR_PATH, fields=EVENT_SELECT),
            EndpointDeclaration(path=MAIL_PATH, fields=MAIL_SELECT),
            EndpointDeclaration(path=USER_PATH, fields=USER_SELECT),
            EndpointDeclaration(path=MANAGER_PATH, fields=USER_SELECT),
            EndpointDeclaration(path=USERS_PATH, fields=USER_SELECT),
        ],
        fields=[
            FieldDeclaration(name="event.subject", category=CONTENT),
            FieldDeclaration(name="event.start/end", category="user.workplace"),
            FieldDeclaration(name="event.organizer/attendees", category="user.contact.email"),
            FieldDeclaration(name="event.location", category="user.workplace"),
            FieldDeclaration(name="event.sensitivity/showAs/type", category="system.operations"),
            FieldDeclaration(name="message.subject", category=CONTENT),
            FieldDeclaration(name="message.sentDateTime", category="user.workplace"),
            FieldDeclaration(
                name="message.toRecipients/ccRecipients", category="user.contact.email"
            ),
            FieldDeclaration(name="user.displayName", category="user.name"),
            FieldDeclaration(name="user.mail/userPrincipalName", category="user.contact.email"),
            FieldDeclaration(name="user.jobTitle/department", category="user.job_title"),
            FieldDeclaration(name="user.officeLocation", category="user.workplace"),
            FieldDeclaration(
                name="user.usageLocation (scope rules per country)",
                category="user.contact.address.country",
            ),
        ],
        lookback_days=lookback_days,
        third_parties=["Microsoft (Graph API, the system of record)"],
    )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Listing:
    """One paged Graph collection: where it is, what it asks for, how an item is parsed."""

    path: str
    fields: list[str]
    parse: Parser
    first: Callable[[], Awaitable[Any]]
    with_url: Callable[[str], Any]


def _next_page(listing: Listing, next_link: str) -> Callable[[], Awaitable[Any]]:
    """The next link carries the query ($select, skip token); the Prefer header is re-sent."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    config = RequestConfiguration[Any]()
    config.headers.add("Prefer", PREFER_UTC)
    builder = listing.with_url(next_link)
    return lambda: builder.get(request_configuration=config)


def calendar_listing(user: Any, window: Window) -> Listing:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
        CalendarViewRequestBuilder,
    )

    params = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time=_iso(window.start),
        end_date_time=_iso(window.end),
        select=EVENT_SELECT,
        top=PAGE_SIZE,
    )
    config = RequestConfiguration(query_parameters=params)
    config.headers.add("Prefer", PREFER_UTC)
    view = user.calendar_view
    return Listing(
        CALENDAR_PATH,
        EVENT_SELECT,
        event_item,
        lambda: view.get(request_configuration=config),
        view.with_url,
    )


def sent_mail_listing(user: Any, window: Window) -> Listing:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
        MessagesRequestBuilder,
    )

    params = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        select=MAIL_SELECT,
        top=PAGE_SIZE,
        filter=f"sentDateTime ge {_iso(window.start)} and sentDateTime lt {_iso(window.end)}",
    )
    config = RequestConfiguration(query_parameters=params)
    messages = user.mail_folders.by_mail_folder_id("sentitems").messages
    return Listing(
        MAIL_PATH,
        MAIL_SELECT,
        message_item,
        lambda: messages.get(request_configuration=config),
        messages.with_url,
    )


class GraphConnector:
    """Calendar and sent-mail items for one employee from Microsoft Graph."""

    name: ClassVar[str] = "graph"
    config_type: ClassVar[type[BaseModel] | None] = GraphConfig  # DESKGUARD_GRAPH__*

    @classmethod
    def from_config(cls, config: GraphConfig, context: BuildContext) -> GraphConnector:
        return cls(config, lookback_days=context.lookback_days)

    def __init__(self, config: GraphConfig, *, lookback_days: int = 7) -> None:
        self.config = config
        self.lookback_days = lookback_days

    def manifest(self) -> SourceManifest:
        return graph_manifest(self.lookback_days)

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        result = FetchResult()
        keys = identity_keys(employee)
        async with graph_client(self.config) as client:
            user = client.users.by_user_id(employee.upn)
            for listing in (calendar_listing(user, window), sent_mail_listing(user, window)):
                await self._read(listing, keys, result)
        return result

    async def _read(self, listing: Listing, keys: frozenset[str], result: FetchResult) -> None:
        """Follow @odata.nextLink from the first page (at most MAX_PAGES)."""
        call: Callable[[], Awaitable[Any]] = listing.first
        for _ in range(MAX_PAGES):
            page = await call_with_retry(
                call,
                what=listing.path,
                timeout=self.config.timeout_seconds,
                budget=self.config.retry_budget_seconds,
            )
            self._parse_page(listing, page, keys, result)
            next_link = getattr(page, "odata_next_link", None)
            if not next_link:
                break
            call = _next_page(listing, next_link)

    def _parse_page(
        self, listing: Listing, page: Any, keys: frozenset[str], result: FetchResult
    ) -> None:
        """Normalise each item; a malformed one is counted in `result.skipped`, never fatal."""
        fetched_at = datetime.now(UTC)
        raw_items = list(getattr(page, "value", None) or [])
        for raw in raw_items:
            try:
                result.items.append(listing.parse(raw, keys, fetched_at))
            except ValueError:  # MalformedItem, or a model validation error
                result.skipped += 1
        result.accesses.append(
            AccessRecord(
                connector=self.name,
                endpoint=listing.path,
                fields=listing.fields,
                at=fetched_at,
                items=len(raw_items),
            )
        )
