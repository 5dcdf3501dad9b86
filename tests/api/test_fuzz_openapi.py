"""Property-based fuzzing of every operation from the OpenAPI schema (schemathesis): whatever a
client sends, the API answers with a documented status and a JSON body, never a server error."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import Clock, make_deskguard, settings_for

# Built at import: schemathesis reads the schema while pytest collects.
DG = make_deskguard(settings_for(Path(tempfile.mkdtemp(prefix="deskguard-fuzz-"))), Clock())
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", DG.client.app)


OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_input_makes_a_server_error(operation: Any, data: st.DataObject) -> None:
    case = data.draw(operation.as_strategy())
    response = case.call(headers=DG.keys["admin"])
    if operation.path == "/readyz":  # 503 is its documented answer when a dependency is slow
        assert response.status_code in (200, 503), response.text
        case.validate_response(response, checks=[response_schema_conformance])
    else:
        case.validate_response(
            response, checks=[checks.not_a_server_error, response_schema_conformance]
        )
    if response.status_code >= 400:
        assert "error" in response.json()
