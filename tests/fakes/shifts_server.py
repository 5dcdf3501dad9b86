"""A fake Microsoft Teams Shifts (Graph v1.0) on 127.0.0.1, in Graph's documented response
shapes (learn.microsoft.com: schedule-list-shifts, swapshiftschangerequest-get, timeoffrequest-
list, openshift-list, openshiftchangerequest-list, schedulinggroup-list; the documented example
objects, moved into the test window): one store's schedule with the employee's shifts, a
co-worker's, an approved swap, a pending and an approved time-off request, an open shift the
employee asked for, and the edge cases (a shift without sharedShift, one staged for deletion, a
swap whose partner is not in the directory). Collections page 2 at a time via @odata.nextLink."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlencode

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

PAGE_SIZE = 2
TEAM = "fbe2bdb6-2c4b-4a6c-9b7e-store042"
STORE = "Store 042 Joliet"
ME = "c5d0c76b-80c4-481c-be50-923cd8d680a1"  # the documented example's userId
UPN = "rosa.ortiz@larkspur.example"
COWORKER = "567c8ea5-9e32-422a-a663-8270201699cd"
GONE = "0d3c9f4e-0000-4000-8000-notindirectory"
ACTS_AS_USER = "3fe0bc21-1398-4fd9-9713-52511b434c1e"  # the app acts as a manager
MANAGER = "fdcc8d43-7f83-438a-9ab1-098e8f2a95ff"
CHECKOUT = "TAG_228940ed-ff84-4e25-b129-1b395cf78be0"
STOCKROOM = "TAG_3f1c2a9e-0b6d-4c1e-9d2a-6c0f5e1d7a11"


def _z(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _modified(who: str = MANAGER) -> dict[str, Any]:
    return {
        "application": None,
        "device": None,
        "conversation": None,
        "user": {"id": who, "displayName": "Store Manager"},
    }


def _shift(ident: str, user: str, group: str, start: datetime, hours: int, name: str) -> Any:
    item = {
        "displayName": name,
        "notes": "Please do inventory as part of your shift.",
        "startDateTime": _z(start),
        "endDateTime": _z(start + timedelta(hours=hours)),
        "theme": "blue",
        "activities": [
            {
                "isPaid": True,
                "startDateTime": _z(start + timedelta(hours=4)),
                "endDateTime": _z(start + timedelta(hours=4, minutes=30)),
                "code": "",
                "displayName": "Lunch",
            }
        ],
    }
    return {
        "id": ident,
        "createdDateTime": _z(start - timedelta(days=10)),
        "lastModifiedDateTime": _z(start - timedelta(days=9)),
        "userId": user,
        "schedulingGroupId": group,
        "lastModifiedBy": _modified(),
        "sharedShift": item,
        "draftShift": dict(item),
        "isStagedForDeletion": False,
    }


def _request(ident: str, odata: str, sender: str, state: str, at: datetime) -> dict[str, Any]:
    return {
        "@odata.type": odata,
        "id": ident,
        "assignedTo": "manager",
        "state": state,
        "senderUserId": sender,
        "senderDateTime": _z(at),
        "senderMessage": "I can't make my shift, any chance we can swap?",
        "managerUserId": MANAGER,
        "managerActionDateTime": _z(at + timedelta(hours=2)),
        "managerActionMessage": "Approved!",
        "createdDateTime": _z(at),
        "lastModifiedDateTime": _z(at + timedelta(hours=2)),
        "lastModifiedBy": _modified(),
    }


def schedule(now: datetime) -> dict[str, list[dict[str, Any]]]:
    """One store's schedule around `now` (a Wednesday in the tests)."""
    day = now.replace(hour=13, minute=0, second=0, microsecond=0)  # 7 am in Chicago
    sunday = day - timedelta(days=(day.weekday() + 1) % 7 or 7)
    shifts = [
        _shift("SHFT_mine_1", ME, CHECKOUT, day - timedelta(days=1), 8, "Early"),
        _shift("SHFT_mine_2", ME, STOCKROOM, day - timedelta(days=2, hours=-3), 8, "Late"),
        _shift("SHFT_sunday", COWORKER, CHECKOUT, sunday, 8, "Early"),  # swapped away
        _shift("SHFT_cow_1", COWORKER, CHECKOUT, day - timedelta(days=1), 8, "Early"),
        _shift("SHFT_other", "a1b2c3d4-other-user", STOCKROOM, day - timedelta(days=3), 6, "Day"),
        {"id": "SHFT_noshared", "userId": ME, "schedulingGroupId": CHECKOUT},
        _shift("SHFT_deleted", ME, CHECKOUT, day - timedelta(days=4), 8, "Early")
        | {"isStagedForDeletion": True},
    ]
    swaps = [
        _request(
            "0b87dd20-d5ed-4764-9c3e-cfc8516def09",
            "#microsoft.graph.swapShiftsChangeRequest",
            ME,
            "approved",
            sunday - timedelta(days=3),
        )
        | {
            "senderShiftId": "SHFT_sunday",
            "recipientUserId": COWORKER,
            "recipientShiftId": "SHFT_cow_1",
            "recipientActionMessage": "Sure!",
        },
        _request(
            "swap-gone",
            "#microsoft.graph.swapShiftsChangeRequest",
            ME,
            "declined",
            day - timedelta(days=3),
        )
        | {"senderShiftId": "SHFT_mine_1", "recipientUserId": GONE, "recipientShiftId": "x"},
        _request(
            "swap-others",
            "#microsoft.graph.swapShiftsChangeRequest",
            COWORKER,
            "approved",
            day - timedelta(days=2),
        )
        | {"senderShiftId": "SHFT_cow_1", "recipientUserId": "a1b2c3d4-other-user"},
    ]
    time_off = [
        _request(
            "timeoff-pending",
            "#microsoft.graph.timeOffRequest",
            ME,
            "pending",
            day - timedelta(days=5),
        )
        | {
            "startDateTime": _z(day - timedelta(days=3, hours=13)),
            "endDateTime": _z(day - timedelta(days=2, hours=13)),
            "timeOffReasonId": "TOR_sick",
        },
        _request(
            "timeoff-approved",
            "#microsoft.graph.timeOffRequest",
            ME,
            "approved",
            day - timedelta(days=6),
        )
        | {
            "startDateTime": _z(day - timedelta(days=5, hours=13)),
            "endDateTime": _z(day - timedelta(days=4, hours=13)),
            "timeOffReasonId": "TOR_vacation",
        },
    ]
    open_start = day - timedelta(days=4, hours=-4)
    open_shifts = [
        {
            "id": "OPNSHFT_577b75d2-a927-48c0-a5d1-dc984894e7b8",
            "schedulingGroupId": STOCKROOM,
            "sharedOpenShift": {
                "notes": "Inventory Management",
                "openSlotCount": 2,
                "displayName": "Inventory count",
                "startDateTime": _z(open_start),
                "endDateTime": _z(open_start + timedelta(hours=6)),
                "theme": "white",
                "activities": [],
            },
            "createdDateTime": _z(open_start - timedelta(days=3)),
            "lastModifiedDateTime": _z(open_start - timedelta(days=3)),
            "lastModifiedBy": _modified(),
        }
    ]
    open_requests = [
        _request(
            "open-request-1",
            "#microsoft.graph.openShiftChangeRequest",
            ME,
            "approved",
            open_start - timedelta(days=2),
        )
        | {"openShiftId": "OPNSHFT_577b75d2-a927-48c0-a5d1-dc984894e7b8"}
    ]
    groups = [
        {"id": CHECKOUT, "displayName": "Checkout", "isActive": True, "userIds": [ME, COWORKER]},
        {"id": STOCKROOM, "displayName": "Stockroom", "isActive": True, "userIds": [ME]},
    ]
    return {
        "shifts": shifts,
        "swapShiftsChangeRequests": swaps,
        "timeOffRequests": time_off,
        "openShifts": open_shifts,
        "openShiftChangeRequests": open_requests,
        "schedulingGroups": groups,
    }


