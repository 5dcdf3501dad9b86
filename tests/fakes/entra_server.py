"""A fake Microsoft Graph for what recovery writes and reads app-only: users, Temporary Access
Pass methods, passwordProfile PATCH, revokeSignInSessions, sendMail and directory audits, in the
shapes of the Graph v1.0 reference (and msgraph-sdk's models): temporaryAccessPassAuthentication-
Method, the Edm.Boolean answer, 204/202 without body, the error object with innerError and the
request-id header.

`server.requests` logs every call (bodies included); `performed` lists the changes made."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

TOKEN = "fake-graph-app-token"


def graph_user(upn: str, display_name: str, **extra: Any) -> dict[str, Any]:
    return {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
        "id": str(uuid.uuid4()),
        "userPrincipalName": upn,
        "displayName": display_name,
        "mail": upn,
        "accountEnabled": True,
        "otherMails": [],
        "mobilePhone": None,
    } | extra


def graph_error(status: int, code: str, message: str) -> Reply:
    request_id = str(uuid.uuid4())
    inner = {"date": _now(), "request-id": request_id, "client-request-id": request_id}
    body = {"error": {"code": code, "message": message, "innerError": inner}}
    return Reply(status, body, headers={"request-id": request_id})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class FakeEntra:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    taps: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # user -> id -> TAP
    audits: list[dict[str, Any]] = field(default_factory=list)  # directoryAudit objects
    mail: list[dict[str, Any]] = field(default_factory=list)  # (sender, message) sent
    performed: list[tuple[str, str]] = field(default_factory=list)
    server: FakeHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = FakeHTTPServer(self.route)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}/v1.0"

    def add_user(self, upn: str, display_name: str = "Jane Doe", **extra: Any) -> str:
        user = graph_user(upn, display_name, **extra)
        self.users[user["id"]] = user
        return str(user["id"])

    def changes(self) -> list[Request]:
        return [r for r in self.server.requests if r.method != "GET"]

    def route(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        reply = self._route(request, request.path.removeprefix("/v1.0"))
        reply.headers.setdefault("request-id", str(uuid.uuid4()))
        return reply

    def _route(self, request: Request, path: str) -> Reply:
        taps = r"/users/([^/]+)/authentication/temporaryAccessPassMethods"
        if match := re.fullmatch(taps, path):
            return self._create_tap(request, match.group(1))
        if match := re.fullmatch(taps + r"/([^/]+)", path):
            return self._delete_tap(request, match.group(1), match.group(2))
        if match := re.fullmatch(r"/users/([^/]+)/revokeSignInSessions", path):
            return self._revoke(request, match.group(1))
        if match := re.fullmatch(r"/users/([^/]+)/sendMail", path):
            return self._send_mail(request, match.group(1))
        if path == "/auditLogs/directoryAudits":
            return self._audits(request)
        if match := re.fullmatch(r"/users/([^/]+)", path):
            return self._user(request, match.group(1))
        return graph_error(404, "UnknownError", f"no route {path}")

    def _find(self, ref: str) -> dict[str, Any] | None:
        ref = unquote(ref).lower()
        return self.users.get(ref) or next(
            (u for u in self.users.values() if u["userPrincipalName"].lower() == ref), None
        )

    def _missing(self, ref: str) -> Reply:
        return graph_error(
            404, "Request_ResourceNotFound", f"Resource '{ref}' does not exist or one of its "
            "queried reference-property objects are not present."
        )  # fmt: skip

    def _user(self, request: Request, ref: str) -> Reply:
        user = self._find(ref)
        if user is None:
            return self._missing(ref)
        if request.method == "GET":
            return Reply(200, user)
        if request.method == "PATCH":
            profile = (request.json() or {}).get("passwordProfile") or {}
            if not profile.get("password"):
                return graph_error(400, "Request_BadRequest", "password is required")
            self.performed.append(("set_password", user["id"]))
            return Reply(204)
        return graph_error(405, "Request_BadRequest", "method not allowed")

    def _create_tap(self, request: Request, ref: str) -> Reply:
        user = self._find(ref)
        if user is None or request.method != "POST":
            return self._missing(ref)
        body = request.json() or {}
        tap_id = str(uuid.uuid4())
        tap = {
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
            "id": tap_id,
            "temporaryAccessPass": secrets.token_urlsafe(6),
            "createdDateTime": _now() + ".5893903Z",
            "startDateTime": _now() + ".5893903Z",
            "lifetimeInMinutes": body.get("lifetimeInMinutes", 60),
            "isUsableOnce": body.get("isUsableOnce", False),
            "isUsable": True,
            "methodUsabilityReason": "EnabledByPolicy",
        }
        self.taps.setdefault(user["id"], {})[tap_id] = tap
        self.performed.append(("create_tap", user["id"]))
        context = f"https://graph.microsoft.com/v1.0/$metadata#users('{user['id']}')"
        return Reply(201, {"@odata.context": context + "/authentication/tapMethods/$entity"} | tap)

    def _delete_tap(self, request: Request, ref: str, tap_id: str) -> Reply:
        user = self._find(ref)
        if user is None or request.method != "DELETE":
            return self._missing(ref)
        if self.taps.get(user["id"], {}).pop(tap_id, None) is None:
            return self._missing(tap_id)
        self.performed.append(("delete_tap", user["id"]))
        return Reply(204)

    def _revoke(self, request: Request, ref: str) -> Reply:
        user = self._find(ref)
        if user is None or request.method != "POST":
            return self._missing(ref)
        self.performed.append(("revoke_sessions", user["id"]))
        context = "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean"
        return Reply(200, {"@odata.context": context, "value": True})

    def _send_mail(self, request: Request, sender: str) -> Reply:
        if request.method != "POST" or self._find(sender) is None:
            return self._missing(sender)
        self.mail.append({"from": unquote(sender)} | (request.json() or {}))
        return Reply(202)

    def _audits(self, request: Request) -> Reply:
        since = re.search(r"activityDateTime ge (\S+)", request.param("$filter") or "")
        rows = [a for a in self.audits if not since or a["activityDateTime"] >= since.group(1)]
        context = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits"
        return Reply(200, {"@odata.context": context, "value": rows})
