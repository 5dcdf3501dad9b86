"""A fake Microsoft Graph serving the real recordings in tests/fixtures/msgraph, shifted into the
test window, plus the cases the recordings lack, derived from their real shapes: a private event,
a cancelled event, a mail without subject. Pages of PAGE_SIZE items linked by @odata.nextLink."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "msgraph"
PAGE_SIZE = 2
UPN = "MeganB@M365x320864.OnMicrosoft.com"  # the organizer in the recorded events


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _graph_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000")


def _at(event: dict[str, Any], start: datetime, minutes: int = 60) -> dict[str, Any]:
    event = copy.deepcopy(event)
    event["start"] = {"dateTime": _graph_time(start), "timeZone": "UTC"}
    event["end"] = {"dateTime": _graph_time(start + timedelta(minutes=minutes)), "timeZone": "UTC"}
    return event


def recorded_events(now: datetime) -> list[dict[str, Any]]:
    """Real events moved to the days before `now`, then the derived edge cases."""
    organizer = load("calendar_GetEventTests_getEvents.json")["value"]
    attendee = load("calendar_GetEventTests_getEventsNotOrganizer.json")["value"][0]
    malformed = load("whoskill_GetEvents.json")["value"][0]  # real: no start, no subject
    day = now.replace(hour=15, minute=0, second=0, microsecond=0)
    events = [_at(e, day - timedelta(days=i + 1)) for i, e in enumerate(organizer)]
    # Keep the recorded Windows zone name: the connector must convert it.
    local = copy.deepcopy(attendee)
    local["start"]["dateTime"] = (day - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.0000000")
    local["end"]["dateTime"] = (day - timedelta(days=3, hours=-1)).strftime("%Y-%m-%dT%H:%M:%S")
    private = _at(organizer[1], day - timedelta(days=4)) | {
        "id": "derived-private",
        "subject": "Lunch with Lidia",
        "sensitivity": "private",
    }
    cancelled = _at(organizer[0], day - timedelta(days=5)) | {
        "id": "derived-cancelled",
        "subject": "Budget sync",
        "isCancelled": True,
    }
    return [*events, local, private, cancelled, malformed]


def recorded_messages(now: datetime) -> list[dict[str, Any]]:
    """Real Enron sent-mail metadata moved into the window, plus one mail without subject."""
    values = load("graph_sentitems_enron_sara_shackleton.json")["value"][:5]
    out = []
    for i, message in enumerate(values):
        message = copy.deepcopy(message)
        message["sentDateTime"] = (now - timedelta(hours=10 + 7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(message)
    blank = copy.deepcopy(out[0]) | {"id": "derived-nosubject", "subject": None}
    return [*out, blank]


@dataclass
class FakeGraph:
    """Routes for the Graph endpoints deskguard reads; `server.requests` is the request log."""

    now: datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    managers: dict[str, dict[str, Any]] = field(default_factory=dict)
    server: FakeHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.events = self.events or recorded_events(self.now)
        self.messages = self.messages or recorded_messages(self.now)
        if not self.users:
            # Real directory recordings: Allan's manager is Nestor; Nestor has none (404).
            nestor = load("whoskill_GetUserByEmail_nestor.json")["value"][0]
            allan = load("whoskill_GetUserByEmail_allan.json")["value"][0]
            self.users = {u["userPrincipalName"].lower(): u for u in (nestor, allan)}
            self.users |= {u["id"]: u for u in (nestor, allan)}
            self.managers = {allan["id"]: load("whoskill_GetManager_allan.json")}
        self.server = FakeHTTPServer(self.route)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}/v1.0"

    def route(self, request: Request) -> Reply:
        path = request.path.removeprefix("/v1.0")
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return Reply(401, {"error": {"code": "InvalidAuthenticationToken", "message": "no"}})
        if re.fullmatch(r"/users/[^/]+/calendarView", path):
            return self._page(request, self.events)
        if re.fullmatch(r"/users/[^/]+/mailFolders/sentitems/messages", path):
            return self._page(request, self.messages)
        if match := re.fullmatch(r"/users/([^/]+)/manager", path):
            return self._manager(match.group(1))
        if path == "/users":
            unique = {u["id"]: u for u in self.users.values()}
            return Reply(200, {"value": [*unique.values(), {"id": "no-upn", "displayName": "x"}]})
        if match := re.fullmatch(r"/users/([^/]+)", path):
            return self._user(match.group(1))
        return Reply(404, {"error": {"code": "NotFound", "message": path}})

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Reply:
        skip = int(request.param("$skiptoken") or 0)
        body: dict[str, Any] = {"value": items[skip : skip + PAGE_SIZE]}
        if skip + PAGE_SIZE < len(items):
            # Like Graph, the next link repeats the query ($select ...) with a skip token.
            query = {k: v[0] for k, v in request.query.items()} | {"$skiptoken": skip + PAGE_SIZE}
            body["@odata.nextLink"] = f"{self.server.url}{request.path}?{urlencode(query)}"
        return Reply(200, body)

    def _user(self, upn: str) -> Reply:
        user = self.users.get(unquote(upn).lower())
        if user is None:
            return Reply(404, {"error": {"code": "Request_ResourceNotFound", "message": upn}})
        return Reply(200, user)

    def _manager(self, user_id: str) -> Reply:
        manager = self.managers.get(user_id)
        return Reply(200, manager) if manager else Reply(404, load("whoskill_GetManager_me.json"))