USERS: dict[str, dict[str, Any]] = {
    ME: {"id": ME, "displayName": "Rosa Ortiz", "mail": UPN, "userPrincipalName": UPN},
    COWORKER: {
        "id": COWORKER,
        "displayName": "Jamal Brooks",
        "mail": "jamal.brooks@larkspur.example",
        "userPrincipalName": "jamal.brooks@larkspur.example",
    },
}


@dataclass
class FakeShifts:
    now: datetime
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    server: FakeHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.data = self.data or schedule(self.now)
        self.server = FakeHTTPServer(self.route)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}/v1.0"

    def route(self, request: Request) -> Reply:
        path = request.path.removeprefix("/v1.0")
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return Reply(401, {"error": {"code": "InvalidAuthenticationToken", "message": "no"}})
        if match := re.fullmatch(r"/teams/([^/]+)/schedule/(\w+)", path):
            if match.group(1) != TEAM or match.group(2) not in self.data:
                return Reply(404, {"error": {"code": "NotFound", "message": path}})
            return self._page(request, self.data[match.group(2)])
        if re.fullmatch(r"/users/([^/]+)/joinedTeams", path):
            return Reply(
                200,
                {
                    "value": [
                        {"id": TEAM, "displayName": STORE},
                        {"id": "not-a-schedule-team", "displayName": "Book club"},
                    ]
                },
            )
        if match := re.fullmatch(r"/users/([^/]+)", path):
            key = unquote(match.group(1)).lower()
            user = USERS.get(key) or next(
                (u for u in USERS.values() if u["userPrincipalName"] == key), None
            )
            if user is None:
                return Reply(404, {"error": {"code": "Request_ResourceNotFound", "message": key}})
            return Reply(200, user)
        return Reply(404, {"error": {"code": "NotFound", "message": path}})

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Reply:
        skip = int(request.param("$skiptoken") or 0)
        body: dict[str, Any] = {"value": items[skip : skip + PAGE_SIZE]}
        if skip + PAGE_SIZE < len(items):
            query = {k: v[0] for k, v in request.query.items()} | {"$skiptoken": skip + PAGE_SIZE}
            body["@odata.nextLink"] = f"{self.server.url}{request.path}?{urlencode(query)}"
        return Reply(200, body)
