"""Microsoft Teams Shifts through msgraph-sdk: the employee's rostered shifts, swaps, time-off
requests and open shifts picked up, for frontline staff with little mail and no Jira.

One schedule per team (a store, a distribution centre). Per verification: the employee's user id
(`/users/{upn}`), the schedule teams they joined (`/users/{id}/joinedTeams`, restricted to
`teams` when configured), then per team the scheduling groups (department names), the shifts in
the window, the swap, time-off and open-shift requests, and the display name of each swap
partner. Graph's list endpoints for schedules take `$filter` but not `$select`: the whole shift
objects arrive, and only the fields in the manifest are read. Other people's shifts are counted
(the rota's headcount is the audience of a rostered shift) and resolve swap ids; nothing else of
them is kept. Shift notes, messages on requests and time-off reasons are never read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel

from context.config import ShiftsConfig
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
from context.connectors.shifts_parse import TeamSchedule, schedule_items
from context.models import Employee

USER_PATH = "/users/{id}"
JOINED_PATH = "/users/{id}/joinedTeams"
GROUPS_PATH = "/teams/{id}/schedule/schedulingGroups"
SHIFTS_PATH = "/teams/{id}/schedule/shifts"
SWAPS_PATH = "/teams/{id}/schedule/swapShiftsChangeRequests"
TIME_OFF_PATH = "/teams/{id}/schedule/timeOffRequests"
OPEN_PATH = "/teams/{id}/schedule/openShifts"
OPEN_REQUESTS_PATH = "/teams/{id}/schedule/openShiftChangeRequests"
USER_SELECT = ["id", "displayName", "mail", "userPrincipalName"]
TEAM_SELECT = ["id", "displayName"]
# What is read of each object (the endpoints send more; see the module docstring).
GROUP_FIELDS = ["id", "displayName"]
SHIFT_FIELDS = ["id", "userId", "schedulingGroupId", "sharedShift"]
SWAP_FIELDS = [
    "id",
    "senderUserId",
    "senderShiftId",
    "recipientUserId",
    "recipientShiftId",
    "state",
]
TIME_OFF_FIELDS = ["id", "senderUserId", "startDateTime", "endDateTime", "state"]
OPEN_FIELDS = ["id", "schedulingGroupId", "sharedOpenShift"]
OPEN_REQUEST_FIELDS = ["id", "senderUserId", "openShiftId", "state"]
MAX_PAGES = 20
ACTS_AS = "MS-APP-ACTS-AS"


def shifts_manifest(lookback_days: int = 7) -> SourceManifest:
    return SourceManifest(
        connector="shifts",
        description=(
            "Microsoft Teams Shifts: the employee's rostered shifts (store, department, start"
            " and end), shift swaps and who with, time-off requests (dates and state, never the"
            " reason) and open shifts they asked to pick up. The schedule's list endpoints have"
            " no $select: other people's shifts are counted for the rota's headcount and used to"
            " resolve swap ids, then discarded; notes, request messages and time-off reasons"
            " are discarded unread"
        ),
        endpoints=[
            EndpointDeclaration(path=USER_PATH, fields=USER_SELECT),
            EndpointDeclaration(path=JOINED_PATH, fields=TEAM_SELECT),
            EndpointDeclaration(path=GROUPS_PATH, fields=GROUP_FIELDS),
            EndpointDeclaration(path=SHIFTS_PATH, fields=SHIFT_FIELDS),
            EndpointDeclaration(path=SWAPS_PATH, fields=SWAP_FIELDS),
            EndpointDeclaration(path=TIME_OFF_PATH, fields=TIME_OFF_FIELDS),
            EndpointDeclaration(path=OPEN_PATH, fields=OPEN_FIELDS),
            EndpointDeclaration(path=OPEN_REQUESTS_PATH, fields=OPEN_REQUEST_FIELDS),
        ],
        fields=[
            FieldDeclaration(name="team.displayName (store)", category="user.workplace"),
            FieldDeclaration(name="schedulingGroup.displayName", category="user.workplace"),
            FieldDeclaration(
                name="shift.sharedShift start/end/displayName", category="user.workplace"
            ),
            FieldDeclaration(name="shift.userId (headcount)", category="user.unique_id"),
            FieldDeclaration(
                name="swapShiftsChangeRequest users/shifts/state", category="user.workplace"
            ),
            FieldDeclaration(name="timeOffRequest start/end/state", category="user.workplace"),
            FieldDeclaration(
                name="openShift/openShiftChangeRequest start/end/state",
                category="user.workplace",
            ),
            FieldDeclaration(name="user.displayName (swap partner)", category="user.name"),
            FieldDeclaration(name="user.mail/userPrincipalName", category="user.contact.email"),
        ],
        lookback_days=lookback_days,
        third_parties=["Microsoft (Graph API, Teams Shifts: the system of record)"],
    )


@dataclass
class Query:
    """$select and $filter, as every Graph request builder's query parameters serialise them."""

    select: list[str] | None = None
    filter: str | None = None

    def get_query_parameter(self, name: str) -> str:
        return {"select": "%24select", "filter": "%24filter"}.get(name, name)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _config(
    config: ShiftsConfig,
    *,
    select: list[str] | None = None,
    filter: str | None = None,
) -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    request = RequestConfiguration[Any](query_parameters=Query(select=select, filter=filter))
    if config.acts_as:
        request.headers.add(ACTS_AS, config.acts_as)
    return request


def _getter(builder: Any, request: Any) -> Callable[[], Awaitable[Any]]:
    """One GET on a request builder, to be made (and retried) later."""
    return lambda: builder.get(request_configuration=request)


