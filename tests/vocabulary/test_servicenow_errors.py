"""The HTTP status named in a ServiceNow failure reason, from pysnc's own exception types."""

from __future__ import annotations

import pytest
import requests
from pysnc.exceptions import (
    AuthenticationException,
    NotFoundException,
    RequestException,
    RoleException,
    UpdateException,
)

from vocabulary.servicenow import pysnc_failure, pysnc_status


def http_error(status: int) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    return requests.HTTPError("boom", response=response)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (NotFoundException({"error": {}}), 404),
        (RoleException({"error": {}}), 403),
        (AuthenticationException({"message": "User Not Authenticated"}), 401),
        (AuthenticationException("Failed to obtain access token: 400 ..."), None),  # not a 401
        (UpdateException({"error": {}}, status_code=500), 500),
        (http_error(429), 429),
        (RequestException({"error": {}}), None),  # pysnc keeps the body only
        (requests.ConnectionError("refused"), None),
    ],
)
def test_the_status_is_named_only_where_pysnc_exposes_it(
    exc: BaseException, status: int | None
) -> None:
    assert pysnc_status(exc) == status
    named = f"{type(exc).__name__}, HTTP {status}" if status else type(exc).__name__
    assert pysnc_failure(exc) == named
