"""A fake Okta management API for the user lifecycle, credential and session endpoints that
recovery uses, serving the shapes of Okta's API reference (User, ResetPasswordToken,
TempPassword, Error with errorCode/errorSummary/errorId, the X-Okta-Request-Id header).

`server.requests` is the raw request log; `performed` lists the changes actually made, so a test
can assert that a refused recovery changed nothing at the provider."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

TOKEN = "00TESTtokenForTheFakeOktaOrg"  # an SSWS API token


def okta_user(user_id: str, login: str, first: str, last: str) -> dict[str, Any]:
    """A User as GET /api/v1/users/{id} returns it (Okta API reference example, renamed)."""
    return {
        "id": user_id,
        "status": "ACTIVE",
        "created": "2025-06-24T16:39:18.000Z",
        "activated": "2025-06-24T16:39:19.000Z",
        "statusChanged": "2025-06-24T16:39:19.000Z",
        "lastLogin": "2026-11-30T17:39:19.000Z",
        "lastUpdated": "2026-07-02T21:36:25.344Z",
        "passwordChanged": "2026-07-02T21:36:25.344Z",
        "type": {"id": "otyfnjfba4ye7pgjB0g4"},
        "profile": {
            "firstName": first,
            "lastName": last,
            "email": login,
            "login": login,
            "mobilePhone": None,
            "secondEmail": None,
        },
        "credentials": {
            "password": {},
            "recovery_question": {"question": "Who's a major player in the cowboy scene?"},
            "provider": {"type": "OKTA", "name": "OKTA"},
        },
        "_links": {"self": {"href": f"https://example.okta.com/api/v1/users/{user_id}"}},
    }


def okta_error(code: str, summary: str) -> dict[str, Any]:
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": f"oae{secrets.token_hex(8)}",
        "errorCauses": [],
    }


@dataclass
class FakeOkta:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    factors: dict[str, list[str]] = field(default_factory=dict)  # user id -> enrolled factors
    performed: list[tuple[str, str]] = field(default_factory=list)  # (operation, user id)
    token_requests: list[dict[str, str]] = field(default_factory=list)  # OAuth form posts
    server: FakeHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = FakeHTTPServer(self.route)

    @property
    def url(self) -> str:
        return self.server.url

    def add_user(self, login: str, first: str = "Jane", last: str = "Doe") -> str:
        user_id = "00u" + secrets.token_hex(9)[:17]
        self.users[user_id] = okta_user(user_id, login, first, last)
        self.factors[user_id] = ["push", "token:software:totp"]
        return user_id

    def changes(self) -> list[Request]:
        """Requests that could change something (everything but reads)."""
        return [r for r in self.server.requests if r.method != "GET"]

    def route(self, request: Request) -> Reply:
        reply = self._route(request)
        reply.headers.setdefault("X-Okta-Request-Id", secrets.token_urlsafe(16))
        return reply

    def _route(self, request: Request) -> Reply:
        if request.path == "/oauth2/v1/token":
            return self._token(request)
        auth = request.headers.get("authorization", "")
        if auth not in (f"SSWS {TOKEN}", f"Bearer {TOKEN}"):
            return Reply(401, okta_error("E0000011", "Invalid token provided"))
        path = request.path
        if match := re.fullmatch(r"/api/v1/users/([^/]+)", path):
            user = self._find(match.group(1))
            return Reply(200, user) if user else self._missing(match.group(1))
        if match := re.fullmatch(r"/api/v1/users/([^/]+)/lifecycle/([a-z_]+)", path):
            return self._lifecycle(request, match.group(1), match.group(2))
        if match := re.fullmatch(r"/api/v1/users/([^/]+)/sessions", path):
            user = self._find(match.group(1))
            if request.method != "DELETE" or user is None:
                return self._missing(match.group(1))
            self.performed.append(("revoke_sessions", user["id"]))
            return Reply(204)
        return Reply(404, okta_error("E0000022", f"The endpoint does not support {path}"))

    def _token(self, request: Request) -> Reply:
        """Client credentials with private_key_jwt, as an Okta API service app gets its token."""
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        self.token_requests.append(form)
        if form.get("grant_type") != "client_credentials" or not form.get("client_assertion"):
            return Reply(400, {"error": "invalid_request"})
        return Reply(
            200,
            {"token_type": "Bearer", "expires_in": 3600, "access_token": TOKEN,
             "scope": form.get("scope", "")},
        )  # fmt: skip

    def _lifecycle(self, request: Request, ref: str, operation: str) -> Reply:
        user = self._find(ref)
        if user is None or request.method != "POST":
            return self._missing(ref)
        revoke = request.param("revokeSessions") == "true"
        if operation == "reset_factors":
            self.factors[user["id"]] = []
            self.performed.append(("reset_factors", user["id"]))
            return Reply(200, {})  # an empty JSON object, as Okta answers lifecycle calls
        if operation == "reset_password":
            user["status"] = "RECOVERY"
            self._done("reset_password", user["id"], revoke)
            if request.param("sendEmail") == "true":
                return Reply(200, {})
            token = secrets.token_urlsafe(15)
            return Reply(
                200, {"resetPasswordUrl": f"https://example.okta.com/reset_password/{token}"}
            )
        if operation == "expire_password_with_temp_password":
            user["status"] = "PASSWORD_EXPIRED"
            self._done("expire_password_with_temp_password", user["id"], revoke)
            return Reply(200, {"tempPassword": secrets.token_urlsafe(9)})
        return Reply(404, okta_error("E0000022", f"unsupported lifecycle operation {operation}"))

    def _done(self, operation: str, user_id: str, revoke_sessions: bool) -> None:
        self.performed.append((operation, user_id))
        if revoke_sessions:
            self.performed.append(("revoke_sessions", user_id))

    def _find(self, ref: str) -> dict[str, Any] | None:
        ref = unquote(ref).lower()
        return self.users.get(ref) or next(
            (u for u in self.users.values() if u["profile"]["login"].lower() == ref), None
        )

    @staticmethod
    def _missing(ref: str) -> Reply:
        return Reply(404, okta_error("E0000007", f"Not found: Resource not found: {ref} (User)"))
