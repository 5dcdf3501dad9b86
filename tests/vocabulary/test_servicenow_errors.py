"""The HTTP status named in a ServiceNow failure reason, from pysnc's own exception types."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from pysnc.exceptions import (
    AuthenticationException,
    NotFoundException,
    RequestException,
    RoleException,
    UpdateException,
)

from vocabulary.servicenow import _record_failure, pysnc_call, pysnc_failure, pysnc_status


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
        (RequestException({"error": {}}), None),  # pysnc keeps the body; no response seen
        (requests.ConnectionError("refused"), None),
    ],
)
def test_the_status_is_named_only_where_pysnc_exposes_it(
    exc: BaseException, status: int | None
) -> None:
    assert pysnc_status(exc) == status
    named = f"{type(exc).__name__}, HTTP {status}" if status else type(exc).__name__
    assert pysnc_failure(exc) == named


class Failed(Exception):
    pass


def failing_response(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    return response


def test_a_body_only_error_is_named_by_the_status_its_own_thread_received() -> None:
    def call(status: int | None, elsewhere: int | None = None) -> str:
        def fn() -> None:
            if status is not None:
                _record_failure(failing_response(status))
            if elsewhere is not None:  # another call's failure, in another thread, meanwhile
                with ThreadPoolExecutor(1) as other:
                    other.submit(_record_failure, failing_response(elsewhere)).result()
            raise RequestException({"error": {}})

        with pytest.raises(Failed) as failure:
            pysnc_call(fn, refused=Failed, failed=Failed)
        return str(failure.value)

    assert call(503) == "RequestException, HTTP 503"
    assert call(None) == "RequestException"  # each call starts without the last one's status
    assert call(None, elsewhere=429) == "RequestException"
    assert call(429, elsewhere=503) == "RequestException, HTTP 429"