class ShiftsConnector:
    """Shift facts for one employee from Microsoft Teams Shifts."""

    name: ClassVar[str] = "shifts"
    config_type: ClassVar[type[BaseModel] | None] = ShiftsConfig  # DESKGUARD_SHIFTS__*

    @classmethod
    def from_config(cls, config: ShiftsConfig, context: BuildContext) -> ShiftsConnector:
        return cls(config, lookback_days=context.lookback_days)

    def __init__(self, config: ShiftsConfig, *, lookback_days: int = 7) -> None:
        self.config = config
        self.lookback_days = lookback_days

    def manifest(self) -> SourceManifest:
        return shifts_manifest(self.lookback_days)

    async def fetch(self, employee: Employee, window: Window) -> FetchResult:
        result = FetchResult()
        async with graph_client(self.config) as client:
            me = await self._one(
                USER_PATH,
                USER_SELECT,
                lambda: client.users.by_user_id(employee.upn).get(
                    request_configuration=_config(self.config, select=USER_SELECT)
                ),
                result,
            )
            if me is None or not me.id:
                return result
            joined = client.users.by_user_id(me.id).joined_teams
            teams = await self._all(
                JOINED_PATH,
                TEAM_SELECT,
                lambda: joined.get(request_configuration=_config(self.config, select=TEAM_SELECT)),
                joined.with_url,
                result,
            )
            wanted = set(self.config.teams)
            for team in teams:
                if team.id and (not wanted or team.id in wanted):
                    schedule = await self._schedule(client, team, window, result)
                    names = await self._names(client, schedule.partners(me.id), result)
                    built = schedule_items(
                        schedule, me.id, names, window, datetime.now(UTC), self.name
                    )
                    result.items += built.items
                    result.skipped += built.skipped
        return result

    async def _schedule(
        self, client: Any, team: Any, window: Window, result: FetchResult
    ) -> TeamSchedule:
        schedule = client.teams.by_team_id(team.id).schedule
        cfg = self.config
        when = f"sharedShift/startDateTime ge {_iso(window.start)}"
        when += f" and sharedShift/endDateTime le {_iso(window.end)}"
        opened = f"sharedOpenShift/startDateTime ge {_iso(window.start)}"
        opened += f" and sharedOpenShift/endDateTime le {_iso(window.end)}"
        reads = (
            (GROUPS_PATH, GROUP_FIELDS, schedule.scheduling_groups, None),
            (SHIFTS_PATH, SHIFT_FIELDS, schedule.shifts, when),
            (SWAPS_PATH, SWAP_FIELDS, schedule.swap_shifts_change_requests, None),
            (TIME_OFF_PATH, TIME_OFF_FIELDS, schedule.time_off_requests, None),
            (OPEN_PATH, OPEN_FIELDS, schedule.open_shifts, opened),
            (OPEN_REQUESTS_PATH, OPEN_REQUEST_FIELDS, schedule.open_shift_change_requests, None),
        )
        lists: list[list[Any]] = []
        for path, fields, builder, query in reads:
            request = _config(cfg, filter=query)
            lists.append(
                await self._all(
                    path,
                    fields,
                    _getter(builder, request),
                    builder.with_url,
                    result,
                )
            )
        groups, shifts, swaps, time_off, open_shifts, open_requests = lists
        return TeamSchedule(
            team_id=team.id,
            store=(team.display_name or team.id).strip(),
            groups=groups,
            shifts=shifts,
            swaps=swaps,
            time_off=time_off,
            open_shifts=open_shifts,
            open_requests=open_requests,
        )

    async def _names(
        self, client: Any, user_ids: list[str], result: FetchResult
    ) -> dict[str, tuple[str, str | None]]:
        """Swap partners' display names and addresses, by user id (a missing one: skipped)."""
        out: dict[str, tuple[str, str | None]] = {}
        for user_id in user_ids:
            user = await self._one(
                USER_PATH,
                USER_SELECT,
                _getter(client.users.by_user_id(user_id), _config(self.config, select=USER_SELECT)),
                result,
            )
            if user is not None and user.display_name:
                out[user_id] = (user.display_name, user.mail or user.user_principal_name)
        return out

    async def _one(
        self,
        path: str,
        fields: list[str],
        call: Callable[[], Awaitable[Any]],
        result: FetchResult,
    ) -> Any:
        """One object; a 404 (no such user) is None, not a failure."""
        from context.connectors.graph_client import GraphCallError

        try:
            found = await self._call(path, call)
        except GraphCallError as exc:
            if exc.status == 404:
                self._log(result, path, fields, 0, "not_found")
                return None
            raise
        self._log(result, path, fields, 1)
        return found

    async def _all(
        self,
        path: str,
        fields: list[str],
        first: Callable[[], Awaitable[Any]],
        with_url: Callable[[str], Any],
        result: FetchResult,
    ) -> list[Any]:
        """Every page of one collection, following @odata.nextLink (at most MAX_PAGES)."""
        out: list[Any] = []
        call = first
        for _ in range(MAX_PAGES):
            page = await self._call(path, call)
            values = list(getattr(page, "value", None) or [])
            out += values
            self._log(result, path, fields, len(values))
            next_link = getattr(page, "odata_next_link", None)
            if not next_link:
                break
            call = _getter(with_url(next_link), _config(self.config))
        return out

    async def _call(self, path: str, call: Callable[[], Awaitable[Any]]) -> Any:
        return await call_with_retry(
            call,
            what=path,
            timeout=self.config.timeout_seconds,
            budget=self.config.retry_budget_seconds,
        )

    def _log(
        self, result: FetchResult, path: str, fields: list[str], items: int, status: str = "ok"
    ) -> None:
        result.accesses.append(
            AccessRecord(
                connector=self.name,
                endpoint=path,
                fields=fields,
                at=datetime.now(UTC),
                items=items,
                status=status,
            )
        )
