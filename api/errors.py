"""One exception hierarchy; each maps to an HTTP status in one place (api/main.py)."""

from __future__ import annotations


class DeskguardError(Exception):
    """Root. `code` is the stable machine-readable error code in `{"error": {"code", ...}}`."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DeskguardError):
    status, code = 404, "not_found"


class InvalidInput(DeskguardError):
    status, code = 422, "invalid_input"


class Conflict(DeskguardError):
    status, code = 409, "conflict"


class Gone(DeskguardError):
    status, code = 410, "expired"


class Unauthorized(DeskguardError):
    status, code = 401, "unauthorized"


class Forbidden(DeskguardError):
    status, code = 403, "forbidden"


class OutOfScope(Forbidden):
    """The employee is excluded by the scope settings: none of their context is read."""

    code = "out_of_scope"


class RateLimited(DeskguardError):
    """A limit was hit; `retry_after` seconds (the window) until it is worth trying again."""

    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(DeskguardError):
    """A dependency (the directory, the database) failed; nothing was decided or changed."""

    status, code = 503, "unavailable"


class LimitsUnavailable(DeskguardError):
    """The shared limit store (Redis) did not answer: nothing was started or let in."""

    status, code = 503, "limits_unavailable"


class ConfigurationError(DeskguardError):
    """The deployment is misconfigured; the message says how to fix it."""

    status, code = 500, "configuration_error"
