"""How a ServiceNow client (pysnc) error is named in a failure reason: its class, and the HTTP
status where pysnc exposes one. Shared by the ServiceNow context source and ticket adapter.

pysnc 1.2 raises NotFoundException only for a 404 and RoleException only for a 403; an
AuthenticationException carries the Table API's error object for a 401 (and a string for a
failed token request or bad settings); its Insert/Update/DeleteException has `status_code`; a
requests HTTPError has its response. Any other status (429, 5xx) comes as a RequestException with
the body only: no status to name. Nothing of the message is kept (it may echo the request)."""

from __future__ import annotations

_STATUS_BY_CLASS = {"NotFoundException": 404, "RoleException": 403}

ErrorClasses = tuple[type[BaseException], ...]


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
    return status if isinstance(status, int) else None


def pysnc_failure(exc: BaseException) -> str:
    """`RequestException`, or `AuthenticationException, HTTP 401`: for "request failed (...)"."""
    status = pysnc_status(exc)
    return type(exc).__name__ + (f", HTTP {status}" if status is not None else "")
