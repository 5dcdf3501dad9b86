"""A fake ServiceNow instance: the Table API (`/api/now/table/{table}`) for incident, sc_req_item,
interaction and sys_user, and the OAuth token endpoint, over HTTPS (pysnc refuses http).

Response shapes follow the Table API with `sysparm_display_value=all` and
`sysparm_exclude_reference_link=true` (what pysnc asks for): every field is
`{"display_value", "value"}`, lists carry `X-Total-Count`, a missing record is 404 with
`{"error": {"message", "detail"}, "status": "failure"}`. Work notes are a journal: each PATCH
appends an entry, kept in `journal` for assertions."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.local_http import FakeHTTPServer, Reply, Request

ABEL = "62826bf03710200044e0bfc8bcbe5df1"  # the demo instance's Abel Tuter
USERS: dict[str, dict[str, str]] = {
    ABEL: {"user_name": "abel.tuter", "email": "abel.tuter@example.com", "name": "Abel Tuter"},
    "5137153cc611227c000bbd1bd8cd2005": {
        "user_name": "fred.luddy",
        "email": "fred.luddy@example.com",
        "name": "Fred Luddy",
    },
}
TOKEN = "fake-servicenow-token"


@dataclass
class FakeServiceNow:
    """Tables of plain {field: value} rows; reference fields hold a sys_user sys_id."""

    tables: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    journal: list[tuple[str, str, str]] = field(default_factory=list)  # (table, sys_id, note)
    username: str = "deskguard.integration"
    password: str = "s3cret-pass"
    client_id: str = "deskguard-client"
    client_secret: str = "deskguard-secret"
    down: bool = False  # answer every request 503
    groups: dict[str, str] = field(default_factory=dict)  # sys_id -> name (reference fields)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.tables.setdefault("sys_user", {k: {"sys_id": k, **v} for k, v in USERS.items()})
        self.server = FakeHTTPServer(self.route, tls=True)

    def add(self, table: str, sys_id: str, **fields: str) -> None:
        """A ticket; its table has the update set's two u_deskguard columns unless told not to."""
        installed = {"u_deskguard_status": "", "u_deskguard_checked_at": ""}
        if fields.pop("update_set", "yes") == "no":
            installed = {}
        self.tables.setdefault(table, {})[sys_id] = {"sys_id": sys_id, **installed, **fields}

    def route(self, request: Request) -> Reply:
        if self.down:
            return Reply(503, {"error": {"message": "Service Unavailable"}, "status": "failure"})
        if request.path == "/oauth_token.do" and request.method == "POST":
            return self._token(request)
        if not self._authorised(request):
            return Reply(401, {"error": {"message": "User Not Authenticated"}, "status": "failure"})
        parts = request.path.strip("/").split("/")
        if parts[:3] != ["api", "now", "table"] or len(parts) not in (4, 5):
            return Reply(400, {"error": {"message": "Invalid path"}, "status": "failure"})
        table = parts[3]
        if len(parts) == 4 and request.method == "GET":
            return self._list(table, request)
        sys_id = parts[4] if len(parts) == 5 else ""
        row = self.tables.get(table, {}).get(sys_id)
        if row is None:
            return Reply(
                404,
                {
                    "error": {"message": "No Record found", "detail": "Record doesn't exist"},
                    "status": "failure",
                },
            )
        if request.method == "PATCH":
            return Reply(200, {"result": self._shape(table, self._patch(table, row, request))})
        return Reply(200, {"result": self._shape(table, row)})

    def _token(self, request: Request) -> Reply:
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return Reply(401, {"error": "access_denied", "error_description": "bad client"})
        return Reply(
            200,
            {
                "access_token": TOKEN,
                "scope": "useraccount",
                "token_type": "Bearer",
                "expires_in": 1799,
            },
        )

    def _authorised(self, request: Request) -> bool:
        import base64

        header = request.headers.get("authorization", "")
        if header == f"Bearer {TOKEN}":
            return True
        basic = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header == f"Basic {basic}"

    def _list(self, table: str, request: Request) -> Reply:
        rows = list(self.tables.get(table, {}).values())
        for clause in (request.param("sysparm_query") or "").split("^"):
            if ">=" in clause:  # times as the Table API stores them sort as text
                name, value = clause.split(">=", 1)
                rows = [r for r in rows if r.get(name, "") >= value]
            elif "=" in clause and not clause.startswith("ORDERBY"):
                name, value = clause.split("=", 1)
                rows = [r for r in rows if r.get(name) == value]
        offset = int(request.param("sysparm_offset") or 0)
        limit = int(request.param("sysparm_limit") or 10000)
        fields = [f for f in (request.param("sysparm_fields") or "").split(",") if f]
        page = [self._shape(table, r, fields) for r in rows[offset : offset + limit]]
        return Reply(200, {"result": page}, headers={"X-Total-Count": str(len(rows))})

    def _patch(self, table: str, row: dict[str, str], request: Request) -> dict[str, str]:
        body: dict[str, Any] = request.json() or {}
        with self._lock:
            for name, value in body.items():
                if name == "work_notes":
                    self.journal.append((table, row["sys_id"], str(value)))
                else:
                    row[name] = str(value)
        return row

    def _shape(self, table: str, row: dict[str, str], fields: list[str] | None = None) -> Any:
        names = fields or [*row, "work_notes"]
        out: dict[str, dict[str, str]] = {}
        for name in names:
            value = row.get(name, "")
            if name == "work_notes":
                notes = [n for t, s, n in self.journal if (t, s) == (table, row["sys_id"])]
                out[name] = {"display_value": "\n\n".join(reversed(notes)), "value": ""}
            elif value in USERS:
                out[name] = {"display_value": USERS[value]["name"], "value": value}
            elif value in self.groups:
                out[name] = {"display_value": self.groups[value], "value": value}
            else:
                out[name] = {"display_value": value, "value": value}
        return out

    def notes_for(self, sys_id: str) -> list[str]:
        return [n for _, s, n in self.journal if s == sys_id]

    def start(self) -> FakeServiceNow:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ca_file(self) -> str:
        assert self.server.ca_file
        return self.server.ca_file
