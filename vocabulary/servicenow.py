"""How deskguard talks to ServiceNow through pysnc: the client (auth, CA, a time-out on every
call), the call wrapper, and how an error is named in a failure reason (its class and the HTTP
status). Shared by the ServiceNow context source and ticket adapter.

pysnc 1.2 raises NotFoundException only for a 404 and RoleException only for a 403; an
AuthenticationException carries the Table API's error object for a 401 (and a string for a
failed token request or bad settings); its Insert/Update/DeleteException has `status_code`; a
requests HTTPError has its response. Any other status (429, 5xx) comes as a RequestException with
the body only, so the client's session records the status of each failed response it receives
(a requests response hook, per thread: pysnc is synchronous and each call runs in one thread).
Nothing of the message is kept (it may echo the request)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from pydantic import SecretStr

_STATUS_BY_CLASS = {"NotFoundException": 404, "RoleException": 403}

ErrorClasses = tuple[type[BaseException], ...]
T = TypeVar("T")
_last_failed = threading.local()  # .status: the last 4xx/5xx this thread's client received


def pysnc_errors() -> tuple[ErrorClasses, ErrorClasses]:
    """(refused, failed): the errors of a pysnc call that mean the service account was refused,
    and those that mean the request failed (pysnc and requests imported only when called)."""
    import requests
    from pysnc.exceptions import AuthenticationException, NotFoundException, RoleException
    from pysnc.exceptions import RequestException as SnRequestException

    refused: ErrorClasses = (AuthenticationException, RoleException)
    failed: ErrorClasses = (
        SnRequestException,
        NotFoundException,
        requests.RequestException,
        KeyError,
        ValueError,
    )
    return refused, failed


def pysnc_status(exc: BaseException) -> int | None:
    """The HTTP status behind a pysnc or requests error, when it is known."""
    name = type(exc).__name__
    if name in _STATUS_BY_CLASS:
        return _STATUS_BY_CLASS[name]
    if name == "AuthenticationException":
        return 401 if exc.args and isinstance(exc.args[0], dict) else None
    status = getattr(exc, "status_code", None)  # pysnc's RestException
    if status is None:  # requests' HTTPError
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if status is None and name == "RequestException":  # pysnc's: the body only
        status = getattr(_last_failed, "status", None)
    return status if isinstance(status, int) else None


def pysnc_failure(exc: BaseException) -> str:
    """`RequestException, HTTP 503`, or `AuthenticationException, HTTP 401`: for "request
    failed (...)"."""
    status = pysnc_status(exc)
    return type(exc).__name__ + (f", HTTP {status}" if status is not None else "")


def pysnc_call(
    fn: Callable[[], T],
    *,
    refused: Callable[[str], Exception],
    failed: Callable[[str], Exception],
) -> T:
    """`fn()` (a pysnc call), its errors raised as `refused(detail)` or `failed(detail)`, the
    detail naming the class and HTTP status (`pysnc_failure`), never the message."""
    refusals, failures = pysnc_errors()
    _last_failed.status = None
    try:
        return fn()
    except refusals as exc:
        raise refused(pysnc_failure(exc)) from None
    except failures as exc:
        raise failed(pysnc_failure(exc)) from None


def pysnc_client(instance: str, auth: Any, *, ca_bundle: str | None, timeout_seconds: float) -> Any:
    """A pysnc client for `instance` with no retries, the time-out and the configured CA on
    every call (requests has no default time-out, and pysnc lets REQUESTS_CA_BUNDLE override the
    session's CA), recording each failed response's status for `pysnc_status`."""
    from pysnc import ServiceNowClient
    from requests.adapters import HTTPAdapter

    client = ServiceNowClient(instance, auth, verify=ca_bundle or True, auto_retry=False)

    class _Deadline(HTTPAdapter):
        def send(
            self,
            request: Any,
            stream: bool = False,
            timeout: Any = None,
            verify: Any = True,
            cert: Any = None,
            proxies: Any = None,
        ) -> Any:
            return super().send(
                request,
                stream=stream,
                timeout=timeout or timeout_seconds,
                verify=ca_bundle or verify,
                cert=cert,
                proxies=proxies,
            )

    client.session.mount(client.instance, _Deadline(max_retries=0))
    client.session.hooks["response"].append(_record_failure)
    return client


class ServiceAccount(Protocol):
    """The settings that name a ServiceNow service account (both ServiceNow sections have them)."""

    @property
    def username(self) -> str | None: ...
    @property
    def password(self) -> SecretStr | None: ...
    @property
    def client_id(self) -> str | None: ...
    @property
    def client_secret(self) -> SecretStr | None: ...


def pysnc_auth(account: ServiceAccount) -> Any | None:
    """OAuth client credentials when both are set, else basic auth, else None (not configured)."""
    if account.client_id and account.client_secret:
        from pysnc.auth import ServiceNowClientCredentialsFlow

        secret = account.client_secret.get_secret_value()
        return ServiceNowClientCredentialsFlow(account.client_id, secret)
    if account.username and account.password:
        return (account.username, account.password.get_secret_value())
    return None


def _record_failure(response: Any, *args: Any, **kwargs: Any) -> None:
    if response.status_code >= 400:
        _last_failed.status = response.status_code
