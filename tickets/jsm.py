"""Jira Service Management through `jira` (the customer's client): the request's reporter is the
person it was raised for; deskguard adds an internal comment (`sd.public.comment` internal, never
shown to the customer) and a `deskguard` issue property holding the status and time, which JSM
automation and JQL (`issue.property[deskguard].status = allow`) can use. The service account
needs the project's "Service Desk Team" role (browse, add internal comments, edit properties)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from tickets.base import TicketAdapter
from tickets.models import TicketError, TicketRecord, VerificationNote

ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,19}-\d{1,9}$")
PROPERTY = "deskguard"


class JSMConfig(BaseModel):
    """DESKGUARD_JSM__*: the site URL and an API token (with EMAIL, Cloud) or a bearer personal
    access token (without, Server/Data Center)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    email: str | None = None
    token: SecretStr | None = None
    timeout_seconds: float = Field(default=3.0, gt=0, le=60)

    @property
    def enabled(self) -> bool:
        return bool(self.url)


class JSMAdapter(TicketAdapter):
    system: ClassVar[str] = "jsm"

    def __init__(self, config: JSMConfig) -> None:
        if not config.url or not config.token:
            raise ValueError("Jira Service Management needs DESKGUARD_JSM__URL and __TOKEN")
        self.config = config
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None:
            self._client = _call(lambda: _build_client(self.config))
        return self._client

    def lookup(self, ticket_id: str) -> TicketRecord | None:
        key = ticket_id.strip().upper()
        if not ISSUE_KEY.match(key):
            return None
        from jira.exceptions import JIRAError

        try:
            issue = _call(lambda: self.client().issue(key, fields="reporter"))
        except TicketError as exc:
            if isinstance(exc.__cause__, JIRAError) and exc.__cause__.status_code == 404:
                return None
            raise
        reporter = issue.raw.get("fields", {}).get("reporter") or {}
        return TicketRecord(
            system=self.system,
            table="jsm",
            key=issue.key,
            number=issue.key,
            caller_email=reporter.get("emailAddress"),
            caller_login=reporter.get("name"),
        )

    def write(self, record: TicketRecord, note: VerificationNote) -> None:
        client = self.client()
        _call(lambda: client.add_comment(record.key, note.text(), is_internal=True))
        value = {
            "status": note.status,
            "checked_at": note.at.isoformat(),
            "id": note.verification_id,
        }
        _call(lambda: client.add_issue_property(record.key, PROPERTY, value))


def _call(fn: Any) -> Any:
    import requests
    from jira.exceptions import JIRAError

    try:
        return fn()
    except JIRAError as exc:
        raise TicketError(f"Jira Service Management answered {exc.status_code}") from exc
    except requests.RequestException as exc:
        raise TicketError(f"Jira Service Management unreachable ({type(exc).__name__})") from exc


def _build_client(config: JSMConfig) -> Any:
    from jira import JIRA

    assert config.token is not None
    secret = config.token.get_secret_value()
    auth: dict[str, Any] = (
        {"basic_auth": (config.email, secret)} if config.email else {"token_auth": secret}
    )
    return JIRA(
        server=config.url,
        max_retries=0,
        timeout=config.timeout_seconds,
        get_server_info=False,
        **auth,
    )
