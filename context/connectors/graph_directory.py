"""The employee directory from Microsoft Graph: `/users/{upn}` and `/users/{id}/manager`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from context.config import GraphConfig
from context.connectors.graph_client import GraphCallError, call_with_retry, graph_client
from context.connectors.graph_parse import user_employee
from context.models import Employee, PublicProfile

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

USER_PATH = "/users/{id}"
MANAGER_PATH = "/users/{id}/manager"
USERS_PATH = "/users"
USER_SELECT = [
    "displayName",
    "jobTitle",
    "department",
    "officeLocation",
    "usageLocation",
    "mail",
    "userPrincipalName",
]


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
            except ValueError:  # no UPN, or not a valid Employee
                continue
        return employees

    async def public_profile(self, upn: str) -> PublicProfile | None:
        return None
