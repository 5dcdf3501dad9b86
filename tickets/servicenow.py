"""ServiceNow through pysnc (ServiceNow's own Python client) and the Table API.

Reads the ticket (incident, sc_req_item or interaction, by number or sys_id) and its caller's
sys_user record; writes a work note and the `u_deskguard_status` / `u_deskguard_checked_at`
fields (installed by the update set in integrations/servicenow). Minimum roles for the service
account: `itil` (read the tickets, write work notes), read on sys_user (`user_name`, `email` only),
and write on the two u_deskguard fields (granted by the update set's `x_deskguard.integration`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from tickets.base import TicketAdapter
from tickets.models import TicketError, TicketRecord, VerificationNote
from vocabulary.servicenow import pysnc_auth, pysnc_call, pysnc_client

T = TypeVar("T")

STATUS_FIELD = "u_deskguard_status"
CHECKED_AT_FIELD = "u_deskguard_checked_at"
# Ticket tables by number prefix, and the field that names the person the ticket is for.
TABLES: dict[str, tuple[str, str]] = {
    "INC": ("incident", "caller_id"),
    "RITM": ("sc_req_item", "requested_for"),
    "IMS": ("interaction", "opened_for"),
}
SYS_ID = re.compile(r"^[0-9a-f]{32}$")
NUMBER = re.compile(r"^(INC|RITM|IMS)\d{7,}$")


class ServiceNowConfig(BaseModel):
    """DESKGUARD_SERVICENOW__*: the instance (name or https URL) and a service account (basic
    auth) or an OAuth client (client credentials)."""

    model_config = ConfigDict(extra="forbid")

    instance: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    ca_bundle: str | None = None  # a private CA for on-premise proxies (and tests)
    timeout_seconds: float = Field(default=3.0, gt=0, le=60)

    @property
    def enabled(self) -> bool:
        return bool(self.instance)

    @field_validator("instance")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value and value.startswith("http://"):
            raise ValueError("the ServiceNow instance must be https:// (or an instance name)")
        return value


class ServiceNowAdapter(TicketAdapter):
    system: ClassVar[str] = "servicenow"

    def __init__(self, config: ServiceNowConfig) -> None:
        if not config.instance:
            raise ValueError("DESKGUARD_SERVICENOW__INSTANCE is not set")
        self.config = config
        self._client: Any = None

    def client(self) -> Any:
        """The pysnc client, built on first use (its OAuth flow fetches a token at once)."""
        if self._client is None:
            self._client = _build_client(self.config)
        return self._client

    def lookup(self, ticket_id: str) -> TicketRecord | None:
        ticket_id = ticket_id.strip()
        if NUMBER.match(ticket_id.upper()):
            table, caller_field = TABLES[re.sub(r"\d+$", "", ticket_id.upper())]
            return self._find(table, caller_field, "number", ticket_id.upper())
        if SYS_ID.match(ticket_id.lower()):
            for table, caller_field in TABLES.values():
                found = self._find(table, caller_field, "sys_id", ticket_id.lower())
                if found:
                    return found
            return None
        return None  # neither a ServiceNow number nor a sys_id

    def _find(self, table: str, caller_field: str, field: str, value: str) -> TicketRecord | None:
        record = self._query(table, {field: value}, ["number", caller_field])
        if record is None:
            return None
        caller_id = str(record.get_value(caller_field) or "")
        user = self._query("sys_user", {"sys_id": caller_id}, ["user_name", "email"])
        return TicketRecord(
            system=self.system,
            table=table,
            key=str(record.get_value("sys_id")),
            number=str(record.get_value("number")),
            caller_email=_text(user, "email"),
            caller_login=_text(user, "user_name"),
        )

    def _query(self, table: str, where: dict[str, str], fields: list[str]) -> Any | None:
        glide = self.client().GlideRecord(table, batch_size=1)
        glide.fields = fields
        glide.limit = 1
        for name, value in where.items():
            glide.add_query(name, value)
        _call(glide.query)
        return glide if glide.next() else None

    def write(self, record: TicketRecord, note: VerificationNote) -> None:
        glide = self.client().GlideRecord(record.table)
        if not _call(lambda: glide.get(record.key)):
            raise TicketError(f"{record.number} no longer exists in ServiceNow")
        if glide.get_element(STATUS_FIELD) is None:
            raise TicketError(
                f"{record.table} has no {STATUS_FIELD} field: install the deskguard update set"
            )
        glide.set_value("work_notes", note.text())
        glide.set_value(STATUS_FIELD, note.status)
        glide.set_value(CHECKED_AT_FIELD, note.at.strftime("%Y-%m-%d %H:%M:%S"))
        _call(glide.update)


def _text(record: Any | None, field: str) -> str | None:
    value = record.get_value(field) if record is not None else None
    return str(value) if value else None


def _call(fn: Callable[[], T]) -> T:
    """pysnc and requests errors become TicketError with the class name and the HTTP status
    (vocabulary/servicenow.py); no message, so no secret."""
    return pysnc_call(
        fn,
        refused=lambda detail: TicketError(f"ServiceNow refused the service account ({detail})"),
        failed=lambda detail: TicketError(f"ServiceNow request failed ({detail})"),
    )


def _build_client(config: ServiceNowConfig) -> Any:
    auth = pysnc_auth(config)
    if auth is None:
        raise ValueError(
            "ServiceNow needs DESKGUARD_SERVICENOW__USERNAME and __PASSWORD, "
            "or __CLIENT_ID and __CLIENT_SECRET"
        )
    instance = config.instance or ""
    return _call(
        lambda: pysnc_client(
            instance, auth, ca_bundle=config.ca_bundle, timeout_seconds=config.timeout_seconds
        )
    )
