"""Microsoft Graph: calendar events and sent-mail metadata (never bodies), and the directory.

Each call asks only for the declared `$select` fields, pages through `@odata.nextLink`, honours
429/503 Retry-After inside the configured budget and is logged as an AccessRecord."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from context.config import GraphConfig
from context.connectors.base import (
    AccessRecord,
    EndpointDeclaration,
    FetchResult,
    FieldDeclaration,
    SourceManifest,
    Window,
)
from context.connectors.graph_client import GraphCallError, call_with_retry, graph_client
from context.connectors.graph_parse import event_item, message_item, user_employee
from context.connectors.malformed import MalformedItem
from context.identity import identity_keys
from context.models import ContextItem, Employee, PublicProfile

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

CALENDAR_PATH = "/users/{id}/calendarView"
MAIL_PATH = "/users/{id}/mailFolders/sentitems/messages"
USER_PATH = "/users/{id}"
MANAGER_PATH = "/users/{id}/manager"
USERS_PATH = "/users"
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
USER_SELECT = [
    "displayName",
    "jobTitle",
    "department",
    "officeLocation",
    "mail",
    "userPrincipalName",
]
PAGE_SIZE = 50
MAX_PAGES = 20  # a bound on one employee's week; more means something is wrong

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
            FieldDeclaration(name="event.subject", category="user.workplace"),
            FieldDeclaration(name="event.start/end", category="user.workplace"),
            FieldDeclaration(name="event.organizer/attendees", category="user.contact.email"),
            FieldDeclaration(name="event.location", category="user.workplace"),
            FieldDeclaration(name="event.sensitivity/showAs/type", category="system.operations"),
            FieldDeclaration(name="message.subject", category="user.workplace"),
            FieldDeclaration(name="message.sentDateTime", category="user.workplace"),
            FieldDeclaration(
                name="message.toRecipients/ccRecipients", category="user.contact.email"
            ),
            FieldDeclaration(name="user.displayName", category="user.name"),
            FieldDeclaration(name="user.mail/userPrincipalName", category="user.contact.email"),
            FieldDeclaration(name="user.jobTitle/department", category="user.job_title"),
            FieldDeclaration(name="user.officeLocation", category="user.workplace"),
        ],
        lookback_days=lookback_days,
        third_parties=["Microsoft (Graph API, the system of record)"],
    )


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(builder: Any, config: Any) -> Callable[[], Awaitable[Any]]:
    return lambda: builder.get(request_configuration=config)


class GraphConnector:
    """Calendar and sent-mail items for one employee from Microsoft Graph."""

    name: ClassVar[str] = "graph"

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
            await self._pages(
                result,
                CALENDAR_PATH,
                EVENT_SELECT,
                event_item,
                keys,
                self._calendar_first(user, window),
                user.calendar_view.with_url,
            )
            mail = user.mail_folders.by_mail_folder_id("sentitems").messages
            await self._pages(
                result,
                MAIL_PATH,
                MAIL_SELECT,
                message_item,
                keys,
                self._mail_first(mail, window),
                mail.with_url,
            )
        return result

    def _calendar_first(self, user: Any, window: Window) -> Callable[[], Awaitable[Any]]:
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
        config.headers.add("Prefer", 'outlook.timezone="UTC"')
        return lambda: user.calendar_view.get(request_configuration=config)

    def _mail_first(self, messages: Any, window: Window) -> Callable[[], Awaitable[Any]]:
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (  # noqa: E501
            MessagesRequestBuilder,
        )

        params = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
            select=MAIL_SELECT,
            top=PAGE_SIZE,
            filter=f"sentDateTime ge {_iso(window.start)} and sentDateTime lt {_iso(window.end)}",
        )
        config = RequestConfiguration(query_parameters=params)
        return lambda: messages.get(request_configuration=config)

    async def _pages(
        self,
        result: FetchResult,
        path: str,
        fields: list[str],
        parse: Parser,
        keys: frozenset[str],
        first: Callable[[], Awaitable[Any]],
        with_url: Callable[[str], Any],
    ) -> None:
        """Follow @odata.nextLink from the first page, parsing each item; malformed ones are
        counted in `result.skipped`."""
        from kiota_abstractions.base_request_configuration import RequestConfiguration

        call, pages = first, 0
        while call is not None and pages < MAX_PAGES:
            page = await call_with_retry(
                call,
                what=path,
                timeout=self.config.timeout_seconds,
                budget=self.config.retry_budget_seconds,
            )
            pages += 1
            fetched_at = datetime.now(UTC)
            items = list(page.value or []) if page is not None else []
            for raw in items:
                try:
                    result.items.append(parse(raw, keys, fetched_at))
                except (MalformedItem, ValueError):
                    result.skipped += 1
            result.accesses.append(
                AccessRecord(
                    connector=self.name,
                    endpoint=path,
                    fields=fields,
                    at=fetched_at,
                    items=len(items),
                )
            )
            next_link = page.odata_next_link if page is not None else None
            if not next_link:
                break
            # The next link carries the query; the Prefer header must be sent again.
            again = RequestConfiguration[Any]()
            again.headers.add("Prefer", 'outlook.timezone="UTC"')
            call = _get(with_url(next_link), again)


class GraphDirectory:
    """Employees from Graph `/users/{upn}` (+ `/manager`); Graph has no public profile."""

    def __init__(self, config: GraphConfig) -> None:
        self.config = config

    async def _call(self, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
        return await call_with_retry(
            call,
            what=what,
            timeout=self.config.timeout_seconds,
            budget=self.config.retry_budget_seconds,
        )

    async def get_employee(self, upn: str) -> Employee | None:
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

        params = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=USER_SELECT)
        config = RequestConfiguration(query_parameters=params)
        async with graph_client(self.config) as client:
            item = client.users.by_user_id(upn)
            try:
                user = await self._call(USER_PATH, lambda: item.get(request_configuration=config))
            except GraphCallError as exc:
                if exc.status == 404:
                    return None
                raise
            manager = await self._manager(client, user.id or upn)
        return user_employee(user, manager) if user is not None else None

    async def _manager(self, client: GraphServiceClient, user_id: str) -> str | None:
        """The manager's UPN, or None when there is none (Graph answers 404)."""
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.item.manager.manager_request_builder import (
            ManagerRequestBuilder,
        )

        params = ManagerRequestBuilder.ManagerRequestBuilderGetQueryParameters(select=USER_SELECT)
        config = RequestConfiguration(query_parameters=params)
        builder = client.users.by_user_id(user_id).manager
        try:
            manager = await self._call(
                MANAGER_PATH, lambda: builder.get(request_configuration=config)
            )
        except GraphCallError as exc:
            if exc.status == 404:
                return None
            raise
        upn = getattr(manager, "user_principal_name", None)
        return str(upn) if upn else None

    async def list_employees(self) -> list[Employee]:
        """Every user with a UPN (first page of up to 999; managers are not looked up)."""
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from msgraph.generated.users.users_request_builder import UsersRequestBuilder

        params = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
            select=USER_SELECT, top=999
        )
        config = RequestConfiguration(query_parameters=params)
        async with graph_client(self.config) as client:
            page = await self._call(
                USERS_PATH, lambda: client.users.get(request_configuration=config)
            )
        employees: list[Employee] = []
        for user in (page.value if page else None) or []:
            try:
                employees.append(user_employee(user, None))
            except (MalformedItem, ValueError):
                continue
        return employees

    async def public_profile(self, upn: str) -> PublicProfile | None:
        return None
