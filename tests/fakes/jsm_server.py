"""A fake Jira Service Management site (Server/Data Center) in the shapes of Jira's REST API v2:
for the ticketing adapter an issue's reporter (`GET /rest/api/2/issue/{key}`), internal comments
(`POST .../comment` with the `sd.public.comment` property) and issue properties (`PUT
.../properties/{key}`); for the context connector `serverInfo`, `field`, `user/search` and
`search` over the requests in `requests` (JQL is not parsed: every request is served, with only
the fields asked for). Every comment and property write is kept for assertions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

NOT_FOUND = {
    "errorMessages": ["Issue does not exist or you do not have permission to see it."],
    "errors": {},
}


@dataclass
class FakeJSM:
    reporters: dict[str, dict[str, Any]] = field(default_factory=dict)  # issue key -> user
    comments: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    properties: dict[tuple[str, str], Any] = field(default_factory=dict)
    down: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)  # issues, full fields
    users: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server = FakeHTTPServer(self.route)

    def route(self, request: Request) -> Reply:
        if self.down:
            return Reply(503, {"errorMessages": ["Service unavailable"], "errors": {}})
        served = self._context(request)
        if served is not None:
            return served
        parts = request.path.strip("/").split("/")
        if parts[:4] != ["rest", "api", "2", "issue"] or len(parts) < 5:
            return Reply(404, {"errorMessages": ["Not found"], "errors": {}})
        key = parts[4]
        if key not in self.reporters:
            return Reply(404, NOT_FOUND)
        base = f"{self.url}/rest/api/2/issue/10{len(key)}"
        if len(parts) == 5 and request.method == "GET":
            fields = {"reporter": self.reporters[key]}
            return Reply(
                200, {"expand": "", "id": "10042", "self": base, "key": key, "fields": fields}
            )
        if parts[5:] == ["comment"] and request.method == "POST":
            body = request.json()
            self.comments.append((key, body))
            comment = {
                "self": f"{base}/comment/100{len(self.comments)}",
                "id": f"100{len(self.comments)}",
                "body": body["body"],
                "properties": body.get("properties", []),
                "created": "2026-12-01T15:30:00.000+0000",
            }
            return Reply(201, comment)
        if len(parts) == 7 and parts[5] == "properties" and request.method == "PUT":
            self.properties[(key, parts[6])] = request.json()
            return Reply(200)
        return Reply(405, {"errorMessages": ["Method not allowed"], "errors": {}})

    def _context(self, request: Request) -> Reply | None:
        path = request.path
        if path == "/rest/api/2/serverInfo":
            info = {"baseUrl": self.url, "version": "9.12.0", "versionNumbers": [9, 12, 0]}
            return Reply(200, info | {"deploymentType": "Server"})
        if path == "/rest/api/2/field":
            return Reply(200, [{"id": "summary", "name": "Summary", "clauseNames": ["summary"]}])
        if path == "/rest/api/2/user/search":
            who = (request.param("username") or "").lower()
            found = [u for u in self.users if who in (u.get("name"), u.get("emailAddress"))]
            me = f"{self.url}/rest/api/2/user?username="
            return Reply(200, [{"self": me + str(u.get("name")), **u} for u in found])
        if path == "/rest/api/2/search":
            wanted = [f for v in request.query.get("fields", []) for f in v.split(",")]
            issues = [
                {**i, "fields": {k: v for k, v in i["fields"].items() if k in wanted}}
                for i in self.requests
            ]
            body = {"startAt": 0, "maxResults": 50, "total": len(issues), "issues": issues}
            return Reply(200, body)
        return None

    def start(self) -> FakeJSM:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url
